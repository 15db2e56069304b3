"""SHACL validation (pySHACL, shapes/*.ttl) and QC rules (queries/checks/*.rq on pyoxigraph).

Results are mapped back to the claim (last segment of its IRI) and, when the curation is at
hand, to ``curation/FILE.yaml:LINE``. The TBox and import modules are the ontology graph, so
``sh:class`` constraints see subclasses.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import paths, prefixes
from .errors import InputError

CLAIM_NS = "https://w3id.org/bonekg/claim/"
EVIDENCE_NS = "https://w3id.org/bonekg/evidence/"
CHECK_NS = "https://w3id.org/bonekg/checks/"
_EVIDENCE_ID = re.compile(r"(.+)-\d+$")

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".owl": "xml", ".trig": "trig",
           ".rdf": "xml", ".nq": "nquads"}  # fmt: skip


@dataclass(frozen=True)
class Result:
    """One violation: a SHACL result or one row of a QC rule."""

    focus: str
    message: str
    shape: str
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    claim: str | None = None
    location: str | None = None
    source: str = "shacl"  # "shacl" or "check"


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)
    shacl_graph_ttl: str = ""

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]


def claim_of(iri: str) -> str | None:
    if iri.startswith(CLAIM_NS):
        return iri[len(CLAIM_NS) :]
    if iri.startswith(EVIDENCE_NS):
        m = _EVIDENCE_ID.match(iri[len(EVIDENCE_NS) :])
        return m.group(1) if m else None
    return None


def shapes_graph() -> Any:
    import rdflib

    g = rdflib.Graph()
    files = sorted(paths.shapes_dir().glob("*.ttl"))
    if not files:
        raise InputError(f"no SHACL shapes in {paths.shapes_dir()}")
    for f in files:
        g.parse(f, format="turtle")
    return g


def ontology_graph() -> Any:
    import rdflib

    g = rdflib.Graph()
    g.parse(paths.tbox_file(), format="turtle")
    for f in sorted(paths.imports_dir().glob("*.ttl")):
        g.parse(f, format="turtle")
    return g


def read_rdf(path: Path) -> Any:
    """Parse any RDF file into an rdflib Dataset-backed graph (union of its graphs)."""
    import rdflib

    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format (use one of {', '.join(sorted(FORMATS))})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if fmt in ("trig", "nquads"):
            ds = rdflib.Dataset()
            ds.parse(path, format=fmt)
            g = rdflib.Graph()
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
            return g
        g = rdflib.Graph()
        g.parse(path, format=fmt)
        return g
    except Exception as exc:  # rdflib raises many parser-specific errors
        raise InputError(f"{path}: cannot parse as {fmt}: {exc}") from exc


def run_shacl(data: Any) -> Report:
    import rdflib
    from pyshacl import validate as shacl_validate

    # The ontology (TBox + import modules) is merged into a copy of the data here rather than
    # passed as pySHACL's ont_graph: pySHACL would mix it in the same way, but its recursive
    # node cloning takes ~30 s on the import modules, the plain union ~0.5 s.
    merged = rdflib.Graph()
    merged += data
    merged += ontology_graph()
    conforms, report_graph, _ = shacl_validate(
        merged,
        shacl_graph=shapes_graph(),
        ont_graph=None,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        js=False,
        debug=False,
    )
    results = _results_from_report(report_graph)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, results, report_graph.serialize(format="turtle"))


def _results_from_report(report_graph: Any) -> list[Result]:
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH

    out = []
    for r in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(r, SH.focusNode)
        path = report_graph.value(r, SH.resultPath)
        value = report_graph.value(r, SH.value)
        shape = report_graph.value(r, SH.sourceShape)
        msg = report_graph.value(r, SH.resultMessage)
        sev = report_graph.value(r, SH.resultSeverity)
        focus_s = str(focus)
        out.append(
            Result(
                focus=focus_s,
                message=str(msg) if msg is not None else "",
                shape=prefixes.compress(str(shape)) if isinstance(shape, URIRef) else str(shape),
                path=_path_text(report_graph, path),
                value=None if value is None else str(value),
                severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
                claim=claim_of(focus_s),
            )
        )
    return sorted(
        out, key=lambda r: (r.claim or "~", r.focus, r.shape, r.path or "", r.value or "")
    )


def _path_text(report_graph: Any, path: Any) -> str | None:
    """A predicate path as a CURIE, an inverse path as ``^CURIE``; other paths are not shown."""
    from rdflib import URIRef
    from rdflib.namespace import SH

    if isinstance(path, URIRef):
        return prefixes.compress(str(path))
    inverse = report_graph.value(path, SH.inversePath) if path is not None else None
    if isinstance(inverse, URIRef):
        return "^" + prefixes.compress(str(inverse))
    return None


SCOPES = ("claims", "entities")
COMBINES = ("union", "every-chunk")


@dataclass(frozen=True)
class Check:
    """A QC rule. Its header says how chunked validation runs it:

    ``# scope: claims`` (default) runs it on every chunk, ``# scope: entities`` once (its rows
    depend only on the shared entities, reviews and references that every chunk holds);
    ``# combine: union`` (default) keeps every chunk's rows, ``# combine: every-chunk`` only
    the rows all chunks return (a rule about what *no* claim does, such as an unused entity).
    """

    name: str
    title: str
    description: str
    query: str
    scope: str = "claims"
    combine: str = "union"


def load_checks(directory: Path | None = None) -> list[Check]:
    directory = directory or paths.checks_dir()
    out = []
    for f in sorted(directory.glob("*.rq")):
        text = f.read_text(encoding="utf-8")
        meta = dict(
            re.findall(r"^#\s*(title|description|scope|combine):\s*(.+)$", text, flags=re.M)
        )
        scope = meta.get("scope", "claims").strip()
        combine = meta.get("combine", "union").strip()
        if scope not in SCOPES or combine not in COMBINES:
            raise InputError(
                f"{f}: '# scope:' must be one of {', '.join(SCOPES)} and "
                f"'# combine:' one of {', '.join(COMBINES)}"
            )
        title, description = meta.get("title", f.stem), meta.get("description", "")
        out.append(Check(f.stem, title, description, text, scope, combine))
    return out


def run_checks(store: Any, checks: Iterable[Check], threads: int | None = None) -> list[Result]:
    """Each QC rule returns offending rows; any row is a failure. ``?focus`` names the node.

    The rules run on ``threads`` threads (default: one per core; Oxigraph frees the GIL)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    checks = list(checks)
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        answers = list(pool.map(lambda c: _check_rows(store, c), checks))
    return [r for rows in answers for r in rows]


def _check_rows(store: Any, check: Check) -> list[Result]:
    out: list[Result] = []
    solutions = store.query(check.query)
    variables = [v.value for v in solutions.variables]
    for row in solutions:
        values = {v: row[v] for v in variables if row[v] is not None}
        focus = values.get("focus")
        focus_s = focus.value if focus is not None else ""
        detail = ", ".join(
            f"{k}={_term_text(t)}" for k, t in values.items() if k not in ("focus", "message")
        )
        msg = values.get("message")
        out.append(
            Result(
                focus=focus_s,
                message=(msg.value if msg is not None else check.title)
                + (f" ({detail})" if detail and msg is None else ""),
                shape=CHECK_NS + check.name,
                value=detail or None,
                claim=claim_of(focus_s),
                source="check",
            )
        )
    return out


def _term_text(term: Any) -> str:
    v = str(term.value)
    return prefixes.compress(v) if v.startswith("http") else v


def locate(results: list[Result], locations: Mapping[str, str]) -> list[Result]:
    """Attach ``file:line`` of the claim to each result when known."""
    from dataclasses import replace

    return [replace(r, location=locations.get(r.claim)) if r.claim else r for r in results]


def format_text(report: Report) -> str:
    if report.conforms and not report.results:
        return "Conforms: the data satisfies every SHACL shape and QC rule.\n"
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in report.results:
        groups[r.claim or f"(not a claim) {prefixes.compress(r.focus)}"].append(r)
    lines = [
        f"{'Does not conform' if not report.conforms else 'Conforms with warnings'}: "
        f"{len(report.violations)} violation(s), {len(report.results)} result(s)."
    ]
    for key in sorted(groups):
        rs = groups[key]
        where = rs[0].location
        lines.append("")
        lines.append(f"claim {key}" + (f"  ({where})" if where else "") if rs[0].claim else key)
        for r in rs:
            lines.append(f"  [{r.severity}] {r.message}")
            lines.append(f"      shape: {prefixes.compress(r.shape)}")
            if r.path:
                lines.append(f"      path:  {r.path}")
            if r.value is not None:
                lines.append(f"      value: {r.value}")
            if not r.claim:
                lines.append(f"      focus: {prefixes.compress(r.focus)}")
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    return (
        json.dumps(
            {"conforms": report.conforms, "results": [asdict(r) for r in report.results]},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def format_ttl(report: Report) -> str:
    """The standard SHACL validation report, with QC-rule rows added as sh:ValidationResult."""
    import rdflib
    from rdflib import RDF, Literal, URIRef
    from rdflib.namespace import SH

    g = rdflib.Graph()
    if report.shacl_graph_ttl:
        g.parse(data=report.shacl_graph_ttl, format="turtle")
    reports = list(g.subjects(RDF.type, SH.ValidationReport))
    node = reports[0] if reports else URIRef("https://w3id.org/bonekg/validation-report")
    if not reports:
        g.add((node, RDF.type, SH.ValidationReport))
    g.set((node, SH.conforms, Literal(report.conforms)))
    for i, r in enumerate(x for x in report.results if x.source == "check"):
        res = URIRef(f"https://w3id.org/bonekg/validation-report/check-{i + 1}")
        g.add((node, SH.result, res))
        g.add((res, RDF.type, SH.ValidationResult))
        g.add((res, SH.focusNode, URIRef(r.focus) if r.focus else Literal("")))
        g.add((res, SH.resultMessage, Literal(r.message)))
        g.add((res, SH.resultSeverity, SH.Violation))
        g.add((res, SH.sourceShape, URIRef(r.shape)))
        g.add((res, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    g.bind("sh", SH)
    return str(g.serialize(format="turtle"))


def run_shacl_compiled(store: Any, threads: int | None = None, claims_only: bool = False) -> Report:
    """SHACL Core compiled to SPARQL (:mod:`bonekg.shacl`) on a pyoxigraph store.

    The store must hold the data and the ontology (TBox + import modules), as pySHACL's data
    graph does after mixing in its ``ont_graph``. With ``claims_only``, the shapes local to
    classes that no claim or evidence node of the store is an instance of are left out: their
    results are those of the shared entities, which another chunk reports.
    """
    from .shacl import compile_shapes, run_compiled

    constraints = compile_shapes(shapes_graph())
    if claims_only:
        constraints = _claim_constraints(store, constraints)
    results = []
    for row in run_compiled(store, constraints, threads):
        shape = row["shape"]
        results.append(
            Result(
                focus=row["focus"],
                message=row["message"],
                shape=prefixes.compress(shape) if shape.startswith("http") else shape,
                path=row["path"],
                value=row["value"],
                severity=row["severity"],
                claim=claim_of(row["focus"]),
            )
        )
    results = sorted(set(results), key=_result_key)
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms, results, _report_ttl(results, conforms))


def _claim_constraints(store: Any, constraints: list[Any]) -> list[Any]:
    """The constraints that can have a claim or an evidence node as focus in ``store``.

    A constraint local to classes (``local_to``) is kept when some claim or evidence IRI is an
    instance of one of them or of a subclass: one question per class set, which reads the
    instances of those classes only (the shared entities, not the claims).
    """
    from .shacl import bind_subclasses

    cache: dict[str, str] = {}
    has_claims: dict[tuple[str, ...], bool] = {}
    kept = []
    for c in constraints:
        if c.local_to is None:
            kept.append(c)
            continue
        if c.local_to not in has_claims:
            classes = " ".join(f"@@SUBCLASSES <{cls}>@@" for cls in c.local_to)
            claim = f'STRSTARTS(STR(?_s), "{CLAIM_NS}") || STRSTARTS(STR(?_s), "{EVIDENCE_NS}")'
            ask = f"ASK {{ VALUES ?_c {{ {classes} }} ?_s a ?_c . FILTER({claim}) }}"
            ask = bind_subclasses(ask, store, cache)
            has_claims[c.local_to] = bool(store.query(ask))
        if has_claims[c.local_to]:
            kept.append(c)
    return kept


def _report_ttl(results: list[Result], conforms: bool) -> str:
    """A standard sh:ValidationReport for results of the compiled engine."""
    import rdflib
    from rdflib import RDF, BNode, Literal, URIRef
    from rdflib.namespace import SH

    g = rdflib.Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for r in results:
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, URIRef(r.focus)))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        g.add(
            (
                node,
                SH.sourceShape,
                URIRef(prefixes.expand(r.shape))
                if ":" in r.shape and not r.shape.startswith("_:")
                else BNode(),
            )
        )
        g.add((node, SH.resultMessage, Literal(r.message)))
        if r.path:
            inverse = r.path.startswith("^")
            p = URIRef(prefixes.expand(r.path.lstrip("^")))
            if inverse:
                b = BNode()
                g.add((b, SH.inversePath, p))
                g.add((node, SH.resultPath, b))
            else:
                g.add((node, SH.resultPath, p))
        if r.value is not None:
            g.add((node, SH.value, Literal(r.value)))
    return str(g.serialize(format="turtle"))


ENGINES = ("compiled", "pyshacl")


def validate_graph(
    store: Any,
    locations: Mapping[str, str] | None = None,
    engine: str = "compiled",
    data: Any = None,
) -> Report:
    """Validate with SHACL (compiled to SPARQL, or pySHACL on ``data``) and the QC rules."""
    if engine == "pyshacl":
        if data is None:
            raise InputError("the pyshacl engine needs the data as an rdflib graph")
        report = run_shacl(data)
    else:
        report = run_shacl_compiled(store)
    report.results.extend(run_checks(store, load_checks()))
    report.conforms = not report.violations
    report.results = locate(report.results, locations or {})
    return report


def validate_chunk(
    files: list[Path], entities: bool, threads: int | None = None, shared: int = 2
) -> tuple[list[Result], list[list[Result]]]:
    """SHACL + QC rules on one chunk: the shared graph files plus some reviews' claims.

    ``files[:shared]`` are the shared graph (TBox, import modules, entities, and every review's
    own triples), the rest some reviews' claims and evidence, whose other triples are also in
    the shared files (the build writes them so). Returns the rows to keep as they are, and per
    ``every-chunk`` rule the rows it returned. With ``entities`` the ``scope: entities`` rules
    and every shape run (on one chunk only); the other chunks leave out the shapes that see
    only shared nodes, unless a shared triple points at a claim or an evidence (then a shape
    about an entity could see claims that only one chunk holds). ``threads``: queries at once
    (the build gives 1 to each of its worker processes).

    The files are the build's own N-Triples, loaded without Oxigraph's IRI validation: the
    generator checked each distinct IRI and language tag as strictly when it wrote it.
    """
    from pyoxigraph import RdfFormat, Store

    store = Store()
    for f in files:
        store.load(path=str(f), format=RdfFormat.N_TRIPLES, lenient=True)
    checks = [c for c in load_checks() if entities or c.scope == "claims"]
    claims_only = not entities and not _points_at_claims(files[:shared])
    kept = list(run_shacl_compiled(store, threads, claims_only).results)
    kept += run_checks(store, [c for c in checks if c.combine == "union"], threads)
    every = [run_checks(store, [c], threads) for c in checks if c.combine == "every-chunk"]
    return kept, every


def _points_at_claims(files: list[Path]) -> bool:
    """Whether an N-Triples file has a claim or evidence IRI in object position."""
    needles = (f" <{CLAIM_NS}".encode(), f" <{EVIDENCE_NS}".encode())
    for f in files:
        with f.open("rb") as fh:
            tail = b""
            while block := fh.read(1 << 24):
                data = tail + block
                if any(n in data for n in needles):
                    return True
                tail = data[-64:]
    return False


def combine_chunks(parts: list[tuple[list[Result], list[list[Result]]]]) -> Report:
    """One report from the chunks: union of the rows, intersection for ``every-chunk`` rules.

    Rows about shared entities come back from several chunks; they are reported once.
    """
    kept: set[Result] = set()
    every: list[set[Result]] | None = None
    for rows, per_rule in parts:
        kept.update(rows)
        sets = [set(r) for r in per_rule]
        every = sets if every is None else [a & b for a, b in zip(every, sets, strict=True)]
    for found in every or []:
        kept.update(found)
    shacl = sorted((r for r in kept if r.source == "shacl"), key=_result_key)
    checks = sorted(
        (r for r in kept if r.source == "check"), key=lambda r: (r.shape, *_result_key(r))
    )
    conforms = not any(r.severity == "Violation" for r in kept)
    return Report(conforms, shacl + checks, _report_ttl(shacl, conforms))


def _result_key(r: Result) -> tuple[str, str, str, str, str]:
    return (r.claim or "~", r.focus, r.shape, r.path or "", r.value or "")


def load_store(path: Path, with_ontology: bool = True) -> Any:
    """Read any RDF file into a pyoxigraph store (all graphs merged), plus TBox and imports."""
    from pyoxigraph import DefaultGraph, Quad, RdfFormat, Store
    from pyoxigraph import parse as ox_parse

    formats = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES, ".owl": RdfFormat.RDF_XML,
               ".rdf": RdfFormat.RDF_XML, ".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS,
               ".jsonld": RdfFormat.JSON_LD}  # fmt: skip
    fmt = formats.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format (use one of {', '.join(sorted(formats))})")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    store = Store()
    try:
        quads = ox_parse(path=str(path), format=fmt)
        store.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot parse as {fmt}: {exc}") from exc
    if with_ontology:
        for f in [paths.tbox_file(), *sorted(paths.imports_dir().glob("*.ttl"))]:
            store.extend(
                Quad(t.subject, t.predicate, t.object, DefaultGraph())
                for t in ox_parse(path=str(f), format=RdfFormat.TURTLE)
            )
    return store
