"""Check every external identifier of a build against the upstream reference files.

``bonekg check-ids`` is the gate of the design rule "an identifier enters the graph only after
it was checked against the upstream file": for every IRI of an external namespace in
``build/bonekg.nt`` it verifies that upstream (``../shared/refdata``) has the identifier, that
it is live (not obsolete, deprecated, merged or withdrawn), and that the graph's
``rdfs:label`` is upstream's label (GO/CL/… name, HGNC approved symbol, MGI/RGD symbol,
miRBase name). It also checks that

* each miRBase entry a ``mirna:`` concept links to carries the concept's name (a
  ``hsa-miR-214-3p`` under ``mirna:miR-214-3p``) and that no entry the naming rule finds is
  missing;
* HGNC cross-references in the graph (NCBI Gene, Ensembl, UniProt, MGI/RGD orthologs) are the
  ones HGNC gives;
* every DOI cited as a primary reference, or naming a review, is printed in the text of the
  review that cites it (whitespace and case aside), so no DOI was looked up or invented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from . import prefixes
from .imports import mirna_species_forms
from .refdata import SPECIES_TAXON, RefData, TermSource

__all__ = ["EXTERNAL_PREFIXES", "IdProblem", "check_ids"]

#: Namespaces whose identifiers are checked against refdata.
EXTERNAL_PREFIXES: frozenset[str] = frozenset(
    {
        "GO",
        "CL",
        "UBERON",
        "DOID",
        "MONDO",
        "EFO",
        "ECO",
        "RO",
        "BFO",
        "SO",
        "NCBITaxon",
        "CHEBI",
        "hgnc",
        "MGI",
        "rgd",
        "mirbase",
        "mirbase.mature",
        "NCBIGene",
        "ensembl",
        "uniprot",
    }
)

# Identifiers upstream gives no label for (bonekg does not label them either).
_UNLABELLED = frozenset({"NCBIGene", "ensembl", "uniprot"})
_DOI = "https://doi.org/"
_MAX_USES = 3


@dataclass(frozen=True, order=True)
class IdProblem:
    """One problem with one identifier: what is wrong and which resources use it."""

    identifier: str  # a CURIE (or the IRI, for DOIs)
    problem: str
    used_by: tuple[str, ...] = ()  # CURIEs of the claims/evidence/… that refer to it

    def __str__(self) -> str:
        where = ""
        if self.used_by:
            more = (
                ""
                if len(self.used_by) <= _MAX_USES
                else f" and {len(self.used_by) - _MAX_USES} more"
            )
            where = f" (used by {', '.join(self.used_by[:_MAX_USES])}{more})"
        return f"{self.identifier}: {self.problem}{where}"


class _Graph:
    """What check-ids needs from the N-Triples: labels, links, and where each IRI is used."""

    def __init__(self, nt: Path) -> None:
        self.labels: dict[str, set[str]] = {}
        self.used_by: dict[str, set[str]] = {}
        self.external: dict[str, str] = {}  # IRI -> CURIE
        self.objects: dict[tuple[str, str], set[str]] = {}  # (subject, predicate) -> objects
        self.by_predicate: dict[str, list[tuple[str, str]]] = {}
        self.literals: dict[tuple[str, str], set[str]] = {}
        watched = {
            prefixes.expand(c)
            for c in (
                "bkg:hasSpeciesForm",
                "bkg:statedIn",
                "bkg:citesReference",
                "skos:exactMatch",
                "rdfs:seeAlso",
                "bkg:ortholog",
            )
        }
        label = prefixes.expand("rdfs:label")
        source_file = prefixes.expand("bkg:sourceFile")
        with nt.open("rb") as fh:
            for t in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES):
                s, p, o = t.subject, t.predicate.value, t.object
                if not isinstance(s, ox.NamedNode):
                    continue
                sv = s.value
                self._note(sv)
                self._note(p)
                if isinstance(o, ox.Literal):
                    if p == label:
                        self.labels.setdefault(sv, set()).add(o.value)
                    elif p == source_file:
                        self.literals.setdefault((sv, p), set()).add(o.value)
                    continue
                if not isinstance(o, ox.NamedNode):
                    continue
                ov = o.value
                if self._note(ov) and sv not in self.external:
                    self.used_by.setdefault(ov, set()).add(sv)
                if p in watched or ov.startswith(_DOI) or sv.startswith(_DOI):
                    self.objects.setdefault((sv, p), set()).add(ov)
                    self.by_predicate.setdefault(p, []).append((sv, ov))

    def _note(self, iri: str) -> bool:
        """Record ``iri`` if it is in an external namespace; return whether it is."""
        if iri in self.external:
            return True
        curie = prefixes.compress(iri)
        if curie != iri and curie.partition(":")[0] in EXTERNAL_PREFIXES:
            self.external[iri] = curie
            return True
        return False

    def uses(self, iri: str) -> tuple[str, ...]:
        return tuple(sorted(prefixes.compress(u) for u in self.used_by.get(iri, ())))


def check_ids(build_dir: Path, refdata: Path, sources: Path | None) -> list[IdProblem]:
    """Check ``build_dir/bonekg.nt`` against ``refdata`` (and DOIs against ``sources``)."""
    g = _Graph(build_dir / "bonekg.nt")
    ref = RefData(refdata)
    problems: list[IdProblem] = []
    by_prefix: dict[str, dict[str, str]] = {}
    for iri, curie in g.external.items():
        prefix, _, local = curie.partition(":")
        pattern = prefixes.LOCAL_ID_PATTERNS.get(prefix)
        if pattern is not None and not pattern.fullmatch(local):
            problems.append(
                IdProblem(
                    curie,
                    f"malformed {prefix} identifier (expected /{pattern.pattern}/)",
                    g.uses(iri),
                )
            )
            continue
        by_prefix.setdefault(prefix, {})[curie] = iri
    for prefix, ids in sorted(by_prefix.items()):
        src = ref.ontology(prefix)
        if src is not None:
            problems.extend(_check_terms(g, src, ids))
    problems.extend(_check_genes(g, ref, by_prefix))
    problems.extend(_check_mirbase(g, ref, by_prefix))
    if sources is not None:
        problems.extend(_check_dois(g, sources))
    return sorted(set(problems))


def _label_problem(g: _Graph, iri: str, curie: str, upstream: str, what: str) -> IdProblem | None:
    labels = g.labels.get(iri, set())
    wrong = sorted(x for x in labels if x != upstream)
    if wrong:
        return IdProblem(
            curie,
            f"label {' / '.join(repr(w) for w in wrong)} in the build, but upstream "
            f"{what} is {upstream!r}",
            g.uses(iri),
        )
    if not labels:
        return IdProblem(
            curie,
            f"has no rdfs:label in the build (upstream {what}: {upstream!r}); "
            "is it missing from the import modules?",
            g.uses(iri),
        )
    return None


def _check_terms(g: _Graph, src: TermSource, ids: dict[str, str]) -> list[IdProblem]:
    out: list[IdProblem] = []
    found = src.terms(ids)
    file = ", ".join(i.file for i in (src.info, *src.extra_info))
    for curie, iri in sorted(ids.items()):
        term = found.get(curie)
        if term is None:
            primary = src.primary_of(curie)
            if primary is not None:
                out.append(
                    IdProblem(
                        curie,
                        f"is an alt_id merged into {primary} ({file}); use {primary}",
                        g.uses(iri),
                    )
                )
            else:
                out.append(IdProblem(curie, f"does not exist in {file}", g.uses(iri)))
            continue
        if term.obsolete:
            alt = term.replaced_by or term.consider
            hint = f"; replaced by {', '.join(alt)}" if term.replaced_by else ""
            if not term.replaced_by and alt:
                hint = f"; consider {', '.join(alt)}"
            out.append(IdProblem(curie, f"is obsolete upstream ({file}){hint}", g.uses(iri)))
            continue
        p = _label_problem(g, iri, curie, term.label, "label")
        if p is not None:
            out.append(p)
    return out


def _check_genes(g: _Graph, ref: RefData, by_prefix: dict[str, dict[str, str]]) -> list[IdProblem]:
    out: list[IdProblem] = []
    hgnc_ids = by_prefix.get("hgnc", {})
    mgi_ids = by_prefix.get("MGI", {})
    rgd_ids = by_prefix.get("rgd", {})
    xref_ids = {p: by_prefix.get(p, {}) for p in ("NCBIGene", "ensembl", "uniprot")}
    if not (hgnc_ids or mgi_ids or rgd_ids or any(xref_ids.values())):
        return out
    tables = ref.genes
    # One scan of HGNC for every identifier HGNC might know.
    tokens = {"HGNC:" + c.partition(":")[2] for c in hgnc_ids}
    tokens |= {"MGI:" + c.partition(":")[2] for c in mgi_ids}
    tokens |= {"RGD:" + c.partition(":")[2] for c in rgd_ids}
    for ids in xref_ids.values():
        tokens |= {c.partition(":")[2] for c in ids}
    rows = tables.hgnc(tokens)
    hgnc = {r.curie: r for r in rows}
    known_xrefs = {x for r in rows for x in r.ncbi_gene + r.ensembl + r.uniprot}
    mouse = tables.mgi(mgi_ids)
    rat = tables.rgd(rgd_ids)
    known_xrefs |= {e for r in [*mouse.values(), *rat.values()] for e in r.ensembl}

    exact = prefixes.expand("skos:exactMatch")
    see_also = prefixes.expand("rdfs:seeAlso")
    ortholog = prefixes.expand("bkg:ortholog")
    for curie, iri in sorted(hgnc_ids.items()):
        rec = hgnc.get(curie)
        if rec is None:
            out.append(IdProblem(curie, f"does not exist in {tables.hgnc_info.file}", g.uses(iri)))
            continue
        if not rec.approved:
            out.append(IdProblem(curie, f"HGNC status is {rec.status!r}: {rec.name}", g.uses(iri)))
            continue
        p = _label_problem(g, iri, curie, rec.symbol, "approved symbol")
        if p is not None:
            out.append(p)
        declared = {
            prefixes.compress(o)
            for pred in (exact, see_also, ortholog)
            for o in g.objects.get((iri, pred), ())
        }
        upstream = set(rec.ncbi_gene + rec.ensembl + rec.uniprot + rec.mgi + rec.rgd)
        for x in sorted(declared - upstream):
            if x.partition(":")[0] in ("NCBIGene", "ensembl", "uniprot", "MGI", "rgd"):
                out.append(
                    IdProblem(
                        curie,
                        f"is linked to {x}, which HGNC does not list for {rec.symbol}",
                        g.uses(iri),
                    )
                )
    for ids, table, what in ((mgi_ids, mouse, "MGI"), (rgd_ids, rat, "RGD")):
        info = tables.mgi_info if what == "MGI" else tables.rgd_info
        for curie, iri in sorted(ids.items()):
            rec2 = table.get(curie)
            if rec2 is None:
                out.append(IdProblem(curie, f"does not exist in {info.file}", g.uses(iri)))
                continue
            p = _label_problem(g, iri, curie, rec2.symbol, f"{what} symbol")
            if p is not None:
                out.append(p)
    for prefix, ids in xref_ids.items():
        for curie, iri in sorted(ids.items()):
            if curie not in known_xrefs:
                out.append(
                    IdProblem(
                        curie,
                        f"not found in the HGNC/MGI/RGD tables ({prefix} ids are verified "
                        "through their cross-reference columns)",
                        g.uses(iri),
                    )
                )
    return out


def _check_mirbase(
    g: _Graph, ref: RefData, by_prefix: dict[str, dict[str, str]]
) -> list[IdProblem]:
    out: list[IdProblem] = []
    mature_ids = by_prefix.get("mirbase.mature", {})
    pre_ids = by_prefix.get("mirbase", {})
    forms = prefixes.expand("bkg:hasSpeciesForm")
    links = g.by_predicate.get(forms, [])
    if not (mature_ids or pre_ids or links):
        return out
    mb = ref.mirbase
    for curie, iri in sorted(mature_ids.items()):
        m = mb.mature.get(curie.partition(":")[2])
        if m is None:
            out.append(IdProblem(curie, f"does not exist in {mb.mature_info.file}", g.uses(iri)))
            continue
        p = _label_problem(g, iri, curie, m.name, "miRBase name")
        if p is not None:
            out.append(p)
    for curie, iri in sorted(pre_ids.items()):
        pe = mb.precursors.get(curie.partition(":")[2])
        if pe is None:
            out.append(
                IdProblem(
                    curie,
                    f"does not exist in {mb.dat_info.file} (hsa/mmu/rno/cel precursors)",
                    g.uses(iri),
                )
            )
            continue
        p = _label_problem(g, iri, curie, pe.name, "miRBase name")
        if p is not None:
            out.append(p)
    linked: dict[str, set[str]] = {}
    for s, o in links:
        linked.setdefault(s, set()).add(o)
    for concept_iri, entries in sorted(linked.items()):
        concept = prefixes.compress(concept_iri)
        prefix, _, name = concept.partition(":")
        if prefix != "mirna":
            continue
        expected = mirna_species_forms(name, mb)
        allowed = {prefixes.expand(f"mirbase.mature:{a}") for a in expected.mature}
        allowed |= {prefixes.expand(f"mirbase:{a}") for a in expected.precursors}
        for e in sorted(entries - allowed):
            acc = prefixes.compress(e)
            upstream = mb.entry_name(acc.partition(":")[2]) or "not in miRBase"
            want = (
                f"{'/'.join(SPECIES_TAXON)}-{name}"
                if expected.has_arm
                else f"<species>-{'mir' if name.startswith('miR') else name.split('-')[0]}-…"
            )
            out.append(
                IdProblem(
                    acc,
                    f"is linked from {concept} but its miRBase name is {upstream!r}, not {want}",
                    (concept,),
                )
            )
        for e in sorted(allowed - entries):
            acc = prefixes.compress(e)
            out.append(
                IdProblem(
                    acc,
                    f"miRBase entry {mb.entry_name(acc.partition(':')[2])!r} matches {concept} "
                    "but the build does not link it (stale import module?)",
                    (concept,),
                )
            )
    return out


_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text).lower()


def _check_dois(g: _Graph, sources: Path) -> list[IdProblem]:
    out: list[IdProblem] = []
    source_file = prefixes.expand("bkg:sourceFile")
    stated_in = prefixes.expand("bkg:statedIn")
    cites = prefixes.expand("bkg:citesReference")
    reviews = {s: files for (s, p), files in g.literals.items() if p == source_file}
    texts: dict[str, str | None] = {}

    def text_of(review: str) -> tuple[str | None, str]:
        files = sorted(reviews.get(review, ()))
        if not files:
            return None, ""
        name = files[0]
        if name not in texts:
            path = sources / name
            texts[name] = _squash(path.read_text(encoding="utf-8")) if path.is_file() else None
        return texts[name], name

    def check(doi_iri: str, review: str, used: Iterable[str]) -> None:
        doi = unquote(doi_iri[len(_DOI) :])
        text, name = text_of(review)
        who = tuple(sorted({prefixes.compress(u) for u in used}))
        if not name:
            out.append(
                IdProblem(
                    doi_iri,
                    f"cited in {prefixes.compress(review)}, which has no bkg:sourceFile",
                    who,
                )
            )
        elif text is None:
            out.append(IdProblem(doi_iri, f"source file {name} not found in {sources}", who))
        elif _squash(doi) not in text:
            out.append(
                IdProblem(
                    doi_iri,
                    f"DOI {doi} is not printed in {name}, the text of "
                    f"{prefixes.compress(review)} (use the DOI the review prints, never a "
                    "looked-up one)",
                    who,
                )
            )

    for review in sorted(reviews):
        if review.startswith(_DOI):
            check(review, review, [review])
        for (s, _p), objs in g.objects.items():
            if s == review:
                for o in objs:
                    if o.startswith(_DOI) and o != review:
                        check(o, review, [review])
    cited: dict[tuple[str, str], set[str]] = {}
    for ev, review in g.by_predicate.get(stated_in, []):
        for doi_iri in g.objects.get((ev, cites), ()):
            if doi_iri.startswith(_DOI):
                cited.setdefault((doi_iri, review), set()).add(ev)
    for (doi_iri, review), evs in sorted(cited.items()):
        check(doi_iri, review, evs)
    return out
