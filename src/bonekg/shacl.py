"""SHACL Core compiled to SPARQL, run on pyoxigraph: the shapes stay the single source of truth.

pySHACL validates the curated graph in ~50 s and cannot validate a million claims at all; this
module compiles ``shapes/*.ttl`` into one SPARQL SELECT per constraint component, each of which
returns only the violating ``?focus``/``?value`` rows, so the Rust engine does the work and the
cost is linear in the data. Results carry the same source shape, path, value, message and
severity as pySHACL's; ``tests/test_shapes.py`` proves the two agree on every shape
fixture.

Supported (everything the project's shapes use, and the rest of SHACL Core's common core):
targets (targetClass, targetNode, targetSubjectsOf, targetObjectsOf); predicate, inverse,
sequence and alternative paths; class, datatype, nodeKind, pattern(+flags), minLength,
maxLength, in, hasValue, languageIn, uniqueLang, min/max Inclusive/Exclusive, minCount,
maxCount, equals, disjoint, node, not, and, or, xone. Nested property shapes (inside
or/xone/not/and/node) support minCount ≤ 1, maxCount ≤ 1 and value constraints; anything else
is refused at compile time rather than silently ignored.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from . import prefixes

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

VALUE_COMPONENTS = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minLength,
    SH.maxLength,
    SH["in"],
    SH.languageIn,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
)


CASTABLE = frozenset({"integer", "boolean", "decimal", "double", "float", "dateTime", "date"})


class ShaclCompileError(ValueError):
    """A shape uses a feature the compiler does not support (refused, never ignored)."""


@dataclass(frozen=True)
class CompiledConstraint:
    shape: str  # IRI (or blank node id) of the source shape
    component: str  # e.g. "MinCountConstraintComponent"
    path: str | None  # CURIE, ^CURIE, or None for node shapes
    message: str
    severity: str
    query: str
    has_value: bool  # whether ?value is selected
    # A batch of value constraints of one property shape in one query: the component of each
    # ``?_okN`` flag (a row is a violation of component N when ?_okN is false).
    batch: tuple[str, ...] = ()
    # (minCount, maxCount) checked together by a "count" constraint on ``?_n``.
    counts: tuple[int | None, int | None] = (None, None)
    # A "group" constraint checks the direct-predicate property shapes of one node shape in
    # one pass over the focus nodes' outgoing triples; each part reads its own columns.
    parts: tuple[Part, ...] = ()
    # The target classes of a node shape whose results on a focus node depend only on that
    # node's outgoing triples and those of its values (sh:targetClass only, predicate paths
    # only, also in nested shapes); None when the shape reaches further. A chunk whose claims
    # are instances of none of these classes (or their subclasses) can leave it to the chunk
    # that validates the shared entities (see bonekg.validate.validate_chunk).
    local_to: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Part:
    """One property shape inside a grouped query: its count on rows whose ``?_i`` is its index,
    its value tests on ``?_okI_J``."""

    shape: str
    path: str | None
    message: str
    severity: str
    index: int
    counts: tuple[int | None, int | None] = (None, None)
    batch: tuple[str, ...] = ()


@dataclass
class _Ctx:
    g: Graph
    counter: itertools.count[int] = field(default_factory=itertools.count)

    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self.counter)}"


def _term(node: Any) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype:
            return f'"{text}"^^<{node.datatype}>'
        return f'"{text}"'
    raise ShaclCompileError(f"cannot use {node!r} as a SPARQL constant")


def _list(g: Graph, node: Any) -> list[Any]:
    return list(Collection(g, node))


def path_sparql(g: Graph, path: Any) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inv = g.value(path, SH.inversePath)
    if inv is not None:
        return f"^({path_sparql(g, inv)})"
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(g, p) for p in _list(g, alt)) + ")"
    for kind, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(path, kind)
        if inner is not None:
            return f"({path_sparql(g, inner)}){op}"
    if (path, RDF.first, None) in g:
        return "(" + "/".join(path_sparql(g, p) for p in _list(g, path)) + ")"
    raise ShaclCompileError(f"unsupported sh:path {path!r}")


def path_text(g: Graph, path: Any) -> str | None:
    """The path as pySHACL reports it in this project: CURIE, or ^CURIE for an inverse path."""
    if isinstance(path, URIRef):
        return prefixes.compress(str(path))
    inv = g.value(path, SH.inversePath)
    if isinstance(inv, URIRef):
        return "^" + prefixes.compress(str(inv))
    return None


def _value_cond(ctx: _Ctx, comp: Any, arg: Any, x: str) -> str:
    """A SPARQL boolean expression: value node ``x`` satisfies component ``comp`` = ``arg``."""
    g = ctx.g
    if comp == SH["class"]:
        t = ctx.var("t")
        return f"EXISTS {{ {x} {RDF_TYPE} {t} . VALUES {t} {{ {_subclasses(arg)} }} }}"
    if comp == SH.datatype:
        dt = f"<{arg}>"
        cond = f"isLiteral({x}) && sameTerm(DATATYPE({x}), {dt})"
        local = str(arg)[len(XSD) :] if str(arg).startswith(XSD) else None
        if local in CASTABLE:  # an ill-formed literal ("abc"^^xsd:integer) does not conform
            cond += f" && COALESCE(sameTerm({dt}(STR({x})), {dt}(STR({x}))), false)"
        return f"({cond})"
    if comp == SH.nodeKind:
        kinds = {
            SH.IRI: f"isIRI({x})",
            SH.Literal: f"isLiteral({x})",
            SH.BlankNode: f"isBlank({x})",
            SH.BlankNodeOrIRI: f"(isBlank({x}) || isIRI({x}))",
            SH.IRIOrLiteral: f"(isIRI({x}) || isLiteral({x}))",
            SH.BlankNodeOrLiteral: f"(isBlank({x}) || isLiteral({x}))",
        }
        return kinds[arg]
    if comp == SH.pattern:
        raise AssertionError("pattern is compiled with its flags by _pattern_cond")
    if comp == SH.minLength:
        return f"(!isBlank({x}) && STRLEN(STR({x})) >= {int(str(arg))})"
    if comp == SH.maxLength:
        return f"(!isBlank({x}) && STRLEN(STR({x})) <= {int(str(arg))})"
    if comp == SH["in"]:
        members = _list(g, arg)
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({x}, {_term(m)})" for m in members) + ")"
    if comp == SH.languageIn:
        langs = _list(g, arg)
        inner = " || ".join(f'LANGMATCHES(LANG({x}), "{lang}")' for lang in langs) or "false"
        return f"(isLiteral({x}) && ({inner}))"
    ops = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
    if comp in ops:
        return f"COALESCE({x} {ops[comp]} {_term(arg)}, false)"
    if comp == SH.node:
        return _conforms(ctx, arg, x)
    if comp == SH["not"]:
        return f"!({_conforms(ctx, arg, x)})"
    if comp == SH["and"]:
        parts = [_conforms(ctx, s, x) for s in _list(g, arg)]
        return "(" + " && ".join(parts or ["true"]) + ")"
    if comp == SH["or"]:
        parts = [_conforms(ctx, s, x) for s in _list(g, arg)]
        return "(" + " || ".join(parts or ["false"]) + ")"
    if comp == SH.xone:
        parts = [f"IF({_conforms(ctx, s, x)}, 1, 0)" for s in _list(g, arg)]
        return "((" + " + ".join(parts or ["0"]) + ") = 1)"
    raise ShaclCompileError(f"unsupported constraint {comp}")


def _pattern_cond(g: Graph, shape: Any, x: str) -> str:
    pattern = str(g.value(shape, SH.pattern))
    flags = g.value(shape, SH.flags)
    lit = _term(Literal(pattern))
    if flags is not None:
        return f"(!isBlank({x}) && REGEX(STR({x}), {lit}, {_term(Literal(str(flags)))}))"
    return f"(!isBlank({x}) && REGEX(STR({x}), {lit}))"


def _shape_value_conds(
    ctx: _Ctx, shape: Any, x: str, skip: Container[Any] = ()
) -> list[tuple[Any, str]]:
    """(component, condition) for every value-type constraint declared on ``shape`` (but those
    whose argument is in ``skip``)."""
    g = ctx.g
    out: list[tuple[Any, str]] = []
    for comp in VALUE_COMPONENTS:
        for arg in g.objects(shape, comp):
            if arg not in skip:
                out.append((comp, _value_cond(ctx, comp, arg, x)))
    if g.value(shape, SH.pattern) is not None:
        out.append((SH.pattern, _pattern_cond(g, shape, x)))
    return out


def _conforms(ctx: _Ctx, shape: Any, x: str) -> str:
    """A SPARQL expression: node ``x`` conforms to the (nested) ``shape``."""
    g = ctx.g
    path = g.value(shape, SH.path)
    if path is None:
        conds = [c for _, c in _shape_value_conds(ctx, shape, x)]
        for prop in g.objects(shape, SH.property):
            conds.append(_conforms(ctx, prop, x))
        if (shape, SH.hasValue, None) in g:
            conds += [f"sameTerm({x}, {_term(v)})" for v in g.objects(shape, SH.hasValue)]
        return "(" + " && ".join(conds or ["true"]) + ")"
    p = path_sparql(g, path)
    conds = []
    y = ctx.var()
    for _, cond in _shape_value_conds(ctx, shape, y):
        conds.append(f"NOT EXISTS {{ {x} {p} {y} FILTER(!({cond})) }}")
    for mc in g.objects(shape, SH.minCount):
        n = int(str(mc))
        if n > 1:
            raise ShaclCompileError(f"nested sh:minCount {n} > 1 is not supported")
        if n == 1:
            conds.append(f"EXISTS {{ {x} {p} {ctx.var()} }}")
    for mc in g.objects(shape, SH.maxCount):
        n = int(str(mc))
        if n > 1:
            raise ShaclCompileError(f"nested sh:maxCount {n} > 1 is not supported")
        a, b = ctx.var(), ctx.var()
        if n == 0:
            conds.append(f"NOT EXISTS {{ {x} {p} {a} }}")
        else:
            conds.append(f"NOT EXISTS {{ {x} {p} {a} . {x} {p} {b} FILTER(!sameTerm({a}, {b})) }}")
    for v in g.objects(shape, SH.hasValue):
        conds.append(f"EXISTS {{ {x} {p} {_term(v)} }}")
    for unsupported in (SH.uniqueLang, SH.equals, SH.disjoint, SH.lessThan, SH.qualifiedValueShape):
        if (shape, unsupported, None) in g:
            raise ShaclCompileError(f"nested {unsupported} is not supported")
    return "(" + " && ".join(conds or ["true"]) + ")"


def _subclasses(cls: Any) -> str:
    """A placeholder for the class and all its subclasses, filled in per store at run time.

    SHACL's ``rdf:type/rdfs:subClassOf*`` evaluated per value node costs a path search each
    time; the subclass set is tiny and computed once, so the test becomes a hash join.
    """
    return f"@@SUBCLASSES {_term(cls)}@@"


def _focus_patterns(g: Graph, shape: Any) -> list[str]:
    pats = [
        f"?focus {RDF_TYPE} ?_fc . VALUES ?_fc {{ {_subclasses(c)} }}"
        for c in g.objects(shape, SH.targetClass)
    ]
    pats += [f"VALUES ?focus {{ {_term(n)} }}" for n in g.objects(shape, SH.targetNode)]
    pats += [f"?focus {_term(p)} ?_t ." for p in g.objects(shape, SH.targetSubjectsOf)]
    pats += [f"?_t {_term(p)} ?focus ." for p in g.objects(shape, SH.targetObjectsOf)]
    return pats


def _focus(pats: list[str]) -> str:
    return " UNION ".join("{ SELECT DISTINCT ?focus WHERE { " + p + " } }" for p in pats)


def _meta(g: Graph, shape: Any, parent: Any | None) -> tuple[str, str]:
    msg = g.value(shape, SH.message) or (
        g.value(parent, SH.message) if parent is not None else None
    )
    sev = g.value(shape, SH.severity) or (
        g.value(parent, SH.severity) if parent is not None else None
    )
    return (str(msg) if msg is not None else "", str(sev or SH.Violation).rsplit("#", 1)[-1])


def _shape_id(shape: Any) -> str:
    return str(shape) if isinstance(shape, URIRef) else f"_:{shape}"


def compile_shapes(g: Graph) -> list[CompiledConstraint]:
    """Compile every active node shape (with targets) and its property shapes."""
    out: list[CompiledConstraint] = []
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        node_shapes |= set(g.subjects(pred, None))
    for shape in sorted(node_shapes, key=str):
        if g.value(shape, SH.deactivated) == Literal(True):
            continue
        pats = _focus_patterns(g, shape)
        if not pats:
            continue
        focus = _focus(pats)
        if g.value(shape, SH.path) is not None:  # a property shape with its own targets
            out += list(_property(g, shape, None, focus))
            continue
        first = len(out)
        out += list(_node_level(g, shape, focus))
        props = sorted(
            (
                p
                for p in g.objects(shape, SH.property)
                if g.value(p, SH.deactivated) != Literal(True)
            ),
            key=str,
        )
        direct = [p for p in props if isinstance(g.value(p, SH.path), URIRef)]
        out += list(_grouped(g, direct, shape, focus))
        for prop in props:
            out += list(_property(g, prop, shape, focus, grouped=prop in direct))
        local = _local_targets(g, shape)
        if local is not None:
            out[first:] = [replace(c, local_to=local) for c in out[first:]]
    return out


_NESTING = (SH.node, SH["not"], SH.qualifiedValueShape)
_NESTING_LISTS = (SH["and"], SH["or"], SH.xone)
_FOCUS_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _local_targets(g: Graph, shape: Any) -> tuple[str, ...] | None:
    """The target classes of ``shape`` if it only targets classes and only follows predicate
    paths (itself and every shape nested in it), else None."""
    if any((shape, t, None) in g for t in _FOCUS_TARGETS):
        return None
    classes = tuple(sorted(str(c) for c in g.objects(shape, SH.targetClass)))
    return classes if classes and _forward_only(g, shape, set()) else None


def _forward_only(g: Graph, shape: Any, seen: set[Any]) -> bool:
    if shape in seen:
        return True
    seen.add(shape)
    path = g.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        return False
    nested = [n for rel in _NESTING for n in g.objects(shape, rel)]
    nested += [n for rel in _NESTING_LISTS for lst in g.objects(shape, rel) for n in _list(g, lst)]
    nested += list(g.objects(shape, SH.property))
    return all(_forward_only(g, n, seen) for n in nested)


def _grouped(g: Graph, props: list[Any], parent: Any, focus: str) -> Iterator[CompiledConstraint]:
    """minCount/maxCount and value constraints of the direct-predicate property shapes of a
    node shape, as two queries over the focus nodes' outgoing triples (not one per shape).

    Each focus node is enumerated once per query instead of once per property shape; the
    triples of the focus are read once and routed to each part by their predicate.
    """
    count_parts: list[Part] = []
    too_many: list[str] = []  # VALUES rows (predicate, part, maxCount)
    missing: list[str] = []  # VALUES rows (predicate, part) of minCount 1
    too_few: list[str] = []  # VALUES rows (predicate, part, minCount) of minCount > 1
    value_parts: list[Part] = []
    branches: dict[str, list[tuple[str, str]]] = {}  # predicate -> (condition, flag variable)
    for i, prop in enumerate(props):
        ctx = _Ctx(g)
        p = f"<{g.value(prop, SH.path)}>"
        ptext = path_text(g, g.value(prop, SH.path))
        msg, sev = _meta(g, prop, parent)
        sid = _shape_id(prop)
        mins = [int(str(x)) for x in g.objects(prop, SH.minCount)]
        maxs = [int(str(x)) for x in g.objects(prop, SH.maxCount)]
        lo = max(mins) if mins and max(mins) > 0 else None
        hi = min(maxs) if maxs else None
        if lo is not None or hi is not None:
            too_many += [f"({p} {i} {hi})"] if hi is not None else []
            missing += [f"({p} {i})"] if lo == 1 else []
            too_few += [f"({p} {i} {lo})"] if lo is not None and lo > 1 else []
            count_parts.append(Part(sid, ptext, msg, sev, i, counts=(lo, hi)))
        conds = _shape_value_conds(ctx, prop, "?value")
        if conds:
            for j, (_, cond) in enumerate(conds):
                branches.setdefault(p, []).append((cond, f"?_ok{i}_{j}"))
            comps = tuple(_component(c) for c, _ in conds)
            value_parts.append(Part(sid, ptext, msg, sev, i, batch=comps))
    shape_id = _shape_id(parent)
    if count_parts:
        # Rows (?focus, part ?_i, count ?_n) for the parts a focus node violates: one pass
        # counts the values of the bounded predicates per (focus, part), one looks up the
        # required predicates that a focus node lacks (count 0).
        count_branches = []
        if too_many:
            count_branches.append(
                f"{{ SELECT ?focus ?_i (COUNT(*) AS ?_n) WHERE {{ {focus} ?focus ?_p ?_v . "
                f"VALUES (?_p ?_i ?_hi) {{ {' '.join(too_many)} }} }} "
                "GROUP BY ?focus ?_i ?_hi HAVING (COUNT(*) > ?_hi) }"
            )
        if missing:
            count_branches.append(
                f"{{ {focus} VALUES (?_p ?_i) {{ {' '.join(missing)} }} "
                "FILTER NOT EXISTS { ?focus ?_p ?_x } BIND(0 AS ?_n) }"
            )
        if too_few:
            count_branches.append(
                f"{{ SELECT ?focus ?_i (COUNT(?_v) AS ?_n) WHERE {{ {focus} "
                f"VALUES (?_p ?_i ?_lo) {{ {' '.join(too_few)} }} OPTIONAL {{ ?focus ?_p ?_v }} }} "
                "GROUP BY ?focus ?_i ?_lo HAVING (COUNT(?_v) < ?_lo) }"
            )
        q = f"SELECT ?focus ?_i ?_n WHERE {{ {' UNION '.join(count_branches)} }}"
        yield CompiledConstraint(
            shape_id, "group-count", None, "", "", q, False, parts=tuple(count_parts)
        )
    if value_parts:
        # One UNION branch per predicate, with only that predicate's conditions: each value is
        # tested against its own constraints (IF(?_p = P, cond, true) for every constraint on
        # every row costs four times as much). An unbound flag (an expression error) is, as in
        # FILTER(!cond), not a violation.
        oks = " ".join(
            f"?_ok{part.index}_{j}" for part in value_parts for j in range(len(part.batch))
        )
        union = " UNION ".join(
            f"{{ ?focus {pred} ?value . "
            + " ".join(f"BIND(({cond}) AS {var})" for cond, var in conds)
            + " FILTER("
            + " || ".join(f"COALESCE(!{var}, false)" for _, var in conds)
            + ") }"
            for pred, conds in sorted(branches.items())
        )
        q = f"SELECT DISTINCT ?focus ?value {oks} WHERE {{ {focus} {union} }}"
        yield CompiledConstraint(
            shape_id, "group-values", None, "", "", q, True, parts=tuple(value_parts)
        )


def _class_only(g: Graph, shape: Any) -> Any | None:
    """The class of a shape that says nothing but ``sh:class C`` (and that it is a shape)."""
    classes = list(g.objects(shape, SH["class"]))
    other = {p for p, _ in g.predicate_objects(shape)} - {SH["class"], RDF.type}
    return classes[0] if len(classes) == 1 and not other else None


def _xone_of_classes(g: Graph, arg: Any, focus: str) -> str | None:
    """``sh:xone`` over class-only shapes as one grouped pass: a focus node must be an instance
    of exactly one of the classes (an EXISTS per class and focus node is far slower)."""
    classes = [_class_only(g, s) for s in _list(g, arg)]
    if not classes or any(c is None for c in classes):
        return None
    opts = " ".join(
        f"OPTIONAL {{ ?focus {RDF_TYPE} ?_x{i} . VALUES ?_x{i} {{ {_subclasses(c)} }} }}"
        for i, c in enumerate(classes)
    )
    members = " + ".join(f"IF(COUNT(?_x{i}) > 0, 1, 0)" for i in range(len(classes)))
    return f"SELECT ?focus WHERE {{ {focus} {opts} }} GROUP BY ?focus HAVING (({members}) != 1)"


def _node_level(g: Graph, shape: Any, focus: str) -> Iterator[CompiledConstraint]:
    ctx = _Ctx(g)
    msg, sev = _meta(g, shape, None)
    grouped = {a: q for a in g.objects(shape, SH.xone) if (q := _xone_of_classes(g, a, focus))}
    for q in grouped.values():
        yield CompiledConstraint(
            _shape_id(shape), "XoneConstraintComponent", None, msg, sev, q, False
        )
    for comp, cond in _shape_value_conds(ctx, shape, "?focus", skip=grouped):
        q = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER(!({cond})) }}"
        yield CompiledConstraint(_shape_id(shape), _component(comp), None, msg, sev, q, False)
    for v in g.objects(shape, SH.hasValue):
        q = f"SELECT DISTINCT ?focus WHERE {{ {focus} FILTER(!sameTerm(?focus, {_term(v)})) }}"
        yield CompiledConstraint(
            _shape_id(shape), "HasValueConstraintComponent", None, msg, sev, q, False
        )


def _component(comp: Any) -> str:
    local = str(comp).rsplit("#", 1)[-1]
    names = {
        "class": "Class",
        "in": "In",
        "not": "Not",
        "and": "And",
        "or": "Or",
        "xone": "Xone",
        "node": "Node",
        "datatype": "Datatype",
        "nodeKind": "NodeKind",
        "pattern": "Pattern",
        "minLength": "MinLength",
        "maxLength": "MaxLength",
        "languageIn": "LanguageIn",
        "minInclusive": "MinInclusive",
        "maxInclusive": "MaxInclusive",
        "minExclusive": "MinExclusive",
        "maxExclusive": "MaxExclusive",
    }
    return names.get(local, local[:1].upper() + local[1:]) + "ConstraintComponent"


def _property(
    g: Graph, prop: Any, parent: Any | None, focus: str, grouped: bool = False
) -> Iterator[CompiledConstraint]:
    """The constraints of one property shape; with ``grouped``, all but its counts and value
    constraints (which :func:`_grouped` checks together with the node shape's others)."""
    ctx = _Ctx(g)
    path = g.value(prop, SH.path)
    p = path_sparql(g, path)
    ptext = path_text(g, path)
    msg, sev = _meta(g, prop, parent)
    sid = _shape_id(prop)
    conds = [] if grouped else _shape_value_conds(ctx, prop, "?value")
    if conds:
        # One pass over the values for all value constraints of the shape. An expression
        # error leaves ?_okN unbound, which (as in FILTER(!cond)) is not a violation.
        binds = " ".join(f"BIND(({cond}) AS ?_ok{i})" for i, (_, cond) in enumerate(conds))
        fails = " || ".join(f"COALESCE(!?_ok{i}, false)" for i in range(len(conds)))
        oks = " ".join(f"?_ok{i}" for i in range(len(conds)))
        q = (
            f"SELECT DISTINCT ?focus ?value {oks} WHERE {{ {focus} ?focus {p} ?value . "
            f"{binds} FILTER({fails}) }}"
        )
        comps = tuple(_component(c) for c, _ in conds)
        yield CompiledConstraint(sid, "batch", ptext, msg, sev, q, True, comps)
    mins = [int(str(x)) for x in g.objects(prop, SH.minCount)]
    maxs = [int(str(x)) for x in g.objects(prop, SH.maxCount)]
    lo = max(mins) if mins and max(mins) > 0 else None
    hi = min(maxs) if maxs else None
    if not grouped and (lo is not None or hi is not None):
        # minCount and maxCount in one grouped pass; which one failed is read from ?_n.
        count = "COUNT(DISTINCT ?_v)"  # HAVING cannot use the projected alias ?_n
        tests = ([f"{count} < {lo}"] if lo is not None else []) + (
            [f"{count} > {hi}"] if hi is not None else []
        )
        q = (
            f"SELECT ?focus (COUNT(DISTINCT ?_v) AS ?_n) WHERE {{ {focus} "
            f"OPTIONAL {{ ?focus {p} ?_v }} }} GROUP BY ?focus HAVING ({' || '.join(tests)})"
        )
        yield CompiledConstraint(sid, "count", ptext, msg, sev, q, False, counts=(lo, hi))
    for v in g.objects(prop, SH.hasValue):
        q = (
            f"SELECT DISTINCT ?focus WHERE {{ {focus} "
            f"FILTER NOT EXISTS {{ ?focus {p} {_term(v)} }} }}"
        )
        yield CompiledConstraint(sid, "HasValueConstraintComponent", ptext, msg, sev, q, False)
    if g.value(prop, SH.uniqueLang) == Literal(True):
        q = (
            f"SELECT DISTINCT ?focus WHERE {{ {{ SELECT ?focus ?_l WHERE {{ {focus} "
            f"?focus {p} ?_v . "
            f'BIND(LCASE(LANG(?_v)) AS ?_l) FILTER(?_l != "") }} GROUP BY ?focus ?_l '
            f"HAVING (COUNT(DISTINCT ?_v) > 1) }} }}"
        )
        yield CompiledConstraint(sid, "UniqueLangConstraintComponent", ptext, msg, sev, q, False)
    for other in g.objects(prop, SH.equals):
        o = _term(other)
        q = (
            f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} "
            f"{{ ?focus {p} ?value FILTER NOT EXISTS {{ ?focus {o} ?value }} }} UNION "
            f"{{ ?focus {o} ?value FILTER NOT EXISTS {{ ?focus {p} ?value }} }} }}"
        )
        yield CompiledConstraint(sid, "EqualsConstraintComponent", ptext, msg, sev, q, True)
    for other in g.objects(prop, SH.disjoint):
        q = (
            f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {p} ?value . "
            f"?focus {_term(other)} ?value }}"
        )
        yield CompiledConstraint(sid, "DisjointConstraintComponent", ptext, msg, sev, q, True)
    for unsupported in (SH.lessThan, SH.lessThanOrEquals, SH.qualifiedValueShape, SH.closed):
        if (prop, unsupported, None) in g:
            raise ShaclCompileError(f"{unsupported} on {prop} is not supported by the compiler")


_PLACEHOLDER = re.compile(r"@@SUBCLASSES (<[^>]+>)@@")


def bind_subclasses(query: str, store: Any, cache: dict[str, str]) -> str:
    """Replace each subclass placeholder by the class and its subclasses in ``store``."""

    def subs(m: re.Match[str]) -> str:
        cls = m.group(1)
        if cls not in cache:
            rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c {SUBCLASS_OF}* {cls} }}")
            found = sorted({f"<{r['c'].value}>" for r in rows if hasattr(r["c"], "value")})
            cache[cls] = " ".join(sorted({cls, *found}))
        return cache[cls]

    return _PLACEHOLDER.sub(subs, query)


def run_compiled(
    store: Any, constraints: list[CompiledConstraint], threads: int | None = None
) -> Iterator[dict[str, Any]]:
    """Run every compiled constraint on a pyoxigraph store; yield one dict per violation.

    Oxigraph releases the GIL while it evaluates a query, so the constraints run on
    ``threads`` threads (default: one per core); results come back in constraint order
    (deterministic reports).
    """
    import os
    from concurrent.futures import ThreadPoolExecutor

    cache: dict[str, str] = {}
    queries = [bind_subclasses(c.query, store, cache) for c in constraints]

    def evaluate(item: tuple[CompiledConstraint, str]) -> list[dict[str, Any]]:
        c, query = item
        out = []
        for row in store.query(query):
            focus = row["focus"]
            value = row["value"] if c.has_value else None
            if c.parts:
                out += [_row(focus, value, *f) for f in _part_failures(c, row)]
                continue
            failed = [c.component]
            if c.counts != (None, None):
                n = int(row["_n"].value)
                lo, hi = c.counts
                failed = (["MinCountConstraintComponent"] if lo is not None and n < lo else []) + (
                    ["MaxCountConstraintComponent"] if hi is not None and n > hi else []
                )
            elif c.batch:
                failed = [
                    comp
                    for i, comp in enumerate(c.batch)
                    if row[f"_ok{i}"] is not None and row[f"_ok{i}"].value == "false"
                ]
            for component in failed:
                out.append(
                    {
                        "focus": focus.value if hasattr(focus, "value") else str(focus),
                        "value": None if value is None else _value_text(value),
                        "shape": c.shape,
                        "component": component,
                        "path": c.path,
                        "message": c.message,
                        "severity": c.severity,
                    }
                )
        return out

    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        for rows in pool.map(evaluate, zip(constraints, queries, strict=True)):
            yield from rows


def _part_failures(
    c: CompiledConstraint, row: Any
) -> Iterator[tuple[str, str, str | None, str, str]]:
    """(shape, component, path, message, severity) of each part a grouped row violates."""
    if c.component == "group-count":
        index = int(row["_i"].value)
        for part in c.parts:
            if part.index != index:
                continue
            n = int(row["_n"].value)
            lo, hi = part.counts
            if lo is not None and n < lo:
                yield (
                    part.shape,
                    "MinCountConstraintComponent",
                    part.path,
                    part.message,
                    part.severity,
                )
            if hi is not None and n > hi:
                yield (
                    part.shape,
                    "MaxCountConstraintComponent",
                    part.path,
                    part.message,
                    part.severity,
                )
        return
    for part in c.parts:
        for j, comp in enumerate(part.batch):
            ok = row[f"_ok{part.index}_{j}"]
            if ok is not None and ok.value == "false":
                yield part.shape, comp, part.path, part.message, part.severity


def _row(
    focus: Any,
    value: Any,
    shape: str,
    component: str,
    path: str | None,
    message: str,
    severity: str,
) -> dict[str, Any]:
    return {
        "focus": focus.value if hasattr(focus, "value") else str(focus),
        "value": None if value is None else _value_text(value),
        "shape": shape,
        "component": component,
        "path": path,
        "message": message,
        "severity": severity,
    }


def _value_text(term: Any) -> str:
    return str(term.value)
