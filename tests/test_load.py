"""The loader rejects bad curation input with messages that cite file:line and the claim id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bonekg.errors import InputError, InputErrors
from bonekg.load import load_files
from bonekg.model import ClaimKind

LOADER = Path(__file__).parent / "resources" / "loader"
MINI = Path(__file__).parent / "resources" / "mini"

# fixture -> (line, claim id or None, fragment of the message)
EXPECTED: dict[str, tuple[int, str | None, str]] = {
    "unknown-key.yaml": (21, "bad2020-001", "unknown key 'colour' in claim"),
    "duplicate-id.yaml": (21, "bad2020-001", "duplicate claim id"),
    "unknown-prefix.yaml": (20, "bad2020-001", "unknown CURIE prefix 'GOO'"),
    "malformed-id.yaml": (20, "bad2020-001", "malformed identifier 'hgnc:SATB2'"),
    "malformed-mgi.yaml": (21, "bad2020-001", "malformed identifier 'MGI:Atf4'"),
    "duplicate-key.yaml": (21, None, "duplicate key 'references'"),
    "unknown-reference.yaml": (17, "bad2020-001", "reference [9] is not in this file's"),
    "yaml-syntax.yaml": (15, None, "YAML syntax error"),
    "undeclared-entity.yaml": (21, "bad2020-001", "cellline:XYZ is not declared"),
    "unknown-kind.yaml": (14, "bad2020-001", "kind must be one of"),
    # what would break an IRI or a language tag in the N-Triples is refused at the source
    "doi-not-an-iri.yaml": (9, None, "malformed DOI '10.1002/(SICI)1097-4636<199706>'"),
    "url-not-an-iri.yaml": (9, None, "url must be an http(s) URL"),
    "author-language.yaml": (4, None, "authors: 'en us' is not a language tag"),
}


def _errors(exc: InputError) -> list[InputError]:
    return exc.errors if isinstance(exc, InputErrors) else [exc]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_rejects_bad_input_naming_file_line_and_claim(name: str) -> None:
    line, claim, fragment = EXPECTED[name]
    with pytest.raises(InputError) as info:
        load_files([LOADER / name])
    errors = _errors(info.value)
    assert len(errors) == 1, [str(e) for e in errors]
    e = errors[0]
    assert e.location is not None
    assert e.location.file.endswith(name)
    assert e.location.line == line
    assert e.location.claim == claim
    assert fragment in e.message
    text = str(e)
    assert f"{name}:{line}" in text
    if claim:
        assert f"[{claim}]" in text


def test_every_loader_fixture_has_an_expectation() -> None:
    assert sorted(p.name for p in LOADER.glob("*.yaml")) == sorted(EXPECTED)


def test_loader_reports_all_errors_of_a_file_at_once(tmp_path: Path) -> None:
    text = (LOADER / "unknown-prefix.yaml").read_text() + "    colour: red\n"
    bad = tmp_path / "two.yaml"
    bad.write_text(text)
    with pytest.raises(InputErrors) as info:
        load_files([bad])
    assert len(info.value.errors) == 2


def test_mini_curation_loads_into_typed_records() -> None:
    cur = load_files([MINI / "mini.yaml"])
    assert [c.id for c in cur.claims] == ["mini2016-001", "mini2016-002"]
    first, second = cur.claims
    assert first.kind is ClaimKind.REGULATION
    assert first.subject is not None and first.subject.curie == "mirna:miR-214-3p"
    assert first.object.curie == "hgnc:786" and first.object.label == "ATF4"
    assert first.evidence_code.curie == "ECO:0000304"
    assert second.subject is None  # the carrier exosome
    assert second.carrier is not None and second.carrier.donor is not None
    assert second.carrier.donor.curie == "CL:0000092"
    assert second.references == (12, 13)
    assert second.hedged is True
    assert cur.reviews[0].doi == "10.12677/acm.2025.1592585"


def test_hgnc_prefix_spelling_is_normalised(tmp_path: Path) -> None:
    text = (MINI / "mini.yaml").read_text().replace("hgnc:786", "HGNC:786")
    f = tmp_path / "m.yaml"
    f.write_text(text)
    cur = load_files([f])
    assert cur.claims[0].object.curie == "hgnc:786"


def test_the_generator_refuses_to_write_a_value_that_is_not_an_iri() -> None:
    from bonekg.rdf import IriError, NamedNode

    assert NamedNode("https://doi.org/10.1/x") == "<https://doi.org/10.1/x>"
    for bad in ("https://a b", 'https://x"y', "https://x>y", "https://x\\y", "no-scheme"):
        with pytest.raises(IriError, match="not an absolute IRI"):
            NamedNode(bad)


def test_the_generator_refuses_an_iri_oxigraph_would_refuse() -> None:
    """The release files are parsed leniently, so the generator makes Oxigraph's IRI check."""
    from bonekg.rdf import IriError, NamedNode

    for bad in ("https://doi.org/10.1000/abc%zz", "1http://x/y", "https://x/y#a#b"):
        with pytest.raises(IriError, match="not a valid IRI"):
            NamedNode(bad)


@pytest.mark.parametrize("tag", ["en-abcdefghij", "x", "zh--Hans"])
def test_the_generator_refuses_a_language_tag_that_is_not_bcp47(tag: str) -> None:
    from bonekg.rdf import IriError, nt_literal

    assert nt_literal("骨", "zh-Hans") == '"骨"@zh-Hans'
    with pytest.raises(IriError, match="not a valid language tag"):
        nt_literal("text", tag)


def test_a_doi_that_is_no_valid_iri_fails_the_build_with_exit_2(tmp_path: Path) -> None:
    """The curated DOI passes the loader's pattern but is no IRI (bad percent-encoding)."""
    import subprocess
    import sys

    cur = tmp_path / "cur"
    cur.mkdir()
    text = (MINI / "mini.yaml").read_text(encoding="utf-8")
    doi = re.search(r"^\s*doi:\s*(\S+)", text, re.M)
    assert doi is not None
    (cur / "mini.yaml").write_text(
        text.replace(doi.group(1), doi.group(1) + "%zz", 1), encoding="utf-8"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bonekg.cli", "build", "--curation", str(cur),
         "--out", str(tmp_path / "out"), "--reason", "off"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "%zz" in proc.stderr and "not a valid IRI" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
