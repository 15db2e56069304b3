"""SHACL shapes (shapes/*.ttl): what they are made of, and that each constraint fires.

The fixtures in tests/resources/shapes/ are valid.ttl (conforms) and one copy of it per
constraint with exactly one defect; expected.yaml says which violations (focus, source shape,
path, constraint component, severity) each must produce, nothing more and nothing less. Both
SHACL engines of bonekg are held to that table: pySHACL (``run_shacl``) and the SHACL-to-SPARQL
compiler the build uses by default (``run_shacl_compiled``).

The fixtures carry the ontology terms they need, so they are validated with the TBox alone as
the ontology (``isolated_ontology``); separate tests validate valid.ttl with the real import
modules, which must not change the verdict.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDF, SH

from bonekg import paths, prefixes
from bonekg.cli import cli
from bonekg.validate import Report, load_store, run_shacl, run_shacl_compiled, shapes_graph

from .conftest import REPO

SHAPES_FIXTURES = REPO / "tests" / "resources" / "shapes"
VALID = SHAPES_FIXTURES / "valid.ttl"
SHAPE_NS = "https://w3id.org/bonekg/shapes/"

Row = tuple[str, str, str | None, str, str]  # focus, shape, path, component, severity


def _load_fixture_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "shape_fixtures", SHAPES_FIXTURES / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURES = _load_fixture_module()
TABLE: dict[str, dict[str, dict[str, Any]]] = FIXTURES.load_table()
SHACL_CASES = sorted(TABLE["shacl"])


def iri(text: str | None) -> str | None:
    """A CURIE or IRI of expected.yaml as a full IRI (``^`` kept for inverse paths)."""
    if text is None:
        return None
    if text.startswith("^"):
        return "^" + str(iri(text[1:]))
    return text if text.startswith("http") else prefixes.expand(text)


def expected_rows(name: str) -> set[Row]:
    rows = set()
    for item in TABLE["shacl"][name]["expect"]:
        focus, shape, path, component, *severity = item
        rows.add(
            (str(iri(focus)), SHAPE_NS + shape, iri(path), component, *(severity or ["Violation"]))
        )
    return rows


def report_rows(report: Report) -> set[Row]:
    """Every result of a SHACL report, from its sh:ValidationReport graph."""
    g = rdflib.Graph()
    g.parse(data=report.shacl_graph_ttl, format="turtle")
    rows = set()
    for r in g.subjects(RDF.type, SH.ValidationResult):
        path = g.value(r, SH.resultPath)
        if isinstance(path, rdflib.BNode):
            path = "^" + str(g.value(path, SH.inversePath))
        component = str(g.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        rows.add(
            (
                str(g.value(r, SH.focusNode)),
                str(g.value(r, SH.sourceShape)),
                None if path is None else str(path),
                component.removesuffix("ConstraintComponent"),
                str(g.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    return rows


def compiled_rows(store: Any) -> set[Row]:
    """The compiled engine's results, with the constraint component it reports per row."""
    from bonekg.shacl import compile_shapes, run_compiled

    return {
        (
            row["focus"],
            row["shape"],
            iri(row["path"]),
            row["component"].removesuffix("ConstraintComponent"),
            row["severity"],
        )
        for row in run_compiled(store, compile_shapes(shapes_graph()))
    }


def parse(path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(path, format="turtle")
    return g


@pytest.fixture
def isolated_ontology(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Validate with the TBox as the only ontology: the fixtures carry the import terms they use."""
    empty = tmp_path / "no-imports"
    empty.mkdir()
    monkeypatch.setattr(paths, "imports_dir", lambda: empty)
    yield


def run_engine(engine: str, path: Path) -> set[Row]:
    if engine == "pyshacl":
        return report_rows(run_shacl(parse(path)))
    return compiled_rows(load_store(path))


def fmt(rows: set[Row]) -> str:
    return (
        "\n".join("  " + " | ".join(str(x) for x in row) for row in sorted(rows, key=str))
        or "  (none)"
    )


##########################################################################################
# The shape files
##########################################################################################

CONSTRAINT_PARAMETERS = {
    SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"],
    SH.minLength, SH.maxLength, SH.languageIn, SH.uniqueLang, SH.hasValue, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.equals, SH.disjoint, SH["or"],
    SH["and"], SH["not"], SH.xone, SH.node,
}  # fmt: skip
NOT_CORE = {  # SHACL-SPARQL and SHACL Advanced Features / JavaScript extensions
    rdflib.URIRef(str(SH) + name)
    for name in ("sparql", "select", "ask", "prefixes", "declare", "target", "rule", "condition",
                 "expression", "jsFunctionName", "jsLibrary", "js")
}  # fmt: skip


def named_shapes(g: rdflib.Graph) -> set[rdflib.URIRef]:
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(g.objects(None, SH.property))
    return {s for s in shapes if isinstance(s, rdflib.URIRef)}


def test_every_shape_is_named_and_has_a_message_and_a_severity() -> None:
    g = shapes_graph()
    assert not [s for s in g.objects(None, SH.property) if isinstance(s, rdflib.BNode)], (
        "give every property shape an IRI (bkgsh:…) so reports name the rule that fired"
    )
    problems = []
    for shape in sorted(named_shapes(g)):
        msg = g.value(shape, SH.message)
        if msg is None or len(str(msg)) < 20 or msg.language != "en" or not str(msg).endswith("."):
            problems.append(f"{shape}: no curator-facing sh:message@en (a sentence ending in '.')")
        if g.value(shape, SH.severity) not in (SH.Violation, SH.Warning, SH.Info):
            problems.append(f"{shape}: no sh:severity")
    assert not problems, "\n".join(problems)


def test_shapes_use_shacl_core_only_and_target_classes() -> None:
    g = shapes_graph()
    used = {p for p in g.predicates() if p in NOT_CORE}
    assert not used, f"SHACL-SPARQL / SHACL-AF features are not allowed in shapes/: {used}"
    targets = {p for p in g.predicates() if str(p).startswith(str(SH) + "target")}
    assert targets <= {SH.targetClass, SH.targetObjectsOf}, targets


def test_shapes_graph_is_well_formed_shacl() -> None:
    """pySHACL's meta-validation checks the shapes against the SHACL-for-SHACL shapes graph."""
    from pyshacl import validate

    conforms, _, text = validate(rdflib.Graph(), shacl_graph=shapes_graph(), meta_shacl=True)
    assert conforms, text


def test_every_constraint_has_a_fixture_that_fires_it() -> None:
    g = shapes_graph()
    with_constraints = {
        str(s) for s in named_shapes(g) if any((s, p, None) in g for p in CONSTRAINT_PARAMETERS)
    }
    fired = {row[1] for name in SHACL_CASES for row in expected_rows(name)}
    assert not fired - with_constraints, (
        f"expected.yaml names unknown shapes: {fired - with_constraints}"
    )
    missing = sorted(with_constraints - fired)
    assert not missing, f"shapes no fixture makes fire (add one to expected.yaml): {missing}"


def test_fixture_files_are_generated_from_valid_ttl_and_the_table() -> None:
    """Each defect fixture is valid.ttl plus the edit expected.yaml gives it (no drift)."""
    expected = FIXTURES.fixtures()
    stale = [
        p.name for p, text in expected.items() if not p.is_file() or p.read_text("utf-8") != text
    ]
    assert not stale, f"run `python {SHAPES_FIXTURES / 'make_fixtures.py'}`: stale {stale}"
    assert not FIXTURES.orphans(expected), (
        f"fixtures not in expected.yaml: {FIXTURES.orphans(expected)}"
    )
    valid = parse(VALID)
    for path in expected:
        assert len(parse(path) ^ valid) > 0, f"{path.name} is identical to valid.ttl"


##########################################################################################
# The fixtures, on both engines
##########################################################################################

ENGINES = ["pyshacl", "compiled"]


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_fixture_conforms_without_any_result(engine: str, isolated_ontology: None) -> None:
    rows = run_engine(engine, VALID)
    assert not rows, f"valid.ttl must produce no result at all:\n{fmt(rows)}"


@pytest.mark.parametrize("engine", ENGINES)
def test_valid_fixture_conforms_with_the_real_import_modules(engine: str) -> None:
    """The import modules, mixed in as ontology, conform too and do not disturb the fixture."""
    rows = run_engine(engine, VALID)
    assert not rows, f"valid.ttl + ontology/imports must produce no result:\n{fmt(rows)}"


@pytest.mark.parametrize("name", SHACL_CASES)
def test_defect_fires_exactly_its_shape_in_pyshacl(name: str, isolated_ontology: None) -> None:
    report = run_shacl(parse(SHAPES_FIXTURES / f"{name}.ttl"))
    expected = expected_rows(name)
    got = report_rows(report)
    assert got == expected, (
        f"{name} ({TABLE['shacl'][name]['defect']})\nexpected:\n{fmt(expected)}\ngot:\n{fmt(got)}"
    )
    # the public Result records say the same (shape and path as CURIEs, claim id mapped)
    assert {(iri(r.shape), iri(r.path)) for r in report.results} == {
        (s, p) for _, s, p, _, _ in got
    }
    assert report.conforms == all(row[4] != "Violation" for row in expected)
    for r in report.results:
        assert r.message, r
        if r.focus.startswith("https://w3id.org/bonekg/claim/"):
            assert r.claim == r.focus.rsplit("/", 1)[1]


@pytest.mark.parametrize("name", SHACL_CASES)
def test_defect_fires_exactly_its_shape_in_the_compiled_engine(
    name: str, isolated_ontology: None
) -> None:
    expected = expected_rows(name)
    got = run_engine("compiled", SHAPES_FIXTURES / f"{name}.ttl")
    assert got == expected, (
        f"{name} ({TABLE['shacl'][name]['defect']})\nexpected:\n{fmt(expected)}\ngot:\n{fmt(got)}"
    )
    report = run_shacl_compiled(load_store(SHAPES_FIXTURES / f"{name}.ttl"))
    assert report.conforms == all(row[4] != "Violation" for row in expected)


def test_a_review_restating_a_claim_gives_it_a_second_valid_evidence(
    isolated_ontology: None,
) -> None:
    """Claims with several evidences (also_stated, several reference numbers) conform."""
    second = """
claim:fixture2020-001 bkg:evidence evidence:fixture2020-001-2 .
evidence:fixture2020-001-2 a owl:NamedIndividual , bkg:Evidence , ECO:0000303 .
evidence:fixture2020-001-2 bkg:statedIn <https://doi.org/10.5555/bonekg.fixture.2020> .
evidence:fixture2020-001-2 bkg:section "abstract" .
evidence:fixture2020-001-2 bkg:supportingText "miR-214-3p targets ATF4"@en .
"""
    g = rdflib.Graph()
    g.parse(data=VALID.read_text(encoding="utf-8") + second, format="turtle")
    report = run_shacl(g)
    assert report.conforms and not report.results, [r.message for r in report.results]


##########################################################################################
# `bonekg validate` on shape fixtures: formats and exit codes
##########################################################################################


def bonekg(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point (bonekg.cli.main maps errors to exit codes)."""
    return subprocess.run(
        [sys.executable, "-m", "bonekg.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_exit_0_and_json_for_the_valid_fixture() -> None:
    proc = bonekg("validate", str(VALID), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == {"conforms": True, "results": []}


def test_cli_exit_1_and_json_names_shape_path_and_claim() -> None:
    proc = bonekg(
        "validate", str(SHAPES_FIXTURES / "claim-missing-subject.ttl"), "--format", "json"
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["conforms"] is False
    assert [(r["shape"], r["path"], r["claim"]) for r in report["results"]] == [
        ("bonekg:shapes/Claim-subject", "bkg:subject", "fixture2020-001")
    ]
    assert "`subject:`" in report["results"][0]["message"]


def test_cli_ttl_report_is_a_shacl_validation_report() -> None:
    proc = bonekg(
        "validate", str(SHAPES_FIXTURES / "evidence-supportingText-empty.ttl"), "--format", "ttl"
    )
    assert proc.returncode == 1, proc.stderr
    g = rdflib.Graph()
    g.parse(data=proc.stdout, format="turtle")
    report = g.value(predicate=RDF.type, object=SH.ValidationReport, any=False)
    assert g.value(report, SH.conforms) == rdflib.Literal(False)
    shapes = {g.value(r, SH.sourceShape) for r in g.objects(report, SH.result)}
    assert shapes == {rdflib.URIRef(SHAPE_NS + "Evidence-supportingText")}


def test_cli_text_report_names_the_claim_and_the_fix() -> None:
    result = CliRunner().invoke(
        cli,
        ["validate", str(SHAPES_FIXTURES / "claim-predicate-not-allowed.ttl"), "--format", "text"],
    )
    assert result.exit_code == 1, result.output
    assert "Does not conform" in result.output
    assert "claim fixture2020-001" in result.output
    assert "RO:0002213" in result.output  # the message lists the allowed predicates
    assert "shape: bonekg:shapes/RegulationClaim-predicate" in result.output


def test_cli_warnings_alone_conform_with_exit_0() -> None:
    result = CliRunner().invoke(
        cli,
        ["validate", str(SHAPES_FIXTURES / "transfer-without-recipient.ttl"), "--format", "text"],
    )
    assert result.exit_code == 0, result.output
    assert "Conforms with warnings" in result.output
    assert "[Warning]" in result.output


@pytest.mark.parametrize(
    ("filename", "content", "stderr_says"),
    [
        ("broken.ttl", "<a> <b> .\n", "cannot parse"),
        ("data.csv", "a,b\n", "unknown RDF format"),
        ("missing.ttl", None, "no such file"),
    ],
)
def test_cli_exit_2_for_unreadable_input(
    tmp_path: Path, filename: str, content: str | None, stderr_says: str
) -> None:
    path = tmp_path / filename
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = bonekg("validate", str(path), "--format", "json")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert stderr_says in proc.stderr
    assert proc.stdout == ""


COUNTS_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:T ;
    sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ] ,
                [ sh:path ex:q ; sh:minCount 1 ; sh:maxCount 1 ] ,
                [ sh:path ex:q ; sh:maxCount 0 ; sh:deactivated false ] ,
                [ sh:path ex:r ; sh:minCount 1 ] .
"""


def test_compiled_min_and_max_counts_equal_pyshacl_for_every_count() -> None:
    """minCount 1 / > 1 and maxCount 0 / 1 / 3 in the grouped count query, against pySHACL."""
    import pyshacl
    from pyoxigraph import RdfFormat, Store

    from bonekg.shacl import compile_shapes, run_compiled

    lines = []
    for n in range(5):  # node n has n values of ex:p and of ex:q, and ex:r when n is even
        lines.append(f"<http://example.org/n{n}> a <http://example.org/T> .")
        for k in range(n):
            lines.append(f"<http://example.org/n{n}> <http://example.org/p> {k} .")
            lines.append(f'<http://example.org/n{n}> <http://example.org/q> "{k}" .')
        if n % 2 == 0:
            lines.append(f"<http://example.org/n{n}> <http://example.org/r> true .")
    data = "\n".join(lines) + "\n"
    shapes = rdflib.Graph().parse(data=COUNTS_SHAPES, format="turtle")
    _, report, _ = pyshacl.validate(
        rdflib.Graph().parse(data=data, format="turtle"), shacl_graph=shapes
    )
    results = [dict(report.predicate_objects(r)) for r in report.subjects(SH.focusNode, None)]
    expected = {
        (str(r[SH.focusNode]), str(r[SH.sourceConstraintComponent]).rsplit("#", 1)[-1],
         str(r[SH.resultPath]).rsplit("/", 1)[-1])
        for r in results
    }  # fmt: skip
    store = Store()
    store.load(data.encode(), format=RdfFormat.TURTLE)
    got = {
        (row["focus"], row["component"], (row["path"] or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1])
        for row in run_compiled(store, compile_shapes(shapes))
    }  # fmt: skip
    assert {c for _, c, _ in expected} == {
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
    }
    assert len(expected) > 8
    assert got == expected
