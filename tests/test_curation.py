"""The curation: quotes are verbatim, coverage is explained, hand-checked claims say what the
sources say."""

from __future__ import annotations

from pathlib import Path

import pytest

from bonekg.coverage import MIRNA_MENTION, coverage, markdown, unexplained
from bonekg.load import load_curation, load_files
from bonekg.model import Claim, Curation
from bonekg.quotes import check_quotes

from .conftest import REPO


@pytest.fixture(scope="module")
def cur() -> Curation:
    return load_curation(REPO / "curation")


def _claim(cur: Curation, cid: str) -> Claim:
    return next(c for c in cur.claims if c.id == cid)


def test_every_quote_is_an_exact_substring_of_its_source(cur: Curation, sources_dir: Path) -> None:
    problems = check_quotes(cur, sources_dir)
    assert not problems, "fix the quote in curation (copy it from the source):\n" + "\n".join(
        map(str, problems)
    )


def test_all_four_reviews_are_curated(cur: Curation) -> None:
    files = {r.source_file for r in cur.reviews}
    assert files == {
        "000_6eecad0b79b64930.txt",
        "001_5a841d58ea9d8e90.txt",
        "002_29dff1eeced0bcb5.txt",
        "004_bc46b0d17b87b5b2.txt",
    }
    per_review = {r.id: sum(1 for c in cur.claims if c.review == r.id) for r in cur.reviews}
    assert per_review["qian2025"] > 100 and per_review["liu2023"] > 150
    assert per_review["guo2018"] > 60 and per_review["lu2026"] >= 10


def test_every_mirna_sentence_yields_a_claim_or_a_recorded_reason(
    cur: Curation, sources_dir: Path
) -> None:
    gaps = unexplained(coverage(cur, sources_dir))
    assert not gaps, "add a claim or a `skipped:` entry with the reason for:\n" + "\n".join(
        f"{rid}: {text[:80]}" for rid, text in gaps
    )


def test_coverage_report_is_current(cur: Curation, sources_dir: Path) -> None:
    expected = markdown(coverage(cur, sources_dir))
    assert (REPO / "docs" / "coverage.md").read_text(encoding="utf-8") == expected, (
        "docs/coverage.md is stale: run `bonekg coverage --out docs/coverage.md`"
    )


def test_fast_and_located_yaml_parsers_read_the_curation_identically() -> None:
    files = sorted((REPO / "curation").glob("*.yaml"))
    fast, located = load_files(files, fast=True), load_files(files, fast=False)
    assert fast.claims == located.claims  # line numbers are not compared (compare=False)
    assert fast.references == located.references and fast.entities == located.entities


# Hand-checked claims, one block per review: subject, predicate, object and context exactly
# as the sentence states them.


def test_qian2025_mir31a5p_targets_satb2_and_runx2(cur: Curation) -> None:
    targets = {
        c.object.curie
        for c in cur.claims
        if c.review == "qian2025"
        and c.subject is not None
        and c.subject.curie == "mirna:miR-31a-5p"
        and c.predicate.curie == "RO:0002630"
    }
    assert {"hgnc:21637", "hgnc:10472"} <= targets  # SATB2, RUNX2


def test_qian2025_low_mir32_3p_raises_rankl(cur: Curation) -> None:
    (c,) = [
        c
        for c in cur.claims
        if c.subject is not None
        and c.subject.curie == "mirna:miR-32-3p"
        and c.object.curie == "hgnc:11926"  # TNFSF11 (RANKL)
    ]
    assert c.predicate.curie == "RO:0002212"
    assert "TNFSF11 (RANKL) 升高" in c.quote
    assert c.references == (15,)


def test_qian2025_hyperoside_upregulates_mir19a_5p(cur: Curation) -> None:
    (c,) = [
        c
        for c in cur.claims
        if c.subject is not None
        and c.subject.curie == "CHEBI:67486"
        and c.kind.value == "intervention"
    ]
    assert c.predicate.curie == "RO:0003003" and c.object.curie == "mirna:miR-19a-5p"


def test_liu2023_garbled_mir3a3p_is_recorded_as_printed_with_a_note(cur: Curation) -> None:
    c = _claim(cur, "liu2023-001")
    assert c.object.curie == "mirna:miR-3a-3p" and c.note and "miR-27a-3p" in c.note
    assert c.carrier is not None and c.carrier.donor is not None
    assert c.carrier.donor.curie == "CL:0000056"  # myoblast


def test_liu2023_osteoclast_exosomes_transfer_mir214_3p_to_osteoblasts(cur: Curation) -> None:
    transfers = [
        c
        for c in cur.claims
        if c.review == "liu2023"
        and c.kind.value == "transfer"
        and c.object.curie == "mirna:miR-214-3p"
    ]
    assert transfers
    c = transfers[0]
    assert c.carrier is not None and c.carrier.donor is not None and c.carrier.recipient is not None
    assert (c.carrier.donor.curie, c.carrier.recipient.curie) == ("CL:0000092", "CL:0000062")
    assert c.references == (31,)


def test_liu2023_sarcopenia_uses_the_live_efo_term(cur: Curation) -> None:
    diseases = {d.curie for c in cur.claims if c.review == "liu2023" for d in c.disease}
    assert "EFO:1000653" in diseases
    assert "MONDO:0006516" not in diseases  # obsolete sarcopenia


def test_guo2018_myostatin_represses_mir218(cur: Curation) -> None:
    (c,) = [c for c in cur.claims if c.review == "guo2018" and c.kind.value == "intervention"]
    assert c.subject is not None and c.subject.label == "MSTN"
    assert c.object.curie == "mirna:miR-218" and c.predicate.curie == "RO:0003002"


def test_lu2026_muscle_exosome_mirnas_regulate_osteogenic_differentiation(cur: Curation) -> None:
    subjects = {
        c.subject.curie
        for c in cur.claims
        if c.review == "lu2026" and c.subject is not None and c.object.curie == "GO:0001649"
    }
    assert {
        f"mirna:{m}" for m in ("miR-1", "miR-133a", "miR-133b", "miR-206", "miR-27")
    } <= subjects


def test_mirna_mentions_are_found_right_after_chinese_characters() -> None:
    # A Chinese character is a regex word character: `\b` would miss every one of these.
    for text in (
        "同时可以抑制miR-218的表达",
        "高表达的miR-214-3p与骨形成",
        "靶向let-7b",
        "上调microRNA-21",
    ):
        assert MIRNA_MENTION.search(text), text
    for text in ("Kmir-21", "admiR-5", "RANKL的表达", "TGF- $\\beta$ 1"):
        assert not MIRNA_MENTION.search(text), text
