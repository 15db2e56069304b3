"""Import modules: the slice of each upstream ontology/database that bonekg's curation uses.

``refresh`` extracts, from the files in ``../shared/refdata``, one Turtle module per source
(``ontology/imports/<name>.ttl``) with every term the curation (and the TBox) uses, its label,
its definition and *all* its ancestors, so that a SPARQL user can ask for claims about
ossification and get the ones about osteoblast differentiation without loading GO:

.. code-block:: sparql

    ?claim bkg:object ?term .
    ?term (rdfs:subClassOf | BFO:0000050)* GO:0001503 .

``rdfs:subClassOf`` carries is_a. A part_of parent is stated as a class-level triple
``T BFO:0000050 P``, the relation-graph/Ubergraph convention for the OWL axiom
``T SubClassOf (part_of some P)``: bonekg graphs contain no blank nodes (builds must be
byte-identical), and the restriction needs one. In OWL 2 DL the triple is an assertion between
punned individuals, as every class used as a claim object already is, so it is harmless to a
reasoner; SPARQL users get the whole is_a/part_of closure from the path above.

The miRBase module links each species-neutral ``mirna:`` concept to miRBase entries by the
naming rule of ``curation/README.md`` (:func:`mirna_species_forms`); the genes module
describes HGNC genes and their MGI/RGD orthologs.

The modules are committed, so they are written deterministically: sorted subjects,
predicates and objects, only the prefixes used, no timestamps. ``check`` compares a curation
with the modules (missing terms, curator labels that differ from upstream, miRNA concepts
without miRBase entries).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import paths, prefixes
from .model import Claim, Curation, Entity, EntityKind, Ref
from .refdata import (
    ONTOLOGY_BY_PREFIX,
    PART_OF,
    SPECIES_TAXON,
    GeneRecord,
    HgncRecord,
    MirBase,
    RefData,
    SourceInfo,
    Term,
    TermSource,
)

__all__ = [
    "ALWAYS",
    "MODULES",
    "MirnaForms",
    "check",
    "mirna_species_forms",
    "module_for",
    "precursor_stem",
    "refresh",
    "tbox_curies",
]

#: The modules, in the order they are written.
MODULES: tuple[str, ...] = (
    "go",
    "cl",
    "uberon",
    "doid",
    "mondo",
    "efo",
    "eco",
    "ro",
    "so",
    "ncbitaxon",
    "chebi",
    "mirbase",
    "genes",
)

_MODULE_OF_PREFIX: dict[str, str] = {
    **ONTOLOGY_BY_PREFIX,
    "mirna": "mirbase",
    "mirbase": "mirbase",
    "mirbase.mature": "mirbase",
    "hgnc": "genes",
    "MGI": "genes",
    "rgd": "genes",
}

#: Terms every build needs whatever the curation says: the TBox and the modules refer to them.
ALWAYS: dict[str, tuple[str, ...]] = {
    "so": ("SO:0000276", "SO:0001244", "SO:0000704", "SO:0000655"),
    "go": ("GO:0070062",),
    "eco": ("ECO:0000304", "ECO:0000303"),
    "ncbitaxon": tuple(SPECIES_TAXON.values()),
    # in taxon (used by the miRBase and genes modules) and part of (used by GO/UBERON axioms)
    "ro": ("RO:0002162", PART_OF),
}

# Upstream ontology PURLs (pav:importedFrom).
_PURLS: dict[str, tuple[str, ...]] = {
    "go": ("http://purl.obolibrary.org/obo/go.owl",),
    "cl": ("http://purl.obolibrary.org/obo/cl.owl",),
    "uberon": ("http://purl.obolibrary.org/obo/uberon.owl",),
    "doid": ("http://purl.obolibrary.org/obo/doid.owl",),
    "mondo": ("http://purl.obolibrary.org/obo/mondo.owl",),
    "efo": ("http://www.ebi.ac.uk/efo/efo.owl",),
    "eco": ("http://purl.obolibrary.org/obo/eco.owl",),
    "ro": ("http://purl.obolibrary.org/obo/ro.owl",),
    "so": ("http://purl.obolibrary.org/obo/so.owl",),
    "ncbitaxon": ("http://purl.obolibrary.org/obo/ncbitaxon.owl",),
    "chebi": ("http://purl.obolibrary.org/obo/chebi.owl",),
    "mirbase": ("https://www.mirbase.org/",),
    "genes": (
        "https://www.genenames.org/",
        "https://www.informatics.jax.org/",
        "https://rgd.mcw.edu/",
    ),
}

_TITLES: dict[str, str] = {
    "go": "Gene Ontology",
    "cl": "Cell Ontology",
    "uberon": "Uberon multi-species anatomy ontology",
    "doid": "Human Disease Ontology",
    "mondo": "Mondo Disease Ontology",
    "efo": "Experimental Factor Ontology",
    "eco": "Evidence and Conclusion Ontology",
    "ro": "Relations Ontology",
    "so": "Sequence Ontology",
    "ncbitaxon": "NCBI organismal classification",
    "chebi": "Chemical Entities of Biological Interest",
    "mirbase": "miRBase",
    "genes": "HGNC, MGI and RGD genes",
}

_MINTED = frozenset({"cellline", "ncrna", "intervention"})

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _iri(curie: str) -> str:
    return prefixes.expand(curie)


# Vocabulary, expanded once through the prefix map.
_V: dict[str, str] = {}


def _v(curie: str) -> str:
    iri = _V.get(curie)
    if iri is None:
        iri = _V[curie] = _iri(curie)
    return iri


# ---------------------------------------------------------------------------------------------
# A minimal deterministic Turtle writer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class _Lit:
    value: str
    datatype: str | None = None  # None: xsd:string


_Obj = str | _Lit

_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


class _Turtle:
    """Collects triples and writes them sorted, with prefixed names where Turtle allows."""

    def __init__(self, ontology_iri: str) -> None:
        self.ontology_iri = ontology_iri
        self.triples: dict[str, dict[str, set[_Obj]]] = {}
        self._used_prefixes: set[str] = set()

    def add(self, s: str, p: str, o: _Obj) -> None:
        self.triples.setdefault(s, {}).setdefault(p, set()).add(o)

    def name(self, iri: str) -> str:
        curie = prefixes.compress(iri)
        if curie != iri:
            prefix, _, local = curie.partition(":")
            if _PN_LOCAL.fullmatch(local) and prefixes.expand(curie) == iri:
                self._used_prefixes.add(prefix)
                return curie
        return f"<{iri}>"

    def obj(self, o: _Obj) -> str:
        if isinstance(o, _Lit):
            if o.datatype == _v("xsd:boolean") and o.value in ("true", "false"):
                return o.value
            text = '"' + _escape(o.value) + '"'
            return text if o.datatype is None else f"{text}^^{self.name(o.datatype)}"
        return self.name(o)

    def _block(self, s: str) -> str:
        props = self.triples[s]
        first = (RDF_TYPE, _v("rdfs:label"))
        keys = sorted(props, key=lambda p: (first.index(p) if p in first else 2, self.name(p)))
        lines: list[str] = []
        for p in keys:
            pname = "a" if p == RDF_TYPE else self.name(p)
            objs = sorted(self.obj(o) for o in props[p])
            lines.append(f"    {pname} " + " ,\n        ".join(objs))
        return self.name(s) + "\n" + " ;\n".join(lines) + " .\n"

    def serialize(self, header_comment: str) -> str:
        blocks: list[str] = []
        if self.ontology_iri in self.triples:
            blocks.append(self._block(self.ontology_iri))
        rest = sorted((s for s in self.triples if s != self.ontology_iri), key=self.name)
        blocks.extend(self._block(s) for s in rest)
        pm = prefixes.prefix_map()
        head = "".join(
            f"@prefix {p}: <{pm[p]}> .\n"
            for p in sorted(self._used_prefixes, key=lambda x: (x.lower(), x))
        )
        comment = "".join(
            f"# {line}\n".replace("# \n", "#\n") for line in header_comment.splitlines()
        )
        return comment + "\n" + head + "\n" + "\n".join(blocks)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


# ---------------------------------------------------------------------------------------------
# miRNA concepts → miRBase entries
# ---------------------------------------------------------------------------------------------

_ARM = re.compile(r"-(?:3p|5p)$")
_NAME = re.compile(r"(miR|let|lin|bantam)-(.+)")


@dataclass(frozen=True)
class MirnaForms:
    """The miRBase entries a species-neutral miRNA name stands for.

    ``mature`` holds MIMAT accessions (a name with an arm), ``precursors`` MI accessions (a
    name without an arm); ``family`` is true when no precursor has the name itself and the
    entries are the lettered family members (miR-133 → mir-133a-1, mir-133b, …).
    """

    name: str
    has_arm: bool
    mature: tuple[str, ...] = ()
    precursors: tuple[str, ...] = ()
    family: bool = False

    @property
    def accessions(self) -> tuple[str, ...]:
        return self.mature + self.precursors


def precursor_stem(name: str) -> str | None:
    """The precursor spelling of an arm-less name: ``miR-214`` → ``mir-214``, ``let-7b`` kept."""
    m = _NAME.fullmatch(name)
    if m is None:
        return None
    kind, rest = m.groups()
    return ("mir" if kind == "miR" else kind) + "-" + rest


def mirna_species_forms(name: str, mirbase: MirBase) -> MirnaForms:
    """Apply the naming rule of ``curation/README.md`` to one concept name (``miR-214-3p``).

    * with an arm (``-3p``/``-5p``): the mature entries named exactly ``<sp>-<name>``;
    * without an arm: the precursors ``<sp>-mir-<n>`` and numbered paralogs ``-1``, ``-2`` …
      (``let``/``lin`` precursors keep their prefix: ``hsa-let-7b``);
    * without an arm, no such precursor in any species, and the name ends in a digit
      (``miR-133``, ``miR-29``): the family ``<sp>-mir-<n>[a-z](-N)?``, flagged ``family``.

    ``sp`` ranges over hsa, mmu, rno, cel.
    """
    if _ARM.search(name):
        by_name = mirbase.mature_by_name
        mature = sorted(
            by_name[f"{sp}-{name}"].accession for sp in SPECIES_TAXON if f"{sp}-{name}" in by_name
        )
        return MirnaForms(name, True, mature=tuple(mature))
    stem = precursor_stem(name)
    if stem is None:
        return MirnaForms(name, False)
    rest = stem.partition("-")[2]
    species = "|".join(SPECIES_TAXON)
    exact = re.compile(rf"(?:{species})-{re.escape(stem)}(?:-\d+)?")
    names = mirbase.precursors_by_name
    found = sorted(p.accession for n, p in names.items() if exact.fullmatch(n))
    if found:
        return MirnaForms(name, False, precursors=tuple(found))
    if rest[-1:].isdigit():
        fam = re.compile(rf"(?:{species})-{re.escape(stem)}[a-z](?:-\d+)?")
        members = sorted(p.accession for n, p in names.items() if fam.fullmatch(n))
        if members:
            return MirnaForms(name, False, precursors=tuple(members), family=True)
    return MirnaForms(name, False)


# ---------------------------------------------------------------------------------------------
# Which terms the curation uses
# ---------------------------------------------------------------------------------------------


def module_for(curie: str) -> str | None:
    """The import module that declares ``curie`` (None for minted or unknown prefixes)."""
    return _MODULE_OF_PREFIX.get(curie.partition(":")[0])


def _usages(curation: Curation) -> Iterator[tuple[Ref, str, str | None, Claim | Entity]]:
    """Every reference with where it is: (ref, file, claim id or entity CURIE, owner)."""
    for c in curation.claims:
        for r in c.refs():
            yield r, c.file, c.id, c
    for e in curation.entities:
        for er in (e.organism, e.models):
            if er is not None:
                yield er, e.file, e.curie, e


def tbox_curies(tbox: Path) -> set[str]:
    """External CURIEs (of the modules' prefixes) that a TBox file refers to."""
    import rdflib

    g = rdflib.Graph()
    g.parse(tbox)
    out: set[str] = set()
    for triple in g:
        for node in triple:
            if isinstance(node, rdflib.URIRef):
                curie = prefixes.compress(str(node))
                if curie != str(node) and module_for(curie) not in (None, "mirbase", "genes"):
                    out.add(curie)
    return out


def _used(curation: Curation, extra: Iterable[str]) -> dict[str, set[str]]:
    by_module: dict[str, set[str]] = {m: set(ALWAYS.get(m, ())) for m in MODULES}
    for r, *_ in _usages(curation):
        mod = module_for(r.curie)
        if mod is not None:
            by_module[mod].add(r.curie)
    for curie in extra:
        mod = module_for(curie)
        if mod is not None:
            by_module[mod].add(curie)
    return by_module


# ---------------------------------------------------------------------------------------------
# refresh
# ---------------------------------------------------------------------------------------------


def refresh(
    refdata: Path,
    curation: Curation,
    out_dir: Path,
    *,
    extra_curies: Iterable[str] | None = None,
) -> list[Path]:
    """Write one Turtle module per source into ``out_dir``; return the paths written.

    A module holds the terms the curation uses, the :data:`ALWAYS` terms and
    ``extra_curies`` — by default every external term the TBox (``ontology/bonekg.ttl``)
    refers to, so that its axioms have labelled targets; pass ``()`` for none.
    Files are replaced atomically and only rewritten when their content changes.
    """
    if extra_curies is None:
        tbox = paths.tbox_file()
        extra_curies = tbox_curies(tbox) if tbox.is_file() and tbox.stat().st_size else set()
    ref = RefData(refdata)
    used = _used(curation, extra_curies)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in MODULES:
        if name == "mirbase":
            text = _mirbase_module(ref, used[name])
        elif name == "genes":
            text = _genes_module(ref, used[name])
        else:
            src = ref.ontology(_SOURCE_PREFIX[name])
            assert src is not None
            text = _ontology_module(name, src, used[name])
        path = out_dir / f"{name}.ttl"
        _write_atomic(path, text)
        written.append(path)
    return written


_SOURCE_PREFIX: dict[str, str] = {
    "go": "GO",
    "cl": "CL",
    "uberon": "UBERON",
    "doid": "DOID",
    "mondo": "MONDO",
    "efo": "EFO",
    "eco": "ECO",
    "ro": "RO",
    "so": "SO",
    "ncbitaxon": "NCBITaxon",
    "chebi": "CHEBI",
}


def _write_atomic(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _module_iri(name: str) -> str:
    return _iri(f"bonekg:imports/{name}")


def _header(
    t: _Turtle, name: str, infos: Iterable[SourceInfo], description: str, comment: str | None
) -> None:
    o = t.ontology_iri
    infos = list(infos)
    t.add(o, RDF_TYPE, _v("owl:Ontology"))
    t.add(o, _v("dcterms:title"), _Lit(f"bonekg import module: {_TITLES[name]}"))
    t.add(o, _v("dcterms:description"), _Lit(description))
    for purl in _PURLS[name]:
        t.add(o, _v("pav:importedFrom"), purl)
    for info in infos:
        t.add(o, _v("dcterms:source"), _Lit(info.file))
    # One license per upstream resource: the genes module combines three, the others one
    # resource in one or two files (whose README rows may word the same terms differently).
    for info in infos if name == "genes" else infos[:1]:
        lic = info.license_iri
        t.add(o, _v("dcterms:license"), lic if lic is not None else _Lit(info.license))
    if name == "genes":
        labels = ("HGNC", "MGI", "RGD")
        version = "; ".join(f"{lab} {i.version}" for lab, i in zip(labels, infos, strict=False))
    else:
        # The primary file's version; fallback files are named in dcterms:source and rdfs:comment.
        version = infos[0].version
    t.add(o, _v("pav:version"), _Lit(version))
    t.add(o, _v("owl:versionInfo"), _Lit(version))
    if comment:
        t.add(o, _v("rdfs:comment"), _Lit(comment))


_GENERATED = (
    "Generated by `bonekg imports refresh` from ../shared/refdata; do not edit by hand.\n"
    "Regenerate after changing curation/*.yaml."
)


def _ontology_module(name: str, src: TermSource, used: set[str]) -> str:
    t = _Turtle(_module_iri(name))
    infos = [src.info, *src.extra_info]
    # Ids the curation used that are alt_ids of another term: include the primary term.
    primaries: dict[str, str] = {}
    for c in sorted(used):
        if src.term(c) is None and (p := src.primary_of(c)) is not None:
            primaries[c] = p
    terms = src.closure(sorted(set(used) | set(primaries.values())))
    hierarchy = "is_a (rdfs:subClassOf)"
    if name in ("go", "uberon"):
        hierarchy += (
            " and part_of (class-level BFO:0000050 triples standing for "
            "SubClassOf(part_of some P), as in relation-graph/Ubergraph)"
        )
    description = (
        f"The {_TITLES[name]} terms bonekg uses, with label, definition and every ancestor "
        f"through {hierarchy} up to the root."
    )
    comment: str | None = None
    if name == "uberon":
        comment = (
            "Edges are typed from uberon_musculoskeletal.obo where it has them; an ancestor "
            "edge of the JSON extract that the OBO subset does not type is stated as the weaker "
            "part_of (T BFO:0000050 P), which holds for is_a and part_of alike because part_of "
            "is reflexive."
        )
    elif name == "go":
        comment = (
            "Labels, is_a and part_of from the 2024-02 extract; definitions from the "
            "2021-12-15 OBO where the term's name is unchanged; obsolete terms from the OBO."
        )
    elif name in ("cl", "mondo", "efo"):
        comment = (
            "Direct superclasses are the transitive reduction of the extract's ancestor "
            "closure (classes of other namespaces are not in the extract)."
        )
    elif name == "doid":
        comment = "Parents are resolved from the TSV's parent labels to DOID ids."
    _header(t, name, infos, description, comment)
    is_property = name == "ro"
    for _, term in sorted(terms.items()):
        _describe_term(t, term, terms, is_property)
    for alt, primary in sorted(primaries.items()):
        s = _iri(alt)
        t.add(s, RDF_TYPE, _v("owl:ObjectProperty") if is_property else _v("owl:Class"))
        t.add(s, _v("owl:deprecated"), _Lit("true", _v("xsd:boolean")))
        t.add(s, _v("IAO:0100001"), _iri(primary))
        t.add(s, _v("rdfs:comment"), _Lit(f"{alt} is an alt_id: merged into {primary}."))
    return t.serialize(f"{name}.ttl — {_TITLES[name]}\n{_GENERATED}")


def _describe_term(t: _Turtle, term: Term, known: Mapping[str, Term], is_property: bool) -> None:
    s = _iri(term.curie)
    if is_property or term.is_relation:
        t.add(s, RDF_TYPE, _v("owl:ObjectProperty"))
        if term.transitive:
            t.add(s, RDF_TYPE, _v("owl:TransitiveProperty"))
        sub = _v("rdfs:subPropertyOf")
    else:
        t.add(s, RDF_TYPE, _v("owl:Class"))
        sub = _v("rdfs:subClassOf")
    if term.label:
        t.add(s, _v("rdfs:label"), _Lit(term.label))
    if term.definition:
        t.add(s, _v("IAO:0000115"), _Lit(term.definition))
    if term.obsolete:
        t.add(s, _v("owl:deprecated"), _Lit("true", _v("xsd:boolean")))
        for r in term.replaced_by:
            t.add(s, _v("IAO:0100001"), _iri(r))
        for c in term.consider:
            t.add(s, _v("oboInOwl:consider"), _Lit(c))
        return
    for p in term.is_a:
        if p in known:
            t.add(s, sub, _iri(p))
    if not (is_property or term.is_relation):
        for p in term.part_of:
            if p in known and p not in term.is_a:
                t.add(s, _iri(PART_OF), _iri(p))


def _mirbase_module(ref: RefData, used: set[str]) -> str:
    mb = ref.mirbase
    t = _Turtle(_module_iri("mirbase"))
    _header(
        t,
        "mirbase",
        [mb.mature_info, mb.dat_info],
        "The miRNA concepts bonekg uses (species-neutral, as the reviews name them) and the "
        "miRBase mature (MIMAT) and precursor (MI) entries of hsa, mmu, rno and cel they stand "
        "for.",
        "A name with an arm links to the mature entries named <species>-<name>; a name without "
        "an arm to the precursors <species>-mir-<n> and numbered paralogs (-1, -2); failing "
        "those, a name ending in a digit to its lettered family members (noted on the concept).",
    )
    mature_ids: set[str] = set()
    precursor_ids: set[str] = set()
    for curie in sorted(used):
        prefix, _, local = curie.partition(":")
        if prefix == "mirbase.mature":
            mature_ids.add(local)
        elif prefix == "mirbase":
            precursor_ids.add(local)
        elif prefix == "mirna":
            forms = mirna_species_forms(local, mb)
            s = _iri(curie)
            t.add(s, RDF_TYPE, _v("owl:NamedIndividual"))
            t.add(s, RDF_TYPE, _v("bkg:MiRNA"))
            t.add(
                s, RDF_TYPE, _v("bkg:MatureMiRNA" if forms.has_arm else "bkg:MiRNAPrecursorFamily")
            )
            t.add(s, _v("rdfs:label"), _Lit(local))
            for acc in forms.mature:
                t.add(s, _v("bkg:hasSpeciesForm"), _iri(f"mirbase.mature:{acc}"))
                mature_ids.add(acc)
            for acc in forms.precursors:
                t.add(s, _v("bkg:hasSpeciesForm"), _iri(f"mirbase:{acc}"))
                precursor_ids.add(acc)
            if forms.family:
                members = ", ".join(sorted(mb.precursors[a].name for a in forms.precursors))
                t.add(
                    s,
                    _v("rdfs:comment"),
                    _Lit(
                        f"Family expansion: miRBase has no precursor named "
                        f"<species>-{precursor_stem(local)}(-N); linked to the family members "
                        f"{members}."
                    ),
                )
            if not forms.accessions:
                t.add(
                    s,
                    _v("rdfs:comment"),
                    _Lit("No miRBase entry of hsa, mmu, rno or cel has this name."),
                )
    for acc in sorted(mature_ids):
        m = mb.mature.get(acc)
        if m is None:
            continue
        s = _iri(f"mirbase.mature:{acc}")
        t.add(s, RDF_TYPE, _v("owl:NamedIndividual"))
        t.add(s, RDF_TYPE, _v("bkg:MiRBaseMatureEntry"))
        t.add(s, _v("rdfs:label"), _Lit(m.name))
        t.add(s, _v("dcterms:identifier"), _Lit(acc))
        taxon = SPECIES_TAXON.get(m.species)
        if taxon:
            t.add(s, _v("RO:0002162"), _iri(taxon))
        for mi in m.precursors:
            t.add(s, _v("bkg:precursor"), _iri(f"mirbase:{mi}"))
            precursor_ids.add(mi)
    for acc in sorted(precursor_ids):
        p = mb.precursors.get(acc)
        if p is None:
            continue
        s = _iri(f"mirbase:{acc}")
        t.add(s, RDF_TYPE, _v("owl:NamedIndividual"))
        t.add(s, RDF_TYPE, _v("bkg:MiRBasePrecursorEntry"))
        t.add(s, _v("rdfs:label"), _Lit(p.name))
        t.add(s, _v("dcterms:identifier"), _Lit(acc))
        taxon = SPECIES_TAXON.get(p.species)
        if taxon:
            t.add(s, _v("RO:0002162"), _iri(taxon))
    return t.serialize(f"mirbase.ttl — miRNA concepts and miRBase entries\n{_GENERATED}")


def _genes_module(ref: RefData, used: set[str]) -> str:
    g = ref.genes
    t = _Turtle(_module_iri("genes"))
    _header(
        t,
        "genes",
        [g.hgnc_info, g.mgi_info, g.rgd_info],
        "The human (HGNC) genes bonekg uses with their NCBI Gene, Ensembl and UniProt "
        "cross-references and MGI/RGD orthologs (as HGNC records them), and the mouse (MGI) "
        "and rat (RGD) genes used directly or as orthologs.",
        None,
    )
    hgnc_ids = {c for c in used if c.startswith("hgnc:")}
    rodent_ids = {c for c in used if c.startswith(("MGI:", "rgd:"))}
    human = g.hgnc_by_id(hgnc_ids)
    # Rodent genes used directly: find their HGNC orthologs (by HGNC's MGI/RGD columns).
    back: dict[str, set[str]] = {}
    for rec in g.hgnc_by_ortholog(rodent_ids) if rodent_ids else []:
        for o in rec.mgi + rec.rgd:
            back.setdefault(o, set()).add(rec.curie)
    for rec in human.values():
        for o in rec.mgi + rec.rgd:
            back.setdefault(o, set()).add(rec.curie)
            rodent_ids.add(o)
    mouse = g.mgi({c for c in rodent_ids if c.startswith("MGI:")})
    rat = g.rgd({c for c in rodent_ids if c.startswith("rgd:")})
    # An ortholog HGNC lists but the MGI/RGD tables no longer have (withdrawn) is left out:
    # every gene the module links to is described in it.
    described = set(mouse) | set(rat)
    for rec in sorted(human.values(), key=lambda r: r.curie):
        _describe_hgnc(t, rec, described)
    for rec2 in sorted([*mouse.values(), *rat.values()], key=lambda r: r.curie):
        _describe_rodent(t, rec2, sorted(back.get(rec2.curie, ())))
    return t.serialize(f"genes.ttl — HGNC, MGI and RGD genes\n{_GENERATED}")


def _describe_hgnc(t: _Turtle, rec: HgncRecord, described: set[str]) -> None:
    s = _iri(rec.curie)
    t.add(s, RDF_TYPE, _v("owl:NamedIndividual"))
    t.add(s, RDF_TYPE, _v("bkg:Gene"))
    t.add(s, _v("rdfs:label"), _Lit(rec.symbol))
    t.add(s, _v("dcterms:identifier"), _Lit("HGNC:" + rec.curie.partition(":")[2]))
    t.add(s, _v("RO:0002162"), _iri(SPECIES_TAXON["hsa"]))
    if not rec.approved:
        t.add(s, _v("owl:deprecated"), _Lit("true", _v("xsd:boolean")))
        t.add(s, _v("rdfs:comment"), _Lit(f"HGNC status: {rec.status}. {rec.name}"))
        return
    t.add(s, _v("bkg:approvedName"), _Lit(rec.name))
    for x in rec.ncbi_gene + rec.ensembl:
        t.add(s, _v("skos:exactMatch"), _iri(x))
    for x in rec.uniprot:
        t.add(s, _v("rdfs:seeAlso"), _iri(x))
    for x in rec.mgi + rec.rgd:
        if x in described:
            t.add(s, _v("bkg:ortholog"), _iri(x))


def _describe_rodent(t: _Turtle, rec: GeneRecord, orthologs: list[str]) -> None:
    s = _iri(rec.curie)
    t.add(s, RDF_TYPE, _v("owl:NamedIndividual"))
    t.add(s, RDF_TYPE, _v("bkg:Gene"))
    t.add(s, _v("rdfs:label"), _Lit(rec.symbol))
    prefix, _, local = rec.curie.partition(":")
    t.add(s, _v("dcterms:identifier"), _Lit(f"{'RGD' if prefix == 'rgd' else 'MGI'}:{local}"))
    t.add(s, _v("RO:0002162"), _iri(rec.taxon))
    # One Ensembl id is an exact match; several (RGD lists other assemblies) are only see-also,
    # since skos:exactMatch is transitive and would equate them with each other.
    rel = _v("skos:exactMatch") if len(rec.ensembl) == 1 else _v("rdfs:seeAlso")
    for e in rec.ensembl:
        t.add(s, rel, _iri(e))
    for h in orthologs:
        t.add(s, _v("bkg:ortholog"), _iri(h))


# ---------------------------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------------------------


@dataclass
class _Modules:
    declared: set[str] = field(default_factory=set)
    labels: dict[str, set[str]] = field(default_factory=dict)
    deprecated: set[str] = field(default_factory=set)
    replaced_by: dict[str, set[str]] = field(default_factory=dict)
    species_forms: dict[str, set[str]] = field(default_factory=dict)


def _read_modules(imports_dir: Path) -> _Modules:
    import pyoxigraph as ox

    mods = _Modules()
    label = _v("rdfs:label")
    deprecated = _v("owl:deprecated")
    replaced = _v("IAO:0100001")
    forms = _v("bkg:hasSpeciesForm")
    for path in sorted(imports_dir.glob("*.ttl")):
        with path.open("rb") as fh:
            for q in ox.parse(fh, format=ox.RdfFormat.TURTLE):
                if not isinstance(q.subject, ox.NamedNode):
                    continue
                s, p, o = q.subject.value, q.predicate.value, q.object
                if p == RDF_TYPE:
                    mods.declared.add(s)
                elif p == label and isinstance(o, ox.Literal):
                    mods.labels.setdefault(s, set()).add(o.value)
                elif p == deprecated and isinstance(o, ox.Literal) and o.value == "true":
                    mods.deprecated.add(s)
                elif p == replaced and isinstance(o, ox.NamedNode):
                    mods.replaced_by.setdefault(s, set()).add(o.value)
                elif p == forms and isinstance(o, ox.NamedNode):
                    mods.species_forms.setdefault(s, set()).add(o.value)
    return mods


def check(curation: Curation, imports_dir: Path) -> list[str]:
    """Problems between a curation and the import modules, in words a curator can act on.

    * a CURIE the curation uses that no module declares (run ``bonekg imports refresh``, or
      the identifier does not exist upstream);
    * a CURIE that is obsolete upstream (with its replacement);
    * a curator label (the text after `` ! ``) that differs from the module's rdfs:label;
    * a miRNA concept with no miRBase entry that is not declared under ``entities:`` with
      kind ``mirna`` and a ``note``.
    """
    mods = _read_modules(imports_dir)
    problems: list[str] = []
    missing: dict[str, list[str]] = {}
    obsolete: dict[str, list[str]] = {}
    noted = {e.curie for e in curation.entities if e.kind is EntityKind.MIRNA and e.note}
    for r, file, owner, obj in _usages(curation):
        if r.prefix in _MINTED:
            continue
        line = r.line if r.line is not None else obj.line
        where = f"{file}:{line} [{owner}]"
        try:
            iri = _iri(r.curie)
        except KeyError:
            problems.append(f"{where}: {r.curie}: unknown prefix")
            continue
        if iri not in mods.declared:
            missing.setdefault(r.curie, []).append(where)
            continue
        if iri in mods.deprecated:
            obsolete.setdefault(r.curie, []).append(where)
        labels = mods.labels.get(iri, set())
        if r.label is not None and r.label not in labels:
            upstream = " / ".join(sorted(labels)) or "(none)"
            problems.append(
                f"{where}: label of {r.curie} is {upstream!r} upstream, "
                f"the curation says {r.label!r}"
            )
    for curie, wheres in sorted(missing.items()):
        hint = (
            "the modules are stale: run `bonekg imports refresh`"
            if curie.startswith("mirna:")
            else "not found upstream, or the modules are stale (run `bonekg imports refresh`)"
        )
        problems.append(
            f"{curie} is used but no import module declares it ({hint}): {', '.join(wheres)}"
        )
    for curie, wheres in sorted(obsolete.items()):
        repl = sorted(prefixes.compress(x) for x in mods.replaced_by.get(_iri(curie), ()))
        instead = f"; replaced by {', '.join(repl)}" if repl else ""
        problems.append(f"{curie} is obsolete upstream{instead}: {', '.join(wheres)}")
    mirna_used: dict[str, list[str]] = {}
    for r, file, owner, obj in _usages(curation):
        if r.prefix == "mirna":
            line = r.line if r.line is not None else obj.line
            mirna_used.setdefault(r.curie, []).append(f"{file}:{line} [{owner}]")
    for curie, wheres in sorted(mirna_used.items()):
        iri = _iri(curie)
        if iri in mods.declared and not mods.species_forms.get(iri) and curie not in noted:
            problems.append(
                f"{curie} has no miRBase entry in hsa/mmu/rno/cel; correct the name or declare "
                f"it under 'entities:' with kind: mirna and a note: {', '.join(wheres)}"
            )
    return problems
