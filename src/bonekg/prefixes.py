"""The one prefix map (``ontology/prefixes.json``) and the CURIE converter built from it."""

from __future__ import annotations

import json
import re
from functools import cache

import curies

from . import paths

# Prefixes that name identifiers in upstream resources and the pattern their local part has.
LOCAL_ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "mirbase": re.compile(r"MI\d{7}"),
    "mirbase.mature": re.compile(r"MIMAT\d{7}"),
    "hgnc": re.compile(r"[1-9]\d*"),
    "MGI": re.compile(r"[1-9]\d*"),
    "rgd": re.compile(r"[1-9]\d*"),
    "NCBIGene": re.compile(r"[1-9]\d*"),
    "GO": re.compile(r"\d{7}"),
    "CL": re.compile(r"\d{7}"),
    "UBERON": re.compile(r"\d{7}"),
    "DOID": re.compile(r"\d+"),
    "MONDO": re.compile(r"\d{7}"),
    "EFO": re.compile(r"\d{7}"),
    "ECO": re.compile(r"\d{7}"),
    "RO": re.compile(r"\d{7}"),
    "SO": re.compile(r"\d{7}"),
    "NCBITaxon": re.compile(r"[1-9]\d*"),
    "CHEBI": re.compile(r"[1-9]\d*"),
    "IAO": re.compile(r"\d{7}"),
    "doi": re.compile(r"10\.\d{4,9}/[^\s<>\"{}|\\^`]+"),  # no character an IRI forbids
    "mirna": re.compile(r"(?:miR|let|lin|bantam)-[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*"),
    "ncrna": re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*"),
    "cellline": re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*"),
    "intervention": re.compile(r"[a-z0-9][a-z0-9\-]*"),
}

# Prefixes a curator may use in a claim; anything else in prefixes.json is vocabulary.
ENTITY_PREFIXES = frozenset(LOCAL_ID_PATTERNS) - {"doi", "IAO"}

# Lower-/upper-case spellings curators commonly use, normalised to the canonical prefix.
SYNONYMS: dict[str, str] = {"HGNC": "hgnc", "mgi": "MGI", "RGD": "rgd", "ncbigene": "NCBIGene"}


@cache
def prefix_map() -> dict[str, str]:
    with paths.prefixes_file().open(encoding="utf-8") as fh:
        data: dict[str, str] = json.load(fh)
    return data


@cache
def converter() -> curies.Converter:
    records = []
    pm = prefix_map()
    for prefix, uri in pm.items():
        synonyms = [s for s, canonical in SYNONYMS.items() if canonical == prefix]
        records.append(curies.Record(prefix=prefix, uri_prefix=uri, prefix_synonyms=synonyms))
    return curies.Converter(records)


@cache
def expand(curie: str) -> str:
    """Expand a CURIE of the prefix map; raise ``KeyError`` for an unknown prefix.

    Same answer as the ``curies`` converter (prefix synonyms included), by one dictionary
    lookup: the converter rebuilds its prefix map on every call (~50 microseconds), and a
    build expands each of tens of thousands of distinct CURIEs once per worker process.
    """
    prefix, sep, local = curie.partition(":")
    uri_prefix = _expansions().get(prefix) if sep else None
    if uri_prefix is None:
        raise KeyError(curie)
    return uri_prefix + local


@cache
def _expansions() -> dict[str, str]:
    """Prefix (or synonym) -> URI prefix."""
    out = dict(prefix_map())
    out.update({s: out[canonical] for s, canonical in SYNONYMS.items() if canonical in out})
    return out


@cache
def namespace(prefix: str) -> str:
    """The URI prefix the converter uses for ``prefix`` (for bonekg's per-claim IRIs)."""
    ns = converter().expand(f"{prefix}:", strict=False)
    if ns is None:
        raise KeyError(prefix)
    return str(ns)


@cache
def namespace_index() -> tuple[dict[str, str], tuple[int, ...]]:
    """Namespace -> prefix, and the namespace lengths, longest first (for compressing IRIs)."""
    by_ns = {ns: prefix for prefix, ns in prefix_map().items()}
    return by_ns, tuple(sorted({len(ns) for ns in by_ns}, reverse=True))


@cache
def _last_cut() -> re.Pattern[str]:
    """Matches an IRI up to its last character that some namespace of the map ends with
    ('/', '#', '_', ...): the longest candidate namespace."""
    by_ns, _ = namespace_index()
    ends = "".join(sorted({ns[-1] for ns in by_ns if ns}))
    return re.compile(f".*[{re.escape(ends)}]", re.DOTALL)


def compress(iri: str) -> str:
    """Compress an IRI to a CURIE of the prefix map (longest namespace), or return it unchanged.

    Same answer as the ``curies`` converter: a namespace the IRI starts with ends where the IRI
    has one of the characters namespaces end with, so only those cuts are looked up, longest
    first (about a microsecond; the SSSOM export compresses ~100,000 IRIs).
    """
    by_ns, _ = namespace_index()
    cut = _last_cut()
    end = len(iri)
    while end > 0:
        m = cut.match(iri, 0, end)
        if m is None:
            break
        k = m.end()
        prefix = by_ns.get(iri[:k])
        if prefix is not None:
            return f"{prefix}:{iri[k:]}"
        end = k - 1
    return iri


def normalize(curie: str) -> str:
    """Return the canonical spelling of a CURIE (``HGNC:5`` -> ``hgnc:5``)."""
    prefix, _, local = curie.partition(":")
    return f"{SYNONYMS.get(prefix, prefix)}:{local}"
