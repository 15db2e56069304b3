"""SSSOM export: parses and validates with sssom-py, says what the modules say, is deterministic."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest
from sssom.constants import SchemaValidationType
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from bonekg.imports import refresh
from bonekg.load import load_curation
from bonekg.mappings import COLUMNS, write_sssom

REPO = Path(__file__).resolve().parent.parent
FIXTURE_CURATION = REPO / "tests" / "resources" / "imports" / "curation"
VALIDATIONS = [
    SchemaValidationType.JsonSchema,
    SchemaValidationType.PrefixMapCompleteness,
    SchemaValidationType.StrictCurieFormat,
]


@pytest.fixture(scope="module")
def refdata() -> Path:
    """``../shared/refdata`` next to the repository (CI puts it there); missing = failure."""
    d = (REPO.parent / "shared" / "refdata").resolve()
    assert d.is_dir(), f"reference data expected at {d} (see ../shared/refdata/README.md)"
    return d


@pytest.fixture(scope="module")
def graph_nt(refdata: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The import modules of the fixture curation, as one N-Triples file (like bonekg.nt)."""
    d = tmp_path_factory.mktemp("mappings")
    refresh(refdata, load_curation(FIXTURE_CURATION), d / "imports", extra_curies=())
    triples = [
        t
        for f in sorted((d / "imports").glob("*.ttl"))
        for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
    ]
    out = d / "bonekg.nt"
    out.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return out


@pytest.fixture(scope="module")
def sssom_file(graph_nt: Path) -> tuple[Path, int]:
    out = graph_nt.with_name("mappings.sssom.tsv")
    n = write_sssom(graph_nt, out, "0.0.0-test")
    return out, n


def rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]


def test_sssom_file_parses_and_validates_with_sssom_py(sssom_file: tuple[Path, int]) -> None:
    path, n = sssom_file
    msdf = parse_sssom_table(str(path))
    assert len(msdf.df) == n > 0
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/bonekg/mappings/0.0.0-test"
    assert msdf.metadata["mapping_set_version"] == "0.0.0-test"
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert msdf.converter.expand("hgnc:11926") == (
        "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/11926"
    )
    reports = validate(msdf, VALIDATIONS, fail_on_error=False)
    problems = [r.message for report in reports.values() for r in report.results]
    assert problems == []


def test_the_validator_used_above_does_reject_a_bad_justification(
    sssom_file: tuple[Path, int], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path, _ = sssom_file
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(
        path.read_text(encoding="utf-8").replace("semapv:LexicalMatching", "semapv:Guessing"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.CRITICAL):
        reports = validate(parse_sssom_table(str(bad)), VALIDATIONS, fail_on_error=False)
    assert any(r.results for r in reports.values())


def test_mirna_concepts_narrow_match_their_mirbase_entries(sssom_file: tuple[Path, int]) -> None:
    found = {
        (r["object_id"], r["object_label"])
        for r in rows(sssom_file[0])
        if r["subject_id"] == "mirna:miR-214-3p"
    }
    assert found == {
        ("mirbase.mature:MIMAT0000271", "hsa-miR-214-3p"),
        ("mirbase.mature:MIMAT0000661", "mmu-miR-214-3p"),
        ("mirbase.mature:MIMAT0000885", "rno-miR-214-3p"),
    }
    for r in rows(sssom_file[0]):
        if r["subject_id"].startswith("mirna:"):
            assert r["predicate_id"] == "skos:narrowMatch"
            assert r["mapping_justification"] == "semapv:LexicalMatching"
    family = [r for r in rows(sssom_file[0]) if r["subject_id"] == "mirna:miR-29"]
    assert family and all(r["comment"].startswith("family expansion") for r in family)


def test_genes_exactly_match_ncbi_gene_and_ensembl_and_relate_to_orthologs(
    sssom_file: tuple[Path, int],
) -> None:
    tnfsf11 = {
        (r["predicate_id"], r["object_id"])
        for r in rows(sssom_file[0])
        if r["subject_id"] == "hgnc:11926"
    }
    assert tnfsf11 == {
        ("skos:exactMatch", "NCBIGene:8600"),
        ("skos:exactMatch", "ensembl:ENSG00000120659"),
        ("skos:relatedMatch", "MGI:1100089"),
        ("skos:relatedMatch", "rgd:620784"),
    }
    related = [r for r in rows(sssom_file[0]) if r["predicate_id"] == "skos:relatedMatch"]
    assert all(r["subject_id"].startswith("hgnc:") and "ortholog" in r["comment"] for r in related)
    # one row per ortholog pair, although the modules state the link in both directions
    assert len(related) == len({(r["subject_id"], r["object_id"]) for r in related})


def test_sssom_output_is_sorted_dateless_and_byte_identical(
    graph_nt: Path, sssom_file: tuple[Path, int], tmp_path: Path
) -> None:
    path, n = sssom_file
    again = tmp_path / "again.tsv"
    assert write_sssom(graph_nt, again, "0.0.0-test") == n
    assert again.read_bytes() == path.read_bytes()
    text = path.read_text(encoding="utf-8")
    assert "mapping_date" not in text
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert body[0].split("\t") == list(COLUMNS)
    assert body[1:] == sorted(body[1:])
