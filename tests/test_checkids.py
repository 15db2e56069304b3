"""check-ids: every external identifier of a build exists upstream, is live and carries its label.

Each fixture under ``tests/resources/checkids/`` is a small ``bonekg.nt`` with one kind of
problem; ``valid.nt`` has none and must pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bonekg.checkids import IdProblem, check_ids

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "resources" / "checkids"
SOURCES = FIXTURES / "sources"


@pytest.fixture(scope="module")
def refdata() -> Path:
    """``../shared/refdata`` next to the repository (CI puts it there); missing = failure."""
    d = (REPO.parent / "shared" / "refdata").resolve()
    assert d.is_dir(), f"reference data expected at {d} (see ../shared/refdata/README.md)"
    return d


def run(fixture: str, refdata: Path, tmp_path: Path) -> list[IdProblem]:
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(FIXTURES / fixture, build / "bonekg.nt")
    return check_ids(build, refdata, SOURCES)


def by_id(problems: list[IdProblem]) -> dict[str, list[IdProblem]]:
    out: dict[str, list[IdProblem]] = {}
    for p in problems:
        out.setdefault(p.identifier, []).append(p)
    return out


def test_check_ids_accepts_correct_identifiers_labels_links_and_dois(
    refdata: Path, tmp_path: Path
) -> None:
    assert run("valid.nt", refdata, tmp_path) == []


def test_check_ids_rejects_obsolete_terms_naming_their_users(refdata: Path, tmp_path: Path) -> None:
    found = by_id(run("obsolete.nt", refdata, tmp_path))
    assert set(found) == {"GO:0000005", "MONDO:0006516"}
    go = found["GO:0000005"][0]
    assert go.problem.startswith("is obsolete upstream")
    assert "consider GO:0042254" in go.problem
    assert go.used_by == ("claim:fix-010",)
    assert "(used by claim:fix-010)" in str(go)
    assert found["MONDO:0006516"][0].problem.startswith("is obsolete upstream (mondo_terms_")


def test_check_ids_rejects_labels_that_differ_from_upstream(refdata: Path, tmp_path: Path) -> None:
    found = by_id(run("mislabelled.nt", refdata, tmp_path))
    assert set(found) == {"GO:0001649", "hgnc:11926"}
    assert found["GO:0001649"][0].problem == (
        "label 'bone formation' in the build, but upstream label is 'osteoblast differentiation'"
    )
    assert found["hgnc:11926"][0].problem == (
        "label 'RANKL' in the build, but upstream approved symbol is 'TNFSF11'"
    )


def test_check_ids_rejects_identifiers_that_do_not_exist_upstream(
    refdata: Path, tmp_path: Path
) -> None:
    found = by_id(run("nonexistent.nt", refdata, tmp_path))
    assert set(found) == {"GO:9999999", "hgnc:99999999", "mirbase.mature:MIMAT9999999"}
    assert found["GO:9999999"][0].problem.startswith("does not exist in go_terms_")
    assert found["hgnc:99999999"][0].problem.startswith("does not exist in hgnc_entries_")
    assert found["mirbase.mature:MIMAT9999999"][0].problem == "does not exist in mature.fa"
    assert found["GO:9999999"][0].used_by == ("claim:fix-030",)


def test_check_ids_rejects_a_withdrawn_hgnc_symbol(refdata: Path, tmp_path: Path) -> None:
    (p,) = run("withdrawn.nt", refdata, tmp_path)
    assert p.identifier == "hgnc:6"
    assert p.problem.startswith("HGNC status is 'Symbol Withdrawn'")


def test_check_ids_rejects_a_merged_alt_id_and_names_the_primary(
    refdata: Path, tmp_path: Path
) -> None:
    (p,) = run("alt-id.nt", refdata, tmp_path)
    assert p.identifier == "GO:0019952"
    assert p.problem.startswith("is an alt_id merged into GO:0000003")


def test_check_ids_rejects_a_mirbase_entry_whose_name_is_not_the_concepts(
    refdata: Path, tmp_path: Path
) -> None:
    found = by_id(run("mirbase-mismatch.nt", refdata, tmp_path))
    wrong = found["mirbase.mature:MIMAT0004564"][0]
    assert wrong.problem.startswith(
        "is linked from mirna:miR-214-3p but its miRBase name is 'hsa-miR-214-5p'"
    )
    # and the entries the naming rule expects are reported as missing links
    missing = {"mirbase.mature:MIMAT0000271", "mirbase.mature:MIMAT0000661"}
    assert missing <= set(found)
    assert "does not link it" in found["mirbase.mature:MIMAT0000271"][0].problem


def test_check_ids_rejects_a_doi_the_citing_review_does_not_print(
    refdata: Path, tmp_path: Path
) -> None:
    (p,) = run("doi-not-printed.nt", refdata, tmp_path)
    assert p.identifier == "https://doi.org/10.1000/not.printed.1"
    assert p.problem.startswith("DOI 10.1000/not.printed.1 is not printed in review.txt")
    assert p.used_by == ("evidence:fix-070-1",)


def test_check_ids_rejects_an_hgnc_cross_reference_hgnc_does_not_give(
    refdata: Path, tmp_path: Path
) -> None:
    found = by_id(run("xref-mismatch.nt", refdata, tmp_path))
    assert "is linked to NCBIGene:468, which HGNC does not list for TNFSF11" in [
        p.problem for p in found["hgnc:11926"]
    ]
    # NCBIGene:468 itself exists (it is ATF4's), so it is not reported as unknown
    assert "NCBIGene:468" not in found


def test_check_ids_skips_doi_checks_without_sources(refdata: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(FIXTURES / "doi-not-printed.nt", build / "bonekg.nt")
    assert check_ids(build, refdata, None) == []


def test_real_build_identifiers_all_check_out(refdata: Path, tmp_path: Path) -> None:
    from bonekg.build import build
    from bonekg.reason import ReasonMode

    out = tmp_path / "build"
    build(REPO / "curation", out, ReasonMode.OFF, validate=False)
    problems = check_ids(out, refdata, (REPO.parent / "shared" / "sources").resolve())
    assert problems == [], "fix the curation (or refresh the imports):\n" + "\n".join(
        map(str, problems)
    )
