"""QC rules (queries/checks/*.rq): well-formed, silent on valid data, and each fires on its defect.

Fixtures are tests/resources/shapes/checks/<name>.ttl, each valid.ttl with one defect; the
``checks:`` table of tests/resources/shapes/expected.yaml gives, per fixture, the rules that
must return rows and the ``?focus`` of those rows. Every other rule must return none.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from bonekg.validate import CHECK_NS, Check, load_checks, load_store, run_checks

from .conftest import REPO
from .test_shapes import SHAPES_FIXTURES, TABLE, VALID, iri
from .test_shapes import isolated_ontology as isolated_ontology  # the pytest fixture

CHECK_FIXTURES = SHAPES_FIXTURES / "checks"
CHECKS = load_checks()
CHECK_CASES = sorted(TABLE["checks"])


def fired(path: Path) -> dict[str, set[str]]:
    """Rule name -> the ?focus of its rows, on the file plus the ontology."""
    out: dict[str, set[str]] = {}
    for r in run_checks(load_store(path), CHECKS):
        out.setdefault(r.shape.removeprefix(CHECK_NS), set()).add(r.focus)
    return out


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_check_has_a_header_and_is_a_select_with_focus_and_message(check: Check) -> None:
    assert check.title != check.name, f"{check.name}.rq: add a '# title:' header line"
    assert len(check.description) > 40, f"{check.name}.rq: add a '# description:' saying why"
    solutions = Store().query(check.query)  # parses and runs on an empty store
    variables = [v.value for v in solutions.variables]
    assert variables[0] == "focus", f"{check.name}.rq: the first projected variable must be ?focus"
    assert "message" in variables, f"{check.name}.rq: return a ?message for the curator"
    assert list(solutions) == []


def test_every_check_has_a_failing_fixture() -> None:
    covered = {rule for entry in TABLE["checks"].values() for rule in entry["expect"]}
    names = {c.name for c in CHECKS}
    assert covered <= names, f"expected.yaml names unknown rules: {covered - names}"
    assert names <= covered, f"rules without a failing fixture: {sorted(names - covered)}"


def test_valid_fixture_passes_every_check(isolated_ontology: None) -> None:
    assert fired(VALID) == {}


def test_valid_fixture_passes_every_check_with_the_real_import_modules() -> None:
    """The import modules (miRBase family expansions, orthologs …) trigger no rule either."""
    assert fired(VALID) == {}


@pytest.mark.parametrize("name", CHECK_CASES)
def test_check_fires_on_its_defect_with_the_expected_focus(
    name: str, isolated_ontology: None
) -> None:
    entry = TABLE["checks"][name]
    expected = {rule: {str(iri(f)) for f in focus} for rule, focus in entry["expect"].items()}
    assert fired(CHECK_FIXTURES / f"{name}.ttl") == expected, entry["defect"]


@pytest.mark.parametrize("name", CHECK_CASES)
def test_check_rows_carry_a_specific_message_and_map_to_the_claim(
    name: str, isolated_ontology: None
) -> None:
    rows = run_checks(load_store(CHECK_FIXTURES / f"{name}.ttl"), CHECKS)
    titles = {c.title for c in CHECKS}
    for r in rows:
        assert r.message not in titles, f"{r.shape}: bind ?message (what is wrong, how to fix)"
        assert r.severity == "Violation"
        if r.focus.startswith("https://w3id.org/bonekg/claim/"):
            assert r.claim == r.focus.rsplit("/", 1)[1]


def test_duplicate_claims_need_the_same_context() -> None:
    """A second claim that differs only in one context value (organism) is not a duplicate."""
    text = (CHECK_FIXTURES / "duplicate-claims.ttl").read_text(encoding="utf-8")
    different = text + (
        "claim:fixture2020-007 bkg:organism <http://purl.obolibrary.org/obo/NCBITaxon_10090> .\n"
    )
    store = Store()
    store.load(different.encode(), format=RdfFormat.TURTLE)
    rows = run_checks(store, [c for c in CHECKS if c.name == "duplicate-claims"])
    assert rows == []


def test_cli_reports_a_failing_check_with_exit_1_and_the_claim() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bonekg.cli", "validate",
         str(CHECK_FIXTURES / "duplicate-claims.ttl"), "--format", "json"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stdout + proc.stderr
    results = json.loads(proc.stdout)["results"]
    assert [(r["shape"], r["claim"], r["source"]) for r in results] == [
        (CHECK_NS + "duplicate-claims", "fixture2020-007", "check")
    ]
    assert re.search(r"repeats claim fixture2020-005", results[0]["message"])
