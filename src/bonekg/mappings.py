"""Export the graph's identifier mappings as an SSSOM table (``mappings.sssom.tsv``).

Mapping tools (sssom-py, OXO, Biomappings, boomer) read SSSOM, not bonekg's vocabulary, so the
links the import modules assert are restated as mappings:

* ``mirna:`` concept → miRBase entry: ``skos:narrowMatch`` (the concept is species-neutral,
  each MIMAT/MI entry is one species' form of it);
* HGNC/MGI/RGD gene → NCBI Gene / Ensembl: ``skos:exactMatch``;
* HGNC gene → MGI/RGD ortholog: ``skos:relatedMatch`` (an ortholog is a different gene in a
  different species, not the same entity), with a ``comment``.

Justifications (semapv vocabulary):

* miRNA → miRBase is ``semapv:LexicalMatching``: the entries are found by matching the
  curated concept name against miRBase names with a fixed rule (``<sp>-<name>``; see
  :func:`bonekg.imports.mirna_species_forms`), not by a curator looking at each entry.
* genes → NCBI Gene/Ensembl/orthologs is ``semapv:BackgroundKnowledgeBasedMatching``: bonekg
  takes them from the cross-reference columns of the HGNC/MGI/RGD tables (background
  knowledge curated upstream); bonekg did not match the genes itself.

The file is deterministic (sorted rows, no ``mapping_date``): builds are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import prefixes

__all__ = ["COLUMNS", "write_sssom"]

COLUMNS: tuple[str, ...] = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "comment",
)

_LEXICAL = "semapv:LexicalMatching"
_BACKGROUND = "semapv:BackgroundKnowledgeBasedMatching"
_GENE_PREFIXES = frozenset({"hgnc", "MGI", "rgd"})
_XREF_PREFIXES = frozenset({"NCBIGene", "ensembl"})
# Prefixes SSSOM defines itself; the curie_map lists only the others.
_BUILTIN = frozenset({"owl", "rdf", "rdfs", "semapv", "skos", "sssom", "xsd", "linkml", "oboInOwl"})

_Row = tuple[str, str, str, str, str, str, str]


def write_sssom(graph_nt: Path, out: Path, version: str) -> int:
    """Write the SSSOM TSV of ``graph_nt`` (N-Triples) to ``out``; return the mapping count."""
    label_iri = prefixes.expand("rdfs:label")
    forms = prefixes.expand("bkg:hasSpeciesForm")
    exact = prefixes.expand("skos:exactMatch")
    ortholog = prefixes.expand("bkg:ortholog")
    comment_iri = prefixes.expand("rdfs:comment")
    labels: dict[str, list[tuple[int, str]]] = {}
    edges: list[tuple[str, str, str]] = []
    family: set[str] = set()
    # Only the lines of these predicates are parsed (most of the graph is claims and imports).
    wanted = {f"<{iri}>".encode() for iri in (label_iri, forms, exact, ortholog, comment_iri)}
    kept: list[bytes] = []
    with graph_nt.open("rb") as fh:
        for line in fh:
            s_end = line.find(b" ")
            if line[s_end + 1 : line.find(b" ", s_end + 1)] in wanted:
                kept.append(line)
    if kept:
        for t in ox.parse(b"".join(kept), format=ox.RdfFormat.N_TRIPLES):
            s, p, o = t.subject, t.predicate.value, t.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == label_iri and isinstance(o, ox.Literal):
                rank = 0 if o.language in (None, "en") else 1
                labels.setdefault(s.value, []).append((rank, o.value))
            elif p in (forms, exact, ortholog) and isinstance(o, ox.NamedNode):
                edges.append((s.value, p, o.value))
            elif (
                p == comment_iri
                and isinstance(o, ox.Literal)
                and o.value.startswith("Family expansion")
            ):
                family.add(s.value)

    def label(iri: str) -> str:
        found = labels.get(iri)
        return sorted(found)[0][1] if found else ""

    rows: set[_Row] = set()
    for s, p, o in edges:
        sc, oc = prefixes.compress(s), prefixes.compress(o)
        sp, op = sc.partition(":")[0], oc.partition(":")[0]
        if p == forms and sp == "mirna" and op in ("mirbase", "mirbase.mature"):
            kind = "precursor" if op == "mirbase" else "mature"
            note = (
                "family expansion: no precursor has the concept's own name"
                if s in family
                else f"miRBase {kind} name matches the concept name"
            )
            rows.add((sc, label(s), "skos:narrowMatch", oc, label(o), _LEXICAL, note))
        elif p == exact and sp in _GENE_PREFIXES and op in _XREF_PREFIXES:
            rows.add((sc, label(s), "skos:exactMatch", oc, label(o), _BACKGROUND, ""))
        elif p == ortholog and sp in _GENE_PREFIXES and op in _GENE_PREFIXES and sp != op:
            # One row per ortholog pair, from the human gene (HGNC records the orthology).
            if op == "hgnc":
                s, o, sc, oc = o, s, oc, sc
            if sc.startswith("hgnc:"):
                rows.add(
                    (
                        sc,
                        label(s),
                        "skos:relatedMatch",
                        oc,
                        label(o),
                        _BACKGROUND,
                        "ortholog (HGNC's MGI/RGD ortholog columns)",
                    )
                )
    ordered = sorted(rows)
    used = sorted(
        {c.partition(":")[0] for r in ordered for c in (r[0], r[3])} - _BUILTIN,
        key=str.lower,
    )
    pm = prefixes.prefix_map()
    header = ["curie_map:"]
    header += [f"  {p}: {_yaml_str(pm[p])}" for p in used]
    header += [
        f"mapping_set_id: {_yaml_str(prefixes.expand(f'bonekg:mappings/{version}'))}",
        f"mapping_set_version: {_yaml_str(version)}",
        "mapping_set_title: bonekg identifier mappings",
        "mapping_set_description: >-",
        "  miRNA concepts of bonekg to miRBase entries, and genes to NCBI Gene, Ensembl",
        "  and their mouse/rat orthologs, as asserted in the bonekg import modules.",
        "license: https://creativecommons.org/licenses/by/4.0/",
    ]
    lines = [f"#{h}" for h in header]
    lines.append("\t".join(COLUMNS))
    lines.extend("\t".join(_cell(v) for v in row) for row in ordered)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)
    return len(ordered)


def _cell(value: str) -> str:
    return " ".join(value.split())


def _yaml_str(value: str) -> str:
    """A double-quoted YAML scalar (IRIs contain ``#`` and end in ``:``, which YAML reads)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
