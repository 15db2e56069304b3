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
    from pyshacl import validate as shacl_validate

    conforms, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
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
                path=prefixes.compress(str(path)) if isinstance(path, URIRef) else None,
                value=None if value is None else str(value),
                severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
                claim=claim_of(focus_s),
            )
        )
    return sorted(out, key=lambda r: (r.claim or "~", r.focus, r.shape, r.path or "", r.value or ""))


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    description: str
    query: str


def load_checks(directory: Path | None = None) -> list[Check]:
    directory = directory or paths.checks_dir()
    out = []
    for f in sorted(directory.glob("*.rq")):
        text = f.read_text(encoding="utf-8")
        meta = dict(re.findall(r"^#\s*(title|description):\s*(.+)$", text, flags=re.M))
        out.append(Check(f.stem, meta.get("title", f.stem), meta.get("description", ""), text))
    return out


def run_checks(store: Any, checks: Iterable[Check]) -> list[Result]:
    """Each QC rule returns offending rows; any row is a failure. ``?focus`` names the node."""
    out: list[Result] = []
    for check in checks:
        solutions = store.query(check.query)
        variables = [v.value for v in solutions.variables]
        for row in solutions:
            values = {v: row[v] for v in variables if row[v] is not None}
            focus = values.get("focus")
            focus_s = focus.value if focus is not None else ""
            detail = ", ".join(f"{k}={_term_text(t)}" for k, t in values.items() if k != "focus")
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


def validate_graph(data: Any, store: Any, locations: Mapping[str, str] | None = None) -> Report:
    """Validate an rdflib graph with SHACL and the same data in a pyoxigraph store with QC rules."""
    report = run_shacl(data)
    report.results.extend(run_checks(store, load_checks()))
    report.conforms = not report.violations
    report.results = locate(report.results, locations or {})
    return report
