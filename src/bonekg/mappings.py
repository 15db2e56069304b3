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

import re
from pathlib import Path

from . import prefixes
from .serialize import nt_unescape

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
    found: dict[str, tuple[int, str]] = {}  # IRI -> its best (rank, label)
    edges: list[tuple[str, str, str]] = []
    family: set[str] = set()
    # Only the lines of these predicates are parsed (most of the graph is claims and imports):
    # a regular expression picks them out of each block of lines.
    wanted = b"|".join(
        re.escape(f"<{iri}>".encode()) for iri in (label_iri, forms, exact, ortholog, comment_iri)
    )
    line_of = re.compile(rb"^[^ \n]+ (?:" + wanted + rb") [^\n]*\n", re.MULTILINE)
    kept: list[bytes] = []
    with graph_nt.open("rb") as fh:
        rest = b""
        while block := fh.read(1 << 24):
            data = rest + block
            end = data.rfind(b"\n") + 1
            kept += line_of.findall(data, 0, end)
            rest = data[end:]
        kept += line_of.findall(rest + b"\n") if rest else []
    # The build's own N-Triples (one triple per line, IRIs checked as they were written): the
    # terms are cut out of the text; only literals need decoding.
    label_p, forms_p, exact_p, ortholog_p, comment_p = (
        f"<{i}>" for i in (label_iri, forms, exact, ortholog, comment_iri)
    )
    for line in b"".join(kept).decode("utf-8").split("\n"):
        if not line.startswith("<"):
            continue  # the empty string after the last line (no blank node subjects here)
        s_end = line.index(" ")
        p_end = line.index(" ", s_end + 1)
        subject, p, o = line[1 : s_end - 1], line[s_end + 1 : p_end], line[p_end + 1 : -2]
        if o.startswith("<"):
            if p in (forms_p, exact_p, ortholog_p):
                edges.append((subject, p[1:-1], o[1:-1]))
            continue
        quote = o.rfind('"')
        if quote <= 0:
            continue  # a blank node object
        if p == label_p:
            tag = o[quote + 2 :] if o.startswith("@", quote + 1) else None
            candidate = (0 if tag in (None, "en") else 1, nt_unescape(o[1:quote]))
            best = found.get(subject)
            if best is None or candidate < best:
                found[subject] = candidate
        elif p == comment_p and o.startswith('"Family expansion'):
            family.add(subject)
    labels = {iri: text for iri, (_, text) in found.items()}

    def label(iri: str) -> str:
        return labels.get(iri, "")

    curies: dict[str, str] = {}

    def compress(iri: str) -> str:
        c = curies.get(iri)
        if c is None:
            c = curies[iri] = prefixes.compress(iri)
        return c

    rows: set[_Row] = set()
    for s, p, o in edges:
        sc, oc = compress(s), compress(o)
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
    # Only labels can hold tabs, newlines or runs of spaces (CURIEs and the notes cannot).
    lines.extend(
        "\t".join((r[0], _cell(r[1]), r[2], r[3], _cell(r[4]), r[5], r[6])) for r in ordered
    )
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)
    return len(ordered)


_IRREGULAR_SPACE = re.compile(r"\s\s|[^\S ]|^\s|\s$")


def _cell(value: str) -> str:
    """The value with each run of white space as one space and none at either end."""
    return " ".join(value.split()) if _IRREGULAR_SPACE.search(value) else value


def _yaml_str(value: str) -> str:
    """A double-quoted YAML scalar (IRIs contain ``#`` and end in ``:``, which YAML reads)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
