"""`bonekg validate` on the real release and on broken copies of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLAIM = "https://w3id.org/bonekg/claim/liu2023-079"
EVIDENCE = "https://w3id.org/bonekg/evidence/liu2023-079-1"
BKG = "https://w3id.org/bonekg/vocab/"


def _validate(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bonekg.cli", "validate", str(path), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def release_lines(real_build_dir: Path) -> list[str]:
    return (real_build_dir / "bonekg.nt").read_text(encoding="utf-8").splitlines(keepends=True)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    out = tmp_path / "broken.nt"
    out.write_text("".join(lines), encoding="utf-8")
    return out


def test_the_real_release_conforms(real_build_dir: Path) -> None:
    r = _validate(real_build_dir / "bonekg.nt", "--format", "json")
    assert r.returncode == 0, r.stdout[-2000:]
    report = json.loads(r.stdout)
    assert report["conforms"] is True
    assert all(res["severity"] != "Violation" for res in report["results"])


def test_claim_without_subject_and_evidence_is_rejected_naming_the_claim(
    release_lines: list[str], tmp_path: Path
) -> None:
    drop = (f"<{CLAIM}> <{BKG}subject> ", f"<{CLAIM}> <{BKG}evidence> ")
    broken = _write(tmp_path, [x for x in release_lines if not x.startswith(drop)])
    r = _validate(broken, "--format", "json")
    assert r.returncode == 1
    results = json.loads(r.stdout)["results"]
    paths = {(res["claim"], res["path"]) for res in results if res["severity"] == "Violation"}
    assert ("liu2023-079", "bkg:subject") in paths
    assert ("liu2023-079", "bkg:evidence") in paths or ("liu2023-079", "^bkg:evidence") in paths
    text = _validate(broken).stdout
    assert "claim liu2023-079" in text and "curation/liu2023.yaml:" in text


def test_evidence_without_its_quote_is_rejected_naming_the_claim(
    release_lines: list[str], tmp_path: Path
) -> None:
    broken = _write(
        tmp_path,
        [x for x in release_lines if not x.startswith(f"<{EVIDENCE}> <{BKG}supportingText> ")],
    )
    r = _validate(broken, "--format", "json")
    assert r.returncode == 1
    results = json.loads(r.stdout)["results"]
    assert any(
        res["claim"] == "liu2023-079" and res["path"] == "bkg:supportingText" for res in results
    )


@pytest.mark.parametrize(
    ("good", "bad", "named"),
    [
        ("mature_acc=MIMAT0000271>", "mature_acc=MIMAT271>", "MIMAT271"),
        ("hgnc_id/786>", "hgnc_id/ATF4>", "hgnc:ATF4"),
    ],
)
def test_malformed_identifier_is_rejected_and_named(
    release_lines: list[str], tmp_path: Path, good: str, bad: str, named: str
) -> None:
    assert any(good in x for x in release_lines)
    broken = _write(tmp_path, [x.replace(good, bad) for x in release_lines])
    r = _validate(broken)
    assert r.returncode == 1
    assert named in r.stdout


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    r = _validate(bad)
    assert r.returncode == 2 and "cannot parse" in r.stderr
