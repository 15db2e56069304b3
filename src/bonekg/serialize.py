"""Write the release files: N-Triples (sorted), Turtle, RDF/XML, TriG and compacted JSON-LD.

Input is a list of quads already sorted and de-duplicated by :func:`canonical_quads`, so every
writer is deterministic: two builds of the same commit are byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Triple
from pyoxigraph import serialize as ox_serialize

from . import prefixes
from .errors import InputError

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """De-duplicate and sort quads by (graph, subject, predicate, object) in N-Quads text."""
    seen: dict[str, Quad] = {}
    for q in quads:
        for term in (q.subject, q.object):
            if isinstance(term, BlankNode):
                raise InputError(
                    f"blank node in {q}: bonekg graphs use IRIs only "
                    "(builds must be byte-identical)"
                )
        key = f"{_graph_key(q)} {q.subject} {q.predicate} {q.object}"
        seen.setdefault(key, q)
    return [seen[k] for k in sorted(seen)]


def _graph_key(q: Quad) -> str:
    return "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)


def union_triples(quads: Sequence[Quad]) -> list[Triple]:
    """The merged graph: every triple once, sorted by its N-Triples text."""
    seen: dict[str, Triple] = {}
    for q in quads:
        t = q.triple
        seen.setdefault(str(t), t)
    return [seen[k] for k in sorted(seen)]


def ntriples_lines(triples: Iterable[Triple]) -> Iterator[str]:
    for t in triples:
        yield f"{t} .\n"


def write_ntriples(triples: Sequence[Triple], path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        n = 0
        for line in ntriples_lines(triples):
            fh.write(line)
            n += 1
    return n


def used_prefixes(triples: Iterable[Triple]) -> dict[str, str]:
    """The subset of the prefix map whose namespaces occur in the triples (stable order)."""
    pm = prefixes.prefix_map()
    iris: set[str] = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal):
                iris.add(term.datatype.value)
    used: dict[str, str] = {}
    for prefix, ns in sorted(pm.items(), key=lambda kv: kv[0].lower()):
        if any(i.startswith(ns) for i in iris):
            used[prefix] = ns
    return used


def _prefixes_for(triples: Sequence[Triple]) -> dict[str, str]:
    # Prefixes whose namespace ends in a character Turtle cannot end a prefix with are fine
    # for Oxigraph; namespaces with '?' or '#!' also serialise correctly as @prefix IRIs.
    return used_prefixes(triples)


def write_turtle(triples: Sequence[Triple], path: Path) -> None:
    ox_serialize(triples, str(path), RdfFormat.TURTLE, prefixes=_prefixes_for(triples))


def write_rdfxml(triples: Sequence[Triple], path: Path) -> None:
    ox_serialize(triples, str(path), RdfFormat.RDF_XML, prefixes=_xml_safe(_prefixes_for(triples)))


def _xml_safe(pm: dict[str, str]) -> dict[str, str]:
    # XML namespace prefixes must be NCNames: no dots.
    return {p: ns for p, ns in pm.items() if "." not in p}


def write_trig(quads: Sequence[Quad], path: Path) -> None:
    triples = union_triples(quads)
    ox_serialize(quads, str(path), RdfFormat.TRIG, prefixes=_prefixes_for(triples))


# --------------------------------------------------------------------------------------------
# JSON-LD


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD 1.1 context derived from prefixes.json.

    Every prefix is an expanded term definition with ``"@prefix": true``: OBO namespaces end in
    ``_``, which is not a gen-delim, so JSON-LD 1.1 would otherwise refuse ``GO:0001649`` as a
    compact IRI and read it as an absolute IRI with scheme ``GO``.
    """
    ctx: dict[str, Any] = {"@version": 1.1}
    for prefix, ns in prefixes.prefix_map().items():
        ctx[prefix] = {"@id": ns, "@prefix": True}
    return {"@context": ctx}


def context_text() -> str:
    return json.dumps(jsonld_context(), ensure_ascii=False, indent=2) + "\n"


class _Compactor:
    def __init__(self) -> None:
        # Longest namespace first so that e.g. "mirbase.mature" wins over a shorter match.
        self.pm = sorted(prefixes.prefix_map().items(), key=lambda kv: -len(kv[1]))

    def iri(self, value: str) -> str:
        for prefix, ns in self.pm:
            if value.startswith(ns) and len(value) > len(ns):
                local = value[len(ns) :]
                # A compact IRI whose suffix starts with '//' would be read as an absolute IRI.
                if not local.startswith("//"):
                    return f"{prefix}:{local}"
        return value

    def value(self, term: NamedNode | Literal | BlankNode) -> Any:
        if isinstance(term, NamedNode):
            return {"@id": self.iri(term.value)}
        if isinstance(term, BlankNode):  # pragma: no cover - canonical_quads rejects them
            return {"@id": f"_:{term.value}"}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype.value)}


def write_jsonld(triples: Sequence[Triple], path: Path) -> None:
    """Stream a compacted JSON-LD document: one node object per subject, in sorted order."""
    comp = _Compactor()
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        _write_jsonld(triples, fh, comp)


def _write_jsonld(triples: Sequence[Triple], fh: IO[str], comp: _Compactor) -> None:
    dump: Callable[[Any], str] = lambda o: json.dumps(o, ensure_ascii=False, sort_keys=True)  # noqa: E731
    ctx = jsonld_context()["@context"]
    fh.write('{\n  "@context": ')
    fh.write(json.dumps(ctx, ensure_ascii=False, indent=2).replace("\n", "\n  "))
    fh.write(',\n  "@graph": [')
    first = True
    for subject, group in groupby(triples, key=lambda t: t.subject):
        node: dict[str, Any] = {"@id": comp.iri(subject.value)}
        for t in group:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, NamedNode):
                node.setdefault("@type", []).append(comp.iri(t.object.value))
            else:
                key = comp.iri(t.predicate.value)
                node.setdefault(key, []).append(comp.value(t.object))  # type: ignore[arg-type]
        fh.write("\n    " if first else ",\n    ")
        fh.write(dump(node))
        first = False
    fh.write("\n  ]\n}\n")
