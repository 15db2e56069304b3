"""Typed, lazy readers for the upstream reference files in ``../shared/refdata``.

Every external identifier in bonekg is checked against these files (``bonekg check-ids``) and
the import modules (``bonekg imports refresh``) are extracted from them, so the readers have to
be exact (the same label and hierarchy upstream publishes) and cheap (the GO JSON is 15 MB,
ChEBI 18 MB, MONDO 17 MB). Nothing is read until it is asked for, and the big files are
scanned into compact indexes rather than kept as parsed JSON:

* GO (``go_terms_*.json``, a JSON array) is streamed object by object into one small tuple per
  term (name, is_a, part_of, alt ids); definitions and obsolete terms, which the extract lacks,
  come from the older ``go-basic_*.obo``, read only for the ids that are asked for.
* CL, UBERON, MONDO and EFO (``*_terms_*.json``, one object keyed by CURIE, each with its
  transitive ``ancestors``) are indexed by byte offset and only the entries asked for (and their
  ancestors) are decoded.
* ChEBI (a TSV sorted by number) is indexed by two integer arrays and read by binary search.
* The OBO files (ECO, RO, SO, NCBITaxon) are parsed by the small OBO reader below.

Hierarchy semantics: :attr:`Term.is_a` are named superclasses (``rdfs:subClassOf``);
:attr:`Term.part_of` are ``part of`` (BFO:0000050) parents, i.e. ``T SubClassOf (part_of some
P)``. The JSON ancestor lists of UBERON mix is_a and part_of without saying which; see
:class:`UberonSource` for how the edges are typed.

No network access, ever.
"""

from __future__ import annotations

import bisect
import csv
import json
import mmap
import re
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

__all__ = [
    "PART_OF",
    "SPECIES_TAXON",
    "AncestorJsonSource",
    "ChebiSource",
    "DoidSource",
    "GeneRecord",
    "GeneTables",
    "GoSource",
    "HgncRecord",
    "MatureEntry",
    "MirBase",
    "OboIndex",
    "OboSource",
    "OboStanza",
    "PrecursorEntry",
    "RefData",
    "SourceInfo",
    "Term",
    "TermSource",
    "UberonSource",
    "iter_obo",
    "read_manifest",
]

#: ``part of`` (BFO:0000050), the only existential relation the import modules carry.
PART_OF = "BFO:0000050"

#: miRBase species codes bonekg links, and their NCBITaxon ids.
SPECIES_TAXON: dict[str, str] = {
    "hsa": "NCBITaxon:9606",
    "mmu": "NCBITaxon:10090",
    "rno": "NCBITaxon:10116",
    "cel": "NCBITaxon:6239",
}

# OBO relationship names (GO and UBERON OBO use shorthands) that mean part_of.
_PART_OF_NAMES = frozenset({"part_of", PART_OF, "subdivision_of"})


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """An ontology class or relation as upstream publishes it.

    ``is_a`` are the direct named superclasses (for a relation: super-properties); ``part_of``
    the direct ``part of`` parents. Both are direct edges only; ask the source for a closure.
    """

    curie: str
    label: str
    definition: str | None = None
    is_a: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    obsolete: bool = False
    replaced_by: tuple[str, ...] = ()
    consider: tuple[str, ...] = ()
    alt_ids: tuple[str, ...] = ()
    namespace: str | None = None
    is_relation: bool = False
    transitive: bool = False

    @property
    def parents(self) -> tuple[str, ...]:
        """Every direct parent (is_a and part_of), for closures."""
        return self.is_a + tuple(p for p in self.part_of if p not in self.is_a)


@dataclass(frozen=True, slots=True)
class OboStanza:
    """One ``[Term]`` or ``[Typedef]`` stanza of an OBO file (the tags bonekg uses)."""

    kind: str
    id: str
    name: str | None = None
    definition: str | None = None
    namespace: str | None = None
    is_a: tuple[str, ...] = ()
    relationships: tuple[tuple[str, str], ...] = ()
    is_obsolete: bool = False
    replaced_by: tuple[str, ...] = ()
    consider: tuple[str, ...] = ()
    alt_ids: tuple[str, ...] = ()
    is_transitive: bool = False

    def to_term(self) -> Term:
        part_of = tuple(t for r, t in self.relationships if r in _PART_OF_NAMES)
        return Term(
            curie=self.id,
            label=self.name or "",
            definition=self.definition,
            is_a=self.is_a,
            part_of=part_of,
            obsolete=self.is_obsolete,
            replaced_by=self.replaced_by,
            consider=self.consider,
            alt_ids=self.alt_ids,
            namespace=self.namespace,
            is_relation=self.kind == "Typedef",
            transitive=self.is_transitive,
        )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Provenance of one refdata file, from the refdata README table and the file name."""

    path: Path
    version: str
    upstream: str = ""
    license: str = ""

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def license_iri(self) -> str | None:
        """The license as an IRI where the README names a well-known license."""
        text = self.license.lower()
        for key, iri in _LICENSE_IRIS:
            if key in text:
                return iri
        return None


_LICENSE_IRIS: tuple[tuple[str, str], ...] = (
    ("cc by 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    ("cc by 3.0", "https://creativecommons.org/licenses/by/3.0/"),
    ("cc0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    ("apache 2.0", "https://www.apache.org/licenses/LICENSE-2.0"),
)


@dataclass(frozen=True, slots=True)
class MatureEntry:
    """A miRBase mature miRNA (``mature.fa``)."""

    accession: str  # MIMAT…
    name: str  # hsa-miR-214-3p
    species: str  # hsa
    precursors: tuple[str, ...] = ()  # MI… (from miRNA.dat)


@dataclass(frozen=True, slots=True)
class PrecursorEntry:
    """A miRBase stem-loop precursor (``miRNA.dat``) and its mature products."""

    accession: str  # MI…
    name: str  # hsa-mir-214
    species: str  # hsa
    description: str = ""
    products: tuple[tuple[str, str], ...] = ()  # (MIMAT…, hsa-miR-214-3p)


@dataclass(frozen=True, slots=True)
class HgncRecord:
    """One row of the HGNC table (``hgnc_entries_*.tsv``); ids are CURIEs of the prefix map."""

    curie: str  # hgnc:11926
    symbol: str
    name: str
    status: str
    locus_type: str
    ncbi_gene: tuple[str, ...] = ()  # NCBIGene:8600
    uniprot: tuple[str, ...] = ()  # uniprot:O14788
    mgi: tuple[str, ...] = ()  # MGI:1100089
    rgd: tuple[str, ...] = ()  # rgd:3886
    ensembl: tuple[str, ...] = ()  # ensembl:ENSG…
    aliases: tuple[str, ...] = ()
    previous_symbols: tuple[str, ...] = ()

    @property
    def approved(self) -> bool:
        return self.status == "Approved"


@dataclass(frozen=True, slots=True)
class GeneRecord:
    """A mouse (MGI) or rat (RGD) gene: symbol, synonyms and Ensembl ids."""

    curie: str  # MGI:88096 / rgd:2091
    symbol: str
    taxon: str  # NCBITaxon:10090 / NCBITaxon:10116
    synonyms: tuple[str, ...] = ()
    ensembl: tuple[str, ...] = ()  # ensembl:ENSMUSG…


# ---------------------------------------------------------------------------------------------
# Provenance: the README table
# ---------------------------------------------------------------------------------------------

_VERSION_IN_NAME = re.compile(r"_(\d{4}-\d{2}(?:-\d{2})?|\d+\.\d+(?:\.\d+)?)\.[A-Za-z]+$")


def read_manifest(root: Path) -> dict[str, tuple[str, str]]:
    """``{relative file: (upstream/version, license)}`` from the table in ``root/README.md``.

    The README is the only place that states the upstream version of files whose name has no
    date (miRBase) and the license of each file; the import modules cite both.
    """
    out: dict[str, tuple[str, str]] = {}
    readme = root / "README.md"
    if not readme.is_file():
        return out
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("file", "") or set(cells[0]) <= {"-"}:
            continue
        folder = ""
        for name in (n.strip() for n in cells[0].split(",")):
            if "/" in name:
                folder = name.rsplit("/", 1)[0] + "/"
            else:
                name = folder + name
            out[name] = (cells[2], cells[3])
    return out


def _version_of(path: Path, upstream: str) -> str:
    m = _VERSION_IN_NAME.search(path.name)
    if m:
        return m.group(1)
    m = re.search(r"\b(\d+(?:\.\d+)*(?:\.x)?)\b", upstream)
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------
# OBO
# ---------------------------------------------------------------------------------------------

_OBO_ESCAPES = {"n": "\n", "t": "\t", "W": " "}


def _obo_unquote(value: str) -> tuple[str, str]:
    """Split ``"quoted text" rest`` into (unescaped text, rest)."""
    out: list[str] = []
    i = 1
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append(_OBO_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if ch == '"':
            return "".join(out), value[i + 1 :]
        out.append(ch)
        i += 1
    return "".join(out), ""


def _obo_strip(value: str) -> str:
    """Drop trailing ``{qualifiers}`` and ``! comment`` from a tag value."""
    value = value.split(" ! ", 1)[0]
    if "{" in value:
        value = value.split("{", 1)[0]
    return value.strip()


def iter_obo(
    path: Path, wanted: Collection[str] | Callable[[str], bool] | None = None
) -> Iterator[OboStanza]:
    """Yield the ``[Term]``/``[Typedef]`` stanzas of an OBO 1.2/1.4 file.

    ``wanted`` (ids, or a predicate on the id) keeps only some stanzas: the 31 MB GO OBO is
    read for a few hundred ids, so the others are skipped without building records.
    Understood tags: id, name, def, namespace, is_a, relationship, is_obsolete, replaced_by,
    consider, alt_id, is_transitive; everything else is ignored.
    """
    keep: Callable[[str], bool]
    if wanted is None:
        keep = _always
    elif callable(wanted):
        keep = wanted
    else:
        wanted_set = frozenset(wanted)
        keep = wanted_set.__contains__
    kind: str | None = None
    tags: dict[str, list[str]] = {}
    skipping = False
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("["):
                if kind is not None and not skipping:
                    st = _stanza(kind, tags)
                    if st is not None:
                        yield st
                kind = line.strip()[1:-1]
                tags = {}
                skipping = kind not in ("Term", "Typedef")
                continue
            if kind is None or skipping or not line or line.startswith("!"):
                continue
            tag, sep, value = line.partition(": ")
            if not sep:
                continue
            if tag == "id" and not keep(value.strip()):
                skipping = True
                continue
            tags.setdefault(tag, []).append(value)
        if kind is not None and not skipping:
            st = _stanza(kind, tags)
            if st is not None:
                yield st


class OboIndex:
    """Random access to the stanzas of a large OBO file by id (the 31 MB GO OBO).

    One scan records the byte offset of every stanza; a lookup reads and parses just the
    stanzas asked for, so fetching a GO term's definition costs a seek, not a file scan.
    """

    _STANZA = re.compile(rb"^\[(Term|Typedef)\]\r?\nid: ([^\s!]+)", re.MULTILINE)

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def _offsets(self) -> tuple[dict[str, int], array[int]]:
        with self.path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            keys: dict[str, int] = {}
            starts: array[int] = array("q")
            for m in self._STANZA.finditer(mm):
                keys[m.group(2).decode("utf-8")] = len(starts)
                starts.append(m.start())
            nxt = mm.find(b"\n[", starts[-1] + 1) if starts else -1
            starts.append(nxt + 1 if nxt >= 0 else len(mm))
        return keys, starts

    def stanzas(self, ids: Iterable[str]) -> dict[str, OboStanza]:
        keys, starts = self._offsets
        out: dict[str, OboStanza] = {}
        with self.path.open("rb") as fh:
            for i, cid in sorted((keys[c], c) for c in set(ids) if c in keys):
                fh.seek(starts[i])
                chunk = fh.read(starts[i + 1] - starts[i]).decode("utf-8")
                lines = chunk.splitlines()
                # a stanza ends at the first blank line or the next header
                kind = lines[0].strip()[1:-1]
                tags: dict[str, list[str]] = {}
                for line in lines[1:]:
                    if line.startswith("["):
                        break
                    tag, sep, value = line.partition(": ")
                    if sep:
                        tags.setdefault(tag, []).append(value)
                st = _stanza(kind, tags)
                if st is not None:
                    out[cid] = st
        return out


def _always(_: str) -> bool:
    return True


def _stanza(kind: str, tags: Mapping[str, list[str]]) -> OboStanza | None:
    ids = tags.get("id")
    if not ids:
        return None
    definition = None
    if "def" in tags:
        raw = tags["def"][0].strip()
        definition = _obo_unquote(raw)[0] if raw.startswith('"') else raw
    rels: list[tuple[str, str]] = []
    for v in tags.get("relationship", ()):
        parts = _obo_strip(v).split()
        if len(parts) >= 2:
            rels.append((parts[0], parts[1]))
    name = tags.get("name", [None])[0]
    return OboStanza(
        kind=kind,
        id=_obo_strip(ids[0]),
        name=name.strip() if name is not None else None,
        definition=definition,
        namespace=_obo_strip(tags["namespace"][0]) if "namespace" in tags else None,
        is_a=tuple(_obo_strip(v) for v in tags.get("is_a", ())),
        relationships=tuple(rels),
        is_obsolete=any(_obo_strip(v) == "true" for v in tags.get("is_obsolete", ())),
        replaced_by=tuple(_obo_strip(v) for v in tags.get("replaced_by", ())),
        consider=tuple(_obo_strip(v) for v in tags.get("consider", ())),
        alt_ids=tuple(_obo_strip(v) for v in tags.get("alt_id", ())),
        is_transitive=any(_obo_strip(v) == "true" for v in tags.get("is_transitive", ())),
    )


# ---------------------------------------------------------------------------------------------
# Ontology sources
# ---------------------------------------------------------------------------------------------


class TermSource:
    """Lookup of one ontology's terms: label, definition, parents, obsolescence, alt ids.

    Subclasses implement :meth:`_fetch` (terms by primary id) and :meth:`_primary` (alt id to
    primary id); closures and status checks are shared.
    """

    prefix: str = ""

    def __init__(self, info: SourceInfo, extra: Iterable[SourceInfo] = ()) -> None:
        self.info = info
        self.extra_info: tuple[SourceInfo, ...] = tuple(extra)
        self._cache: dict[str, Term | None] = {}

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        raise NotImplementedError

    def _primary(self, curie: str) -> str | None:
        """The primary id of which ``curie`` is an alt_id, if any."""
        return None

    def terms(self, curies: Iterable[str]) -> dict[str, Term]:
        """The terms (live or obsolete) among ``curies`` that upstream has, by CURIE."""
        want = set(curies)
        missing = {c for c in want if c not in self._cache}
        if missing:
            found = self._fetch(missing)
            for c in missing:
                self._cache[c] = found.get(c)
        return {c: t for c in want if (t := self._cache.get(c)) is not None}

    def term(self, curie: str) -> Term | None:
        return self.terms([curie]).get(curie)

    def primary_of(self, curie: str) -> str | None:
        """For an alt_id (a merged term), the id it was merged into; else None."""
        return self._primary(curie)

    def closure(self, curies: Iterable[str]) -> dict[str, Term]:
        """The given terms and all their ancestors (through is_a and part_of), by CURIE."""
        out: dict[str, Term] = {}
        frontier = set(curies)
        while frontier:
            found = self.terms(frontier)
            out.update(found)
            frontier = {p for t in found.values() for p in t.parents if p not in out}
        return out


class OboSource(TermSource):
    """A small OBO file parsed completely on first use (ECO, RO, SO, NCBITaxon)."""

    def __init__(self, info: SourceInfo, prefix: str) -> None:
        super().__init__(info)
        self.prefix = prefix

    @cached_property
    def _all(self) -> dict[str, Term]:
        return {st.id: st.to_term() for st in iter_obo(self.info.path)}

    @cached_property
    def _alts(self) -> dict[str, str]:
        return {a: t.curie for t in self._all.values() for a in t.alt_ids}

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        return {c: self._all[c] for c in curies if c in self._all}

    def _primary(self, curie: str) -> str | None:
        return self._alts.get(curie)

    def relation_names(self) -> dict[str, str]:
        """Typedef shorthand names (``part_of``) to ids, for OBO files that use them."""
        return {t.label: t.curie for t in self._all.values() if t.is_relation}


# GO: one small tuple per term: (name, namespace, is_a, part_of)
_GoRow = tuple[str, str, tuple[str, ...], tuple[str, ...]]


class GoSource(TermSource):
    """GO: the 2024 JSON extract first; the 2021 OBO for definitions and obsolete terms.

    The JSON has labels, namespaces, is_a/part_of and alt ids of the live terms but no
    definitions and no obsolete terms. A definition is taken from the OBO only when the OBO
    name equals the JSON name (a renamed term may have a rewritten definition). An id absent
    from the JSON is looked up in the OBO: obsolete there means obsolete; live in 2021 but gone
    by 2024 is reported as obsolete too (GO does not delete live terms without obsoleting).
    """

    prefix = "GO"

    def __init__(self, info: SourceInfo, obo: SourceInfo | None) -> None:
        super().__init__(info, [obo] if obo else [])
        self.obo = obo
        self._obo = OboIndex(obo.path) if obo is not None else None

    @cached_property
    def _index(self) -> tuple[dict[str, _GoRow], dict[str, str]]:
        rows: dict[str, _GoRow] = {}
        alts: dict[str, str] = {}
        for obj in _stream_json_array(self.info.path):
            cid = obj["id"]
            rel = obj.get("relations") or {}
            rows[cid] = (
                obj.get("name", ""),
                obj.get("namespace", ""),
                tuple(rel.get("is_a", ())),
                tuple(rel.get("part_of", ())),
            )
            for a in obj.get("alt_ids", ()):
                alts[a] = cid
        return rows, alts

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        rows, alts = self._index
        inverse_alts: dict[str, list[str]] = {}
        for a, p in alts.items():
            if p in curies:
                inverse_alts.setdefault(p, []).append(a)
        obo = self._obo.stanzas(curies) if self._obo is not None else {}
        out: dict[str, Term] = {}
        for c in curies:
            row = rows.get(c)
            st = obo.get(c)
            if row is not None:
                name, ns, is_a, part_of = row
                definition = st.definition if st is not None and st.name == name else None
                out[c] = Term(
                    curie=c,
                    label=name,
                    definition=definition,
                    is_a=is_a,
                    part_of=part_of,
                    alt_ids=tuple(sorted(inverse_alts.get(c, ()))),
                    namespace=ns,
                )
            elif st is not None and c not in alts:
                # Not live in the 2024 extract: obsolete (in 2021 already, or since).
                out[c] = Term(
                    curie=c,
                    label=st.name or "",
                    definition=st.definition,
                    obsolete=True,
                    replaced_by=st.replaced_by,
                    consider=st.consider,
                    namespace=st.namespace,
                )
        return out

    def _primary(self, curie: str) -> str | None:
        return self._index[1].get(curie)


def _stream_json_array(path: Path) -> Iterator[dict[str, Any]]:
    """Decode a top-level JSON array one element at a time (no list of 42 000 dicts)."""
    text = path.read_text(encoding="utf-8")
    dec = json.JSONDecoder()
    ws = re.compile(r"[\s,]*")
    pos = ws.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] != "[":
        raise ValueError(f"{path}: expected a JSON array")
    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
    while pos < len(text) and text[pos] != "]":
        obj, pos = dec.raw_decode(text, pos)
        if isinstance(obj, dict):
            yield obj
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]


class AncestorJsonSource(TermSource):
    """CL, UBERON, MONDO, EFO extracts: ``{CURIE: {label, description, ancestors, …}}``.

    ``ancestors`` is the transitive closure (with distances) of the upstream hierarchy,
    restricted to the ontology's own namespace. Direct parents are its transitive reduction
    (an ancestor that is also an ancestor of another ancestor is not direct), which also
    bridges intermediate classes of other namespaces that the extract leaves out (EFO).
    CL, MONDO and EFO ancestors are is_a; see :class:`UberonSource` for UBERON.

    The file is indexed by the byte offset of each top-level key; only entries asked for are
    decoded.
    """

    _KEY = re.compile(rb'"([A-Za-z][A-Za-z0-9_]*:[0-9]+)"\s*:\s*\{')

    def __init__(self, info: SourceInfo, prefix: str) -> None:
        super().__init__(info)
        self.prefix = prefix
        self._raw: dict[str, dict[str, object]] = {}

    @cached_property
    def _offsets(self) -> tuple[dict[str, int], array[int]]:
        with (
            self.info.path.open("rb") as fh,
            mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm,
        ):
            keys: dict[str, int] = {}
            starts: array[int] = array("q")
            for m in self._KEY.finditer(mm):
                keys[m.group(1).decode("ascii")] = len(starts)
                starts.append(m.end() - 1)
            starts.append(len(mm))
        return keys, starts

    def _decode(self, curies: Iterable[str]) -> dict[str, dict[str, object]]:
        keys, starts = self._offsets
        todo = sorted((keys[c], c) for c in curies if c in keys and c not in self._raw)
        if todo:
            dec = json.JSONDecoder()
            with self.info.path.open("rb") as fh:
                for i, c in todo:
                    fh.seek(starts[i])
                    chunk = fh.read(starts[i + 1] - starts[i]).decode("utf-8")
                    obj, _ = dec.raw_decode(chunk)
                    if isinstance(obj, dict):
                        self._raw[c] = obj
        return {c: self._raw[c] for c in curies if c in self._raw}

    def ancestors(self, curie: str) -> dict[str, int]:
        """The upstream transitive ancestors of ``curie`` with their distances."""
        raw = self._decode([curie]).get(curie)
        anc = raw.get("ancestors") if raw else None
        return {str(k): int(v) for k, v in anc.items()} if isinstance(anc, dict) else {}

    def _direct(self, curie: str, raw: Mapping[str, object]) -> tuple[str, ...]:
        anc_obj = raw.get("ancestors")
        anc = set(anc_obj) if isinstance(anc_obj, dict) else set()
        if not anc:
            return ()
        decoded = self._decode(anc)
        redundant: set[str] = set()
        for a in anc:
            a_anc = decoded.get(a, {}).get("ancestors")
            if isinstance(a_anc, dict):
                redundant.update(a_anc)
        return tuple(sorted(anc - redundant))

    def _typed_parents(
        self, curie: str, direct: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(is_a, part_of) of the direct parents; all is_a except for UBERON."""
        return direct, ()

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        out: dict[str, Term] = {}
        for c, raw in self._decode(curies).items():
            label = raw.get("label")
            desc = raw.get("description")
            rb = raw.get("replaced_by")
            cons = raw.get("consider")
            is_a, part_of = self._typed_parents(c, self._direct(c, raw))
            out[c] = Term(
                curie=c,
                label=str(label) if label is not None else "",
                definition=str(desc) if isinstance(desc, str) and desc.strip() else None,
                is_a=is_a,
                part_of=part_of,
                obsolete=bool(raw.get("deprecated")),
                replaced_by=_strings(rb),
                consider=_strings(cons),
            )
        return out


class UberonSource(AncestorJsonSource):
    """UBERON: the 2026 JSON extract, with edges typed from the 2021 musculoskeletal OBO.

    The JSON ``ancestors`` closure runs over is_a *and* part_of (bone marrow lists "bone
    element", of which it is a part, not a kind), so its edges cannot all be
    ``rdfs:subClassOf``. A direct edge T→P is typed:

    1. is_a if the OBO asserts ``is_a: P`` for T, or P is reachable from T by is_a alone;
    2. part_of if the OBO asserts ``relationship: part_of|subdivision_of P`` or P is reachable
       by a path through at least one part_of (is_a∘part_of and part_of∘is_a are part_of);
    3. otherwise (a term or edge the 2021 subset does not have) part_of as well: the closure
       is over is_a ∪ part_of, and since part_of is reflexive (RO: "everything is part of
       itself") ``T ⊑ ∃part_of.P`` holds for either kind of edge — the weaker, always true
       axiom instead of a guessed is_a.
    """

    def __init__(self, info: SourceInfo, obo: SourceInfo | None) -> None:
        super().__init__(info, "UBERON")
        self.obo = obo
        if obo is not None:
            self.extra_info = (obo,)
        self.untyped_edges: set[tuple[str, str]] = set()

    @cached_property
    def _obo_edges(self) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        if self.obo is None:
            return {}
        out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        for st in iter_obo(self.obo.path):
            t = st.to_term()
            out[st.id] = (t.is_a, t.part_of)
        return out

    def _reach(self, start: str, target: str, isa_only: bool) -> bool:
        edges = self._obo_edges
        seen: set[str] = set()
        stack = [start]
        while stack:
            cur = stack.pop()
            is_a, part_of = edges.get(cur, ((), ()))
            nxt = is_a if isa_only else is_a + part_of
            for p in nxt:
                if p == target:
                    return True
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return False

    def _typed_parents(
        self, curie: str, direct: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        is_a: list[str] = []
        part_of: list[str] = []
        obo_isa, obo_part = self._obo_edges.get(curie, ((), ()))
        for p in direct:
            if p in obo_isa or self._reach(curie, p, isa_only=True):
                is_a.append(p)
            elif p in obo_part or self._reach(curie, p, isa_only=False):
                part_of.append(p)
            else:
                part_of.append(p)
                self.untyped_edges.add((curie, p))
        return tuple(is_a), tuple(part_of)


class DoidSource(TermSource):
    """Disease Ontology ``HumanDO_*.tsv``: id, label, parent *label* (one row per parent).

    Parents are given by label and resolved to ids by exact label (DO labels are unique among
    its live classes). The root "disease" has no row of its own; its id is taken from the
    cross-reference file, which lists every class with its label. Only live classes are in the
    file: an id that is not is obsolete or unknown.
    """

    prefix = "DOID"

    def __init__(self, info: SourceInfo, xrefs: SourceInfo | None) -> None:
        super().__init__(info, [xrefs] if xrefs else [])
        self.xrefs = xrefs
        self.unresolved_parents: set[str] = set()

    @cached_property
    def _table(self) -> dict[str, Term]:
        labels: dict[str, str] = {}
        parents: dict[str, list[str]] = {}
        for row in _read_tsv(self.info.path):
            if len(row) < 2:
                continue
            cid, label = row[0], row[1]
            labels[cid] = label
            if len(row) > 2 and row[2]:
                parents.setdefault(cid, []).append(row[2])
        by_label: dict[str, str] = {}
        for cid, label in labels.items():
            by_label.setdefault(label, cid)
        needed = {p for ps in parents.values() for p in ps if p not in by_label}
        if needed and self.xrefs is not None:
            for row in _read_tsv(self.xrefs.path):
                if len(row) >= 2 and row[1] in needed and row[1] not in by_label:
                    by_label[row[1]] = row[0]
                    labels.setdefault(row[0], row[1])
        out: dict[str, Term] = {}
        for cid, label in labels.items():
            ids: list[str] = []
            for p in parents.get(cid, ()):
                pid = by_label.get(p)
                if pid is None:
                    self.unresolved_parents.add(p)
                elif pid not in ids:
                    ids.append(pid)
            out[cid] = Term(curie=cid, label=label, is_a=tuple(sorted(ids)))
        return out

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        t = self._table
        return {c: t[c] for c in curies if c in t}


class ChebiSource(TermSource):
    """ChEBI ``chebi_names_*.tsv`` (id, name, is_a ``|``-separated), read by binary search.

    The index is two integer arrays (ChEBI number, byte offset), 1.6 MB for 197 000 rows;
    rows are decoded only when asked for. The extract has no obsolete flag and no synonyms.
    """

    prefix = "CHEBI"

    @cached_property
    def _index(self) -> tuple[array[int], array[int]]:
        nums: array[int] = array("q")
        offs: array[int] = array("q")
        with self.info.path.open("rb") as fh:
            pos = 0
            for line in fh:
                if line.startswith(b"CHEBI:"):
                    tab = line.find(b"\t")
                    nums.append(int(line[6:tab]))
                    offs.append(pos)
                pos += len(line)
        if any(nums[i] > nums[i + 1] for i in range(len(nums) - 1)):
            order = sorted(range(len(nums)), key=nums.__getitem__)
            nums = array("q", (nums[i] for i in order))
            offs = array("q", (offs[i] for i in order))
        return nums, offs

    def _fetch(self, curies: set[str]) -> dict[str, Term]:
        nums, offs = self._index
        out: dict[str, Term] = {}
        with self.info.path.open("rb") as fh:
            for c in curies:
                local = c.partition(":")[2]
                if not local.isdigit():
                    continue
                n = int(local)
                i = bisect.bisect_left(nums, n)
                if i == len(nums) or nums[i] != n:
                    continue
                fh.seek(offs[i])
                cells = fh.readline().decode("utf-8").rstrip("\r\n").split("\t")
                parents = tuple(p for p in (cells[2].split("|") if len(cells) > 2 else ()) if p)
                out[c] = Term(curie=c, label=cells[1] if len(cells) > 1 else "", is_a=parents)
        return out


def _strings(value: object) -> tuple[str, ...]:
    """A JSON string or list of strings as a tuple (the extracts use both for replaced_by)."""
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if v)
    return ()


def _read_tsv(path: Path) -> Iterator[list[str]]:
    """Rows of a tab-separated file with a header line (skipped); quotes removed."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quotechar='"')
        next(reader, None)
        yield from reader


# ---------------------------------------------------------------------------------------------
# miRBase
# ---------------------------------------------------------------------------------------------


class MirBase:
    """miRBase ``mature.fa`` (every species) and ``miRNA.dat`` (hsa, mmu, rno, cel)."""

    def __init__(self, mature: SourceInfo, dat: SourceInfo) -> None:
        self.mature_info = mature
        self.dat_info = dat

    @cached_property
    def precursors(self) -> dict[str, PrecursorEntry]:
        """Precursors by MI accession."""
        out: dict[str, PrecursorEntry] = {}
        name = acc = desc = ""
        products: list[tuple[str, str]] = []
        pending_acc: str | None = None
        with self.dat_info.path.open(encoding="utf-8") as fh:
            for line in fh:
                code = line[:2]
                if code == "ID":
                    name = line[5:].split()[0]
                    acc, desc, products, pending_acc = "", "", [], None
                elif code == "AC":
                    acc = line[5:].split(";")[0].strip()
                elif code == "DE":
                    desc = (desc + " " + line[5:].strip()).strip()
                elif code == "FT":
                    value = line[21:].strip()
                    if value.startswith('/accession="'):
                        pending_acc = value[12:].rstrip('"')
                    elif value.startswith('/product="') and pending_acc:
                        products.append((pending_acc, value[10:].rstrip('"')))
                        pending_acc = None
                elif code == "//":
                    if acc:
                        out[acc] = PrecursorEntry(
                            accession=acc,
                            name=name,
                            species=name.split("-", 1)[0],
                            description=desc,
                            products=tuple(products),
                        )
                    name = acc = desc = ""
        return out

    @cached_property
    def precursors_by_name(self) -> dict[str, PrecursorEntry]:
        return {p.name: p for p in self.precursors.values()}

    @cached_property
    def _precursors_of(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for p in self.precursors.values():
            for mimat, _ in p.products:
                out.setdefault(mimat, []).append(p.accession)
        return {k: tuple(sorted(v)) for k, v in out.items()}

    @cached_property
    def mature(self) -> dict[str, MatureEntry]:
        """Mature miRNAs by MIMAT accession (headers of ``mature.fa`` only)."""
        out: dict[str, MatureEntry] = {}
        pre = self._precursors_of
        with self.mature_info.path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith(">"):
                    continue
                parts = line[1:].split()
                if len(parts) < 2:
                    continue
                name, acc = parts[0], parts[1]
                out[acc] = MatureEntry(acc, name, name.split("-", 1)[0], pre.get(acc, ()))
        return out

    @cached_property
    def mature_by_name(self) -> dict[str, MatureEntry]:
        return {m.name: m for m in self.mature.values()}

    def entry_name(self, accession: str) -> str | None:
        """The miRBase name of an MI or MIMAT accession."""
        if accession.startswith("MIMAT"):
            m = self.mature.get(accession)
            return m.name if m else None
        p = self.precursors.get(accession)
        return p.name if p else None


# ---------------------------------------------------------------------------------------------
# Genes
# ---------------------------------------------------------------------------------------------


def _split(cell: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(sep) if x.strip())


_CELL_SPLIT = re.compile(r"\t|, ?")


def _curies(prefix: str, cell: str) -> tuple[str, ...]:
    return tuple(_curie(prefix, x) for x in _split(cell))


def _upstream_rodent(curie: str) -> str:
    """``MGI:88096`` → ``MGI:88096``, ``rgd:2091`` → ``RGD:2091`` (HGNC's spelling)."""
    prefix, _, local = curie.partition(":")
    return f"{'RGD' if prefix.lower() == 'rgd' else 'MGI'}:{local}"


def _curie(prefix: str, value: str) -> str:
    """``RGD:123`` / ``123`` → ``rgd:123`` (the prefix map's spelling)."""
    return f"{prefix}:{value.partition(':')[2] if ':' in value else value}"


class GeneTables:
    """HGNC (human), MGI (mouse) and RGD (rat) gene tables, scanned on demand.

    Each lookup scans the file once (≈0.1 s) and keeps only the rows asked for, so a check of
    fifty genes never holds the 49 000-row HGNC table in memory.
    """

    _HGNC_COLUMNS: ClassVar[dict[str, str]] = {
        "id": "HGNC ID",
        "symbol": "Approved symbol",
        "name": "Approved name",
        "status": "Status",
        "aliases": "Alias symbols",
        "ncbi": "NCBI Gene ID(supplied by NCBI)",
        "uniprot": "UniProt ID(supplied by UniProt)",
        "mgi": "Mouse genome database ID(supplied by MGI)",
        "rgd": "Rat genome database ID(supplied by RGD)",
        "previous": "Previous symbols",
        "ensembl": "Ensembl gene ID",
        "locus": "Locus type",
    }

    def __init__(self, hgnc: SourceInfo, mgi: SourceInfo, rgd: SourceInfo) -> None:
        self.hgnc_info = hgnc
        self.mgi_info = mgi
        self.rgd_info = rgd

    def hgnc(self, tokens: Collection[str] | None = None) -> list[HgncRecord]:
        """HGNC rows in which some cell (or comma-separated part of one) is in ``tokens``.

        ``tokens`` are raw upstream values (``HGNC:5``, ``8600``, ``ENSG…``, ``MGI:88096``);
        rows without one are skipped before a record is built. ``None`` returns every row.
        """
        want = frozenset(tokens) if tokens is not None else None
        out: list[HgncRecord] = []
        with self.hgnc_info.path.open(encoding="utf-8", newline="") as fh:
            header = fh.readline().rstrip("\r\n").split("\t")
            col = {k: header.index(v) for k, v in self._HGNC_COLUMNS.items()}
            for line in fh:
                if want is not None and want.isdisjoint(_CELL_SPLIT.split(line.rstrip("\r\n"))):
                    continue
                row = line.rstrip("\r\n").split("\t")
                row += [""] * (len(header) - len(row))
                out.append(
                    HgncRecord(
                        curie=_curie("hgnc", row[col["id"]]),
                        symbol=row[col["symbol"]],
                        name=row[col["name"]],
                        status=row[col["status"]],
                        locus_type=row[col["locus"]],
                        ncbi_gene=_curies("NCBIGene", row[col["ncbi"]]),
                        uniprot=_curies("uniprot", row[col["uniprot"]]),
                        mgi=_curies("MGI", row[col["mgi"]]),
                        rgd=_curies("rgd", row[col["rgd"]]),
                        ensembl=_curies("ensembl", row[col["ensembl"]]),
                        aliases=_split(row[col["aliases"]]),
                        previous_symbols=_split(row[col["previous"]]),
                    )
                )
        return out

    def hgnc_by_id(self, curies: Collection[str]) -> dict[str, HgncRecord]:
        """HGNC rows by ``hgnc:N`` CURIE (any status)."""
        want = {"HGNC:" + c.partition(":")[2] for c in curies}
        return {r.curie: r for r in self.hgnc(want) if r.curie in curies}

    def hgnc_by_ortholog(self, curies: Collection[str]) -> list[HgncRecord]:
        """HGNC rows whose MGI or RGD column names one of ``curies`` (``MGI:N``/``rgd:N``)."""
        raw = {_upstream_rodent(c) for c in curies}
        want = frozenset(curies)
        return [r for r in self.hgnc(raw) if not want.isdisjoint(r.mgi + r.rgd)]

    def _rodent(
        self, info: SourceInfo, prefix: str, taxon: str, want: frozenset[str]
    ) -> dict[str, GeneRecord]:
        out: dict[str, GeneRecord] = {}
        for row in _read_tsv(info.path):
            if len(row) < 2:
                continue
            c = _curie(prefix, row[0])
            if c not in want:
                continue
            syn = _split(row[2], ";" if ";" in row[2] else "|") if len(row) > 2 else ()
            ens = _split(row[3], ";") if len(row) > 3 else ()
            out[c] = GeneRecord(
                curie=c,
                symbol=row[1],
                taxon=taxon,
                synonyms=syn,
                ensembl=tuple(_curie("ensembl", e) for e in ens),
            )
        return out

    def mgi(self, curies: Collection[str]) -> dict[str, GeneRecord]:
        """MGI genes by ``MGI:N`` CURIE."""
        return self._rodent(self.mgi_info, "MGI", SPECIES_TAXON["mmu"], frozenset(curies))

    def rgd(self, curies: Collection[str]) -> dict[str, GeneRecord]:
        """RGD genes by ``rgd:N`` CURIE."""
        return self._rodent(self.rgd_info, "rgd", SPECIES_TAXON["rno"], frozenset(curies))


# ---------------------------------------------------------------------------------------------
# The refdata folder
# ---------------------------------------------------------------------------------------------


@dataclass
class RefData:
    """The ``refdata`` folder: one lazily created reader per upstream source."""

    root: Path
    _manifest: dict[str, tuple[str, str]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        if not self.root.is_dir():
            raise FileNotFoundError(f"refdata folder not found: {self.root}")
        self._manifest = read_manifest(self.root)

    def info(self, pattern: str) -> SourceInfo:
        """The newest file matching ``pattern`` (e.g. ``go/go_terms_*.json``) and its provenance."""
        matches = sorted(self.root.glob(pattern))
        if not matches:
            raise FileNotFoundError(f"no {pattern} in {self.root}")
        path = matches[-1]
        rel = path.relative_to(self.root).as_posix()
        upstream, lic = self._manifest.get(rel, ("", ""))
        return SourceInfo(
            path=path, version=_version_of(path, upstream), upstream=upstream, license=lic
        )

    def _maybe(self, pattern: str) -> SourceInfo | None:
        try:
            return self.info(pattern)
        except FileNotFoundError:
            return None

    @cached_property
    def go(self) -> GoSource:
        return GoSource(self.info("go/go_terms_*.json"), self._maybe("go/go-basic_*.obo"))

    @cached_property
    def cl(self) -> AncestorJsonSource:
        return AncestorJsonSource(self.info("cl/cl_terms_*.json"), "CL")

    @cached_property
    def uberon(self) -> UberonSource:
        return UberonSource(
            self.info("uberon/uberon_terms_*.json"), self._maybe("uberon/uberon_*.obo")
        )

    @cached_property
    def doid(self) -> DoidSource:
        return DoidSource(self.info("doid/HumanDO_*.tsv"), self._maybe("doid/allXREFinDO_*.tsv"))

    @cached_property
    def mondo(self) -> AncestorJsonSource:
        return AncestorJsonSource(self.info("mondo/mondo_terms_*.json"), "MONDO")

    @cached_property
    def efo(self) -> AncestorJsonSource:
        return AncestorJsonSource(self.info("efo/efo_terms_*.json"), "EFO")

    @cached_property
    def eco(self) -> OboSource:
        return OboSource(self.info("eco/eco_*.obo"), "ECO")

    @cached_property
    def ro(self) -> OboSource:
        return OboSource(self.info("ro/ro_*.obo"), "RO")

    @cached_property
    def so(self) -> OboSource:
        return OboSource(self.info("so/so_*.obo"), "SO")

    @cached_property
    def ncbitaxon(self) -> OboSource:
        return OboSource(self.info("ncbitaxon/ncbitaxon_*.obo"), "NCBITaxon")

    @cached_property
    def chebi(self) -> ChebiSource:
        return ChebiSource(self.info("chebi/chebi_names_*.tsv"))

    @cached_property
    def mirbase(self) -> MirBase:
        return MirBase(self.info("mirbase/mature.fa"), self.info("mirbase/miRNA.dat"))

    @cached_property
    def genes(self) -> GeneTables:
        return GeneTables(
            self.info("hgnc/hgnc_entries_*.tsv"),
            self.info("mgi/mgi_entries_*.tsv"),
            self.info("rgd/rgd_entries_*.tsv"),
        )

    def ontology(self, prefix: str) -> TermSource | None:
        """The term source for a CURIE prefix (``GO``, ``BFO`` → RO, …), or None."""
        attr = ONTOLOGY_BY_PREFIX.get(prefix)
        if attr is None:
            return None
        src: TermSource = getattr(self, attr)
        return src


#: the ontology (and its import module) of each CURIE prefix; BFO terms come with RO
ONTOLOGY_BY_PREFIX: dict[str, str] = {
    "GO": "go",
    "CL": "cl",
    "UBERON": "uberon",
    "DOID": "doid",
    "MONDO": "mondo",
    "EFO": "efo",
    "ECO": "eco",
    "RO": "ro",
    "BFO": "ro",
    "SO": "so",
    "NCBITaxon": "ncbitaxon",
    "CHEBI": "chebi",
}
