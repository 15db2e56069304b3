"""The streaming release writers: pieces cut between subjects, and the same bytes as one
document written by Oxigraph's serialisers."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse, serialize

from bonekg.build import BuildResult
from bonekg.serialize import all_prefixes, subject_pieces, write_turtle_and_rdfxml


def _subject(line: bytes) -> bytes:
    return line[: line.index(b" ")]


@pytest.mark.parametrize("size", [1, 200, 4096, 1 << 20])
def test_pieces_are_the_file_cut_between_subjects(real_build: BuildResult, size: int) -> None:
    nt = real_build.out_dir / "bonekg.nt"
    pieces = list(subject_pieces(nt, size))
    assert b"".join(pieces) == nt.read_bytes()
    assert all(p.endswith(b"\n") for p in pieces)
    for before, after in itertools.pairwise(pieces):
        last = before.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        assert _subject(last) != _subject(after), "a subject was split between two pieces"
    if size < 4096:
        assert len(pieces) > 100  # the cut happens, also when one subject exceeds the size


@pytest.mark.parametrize("size", [300, 1 << 16, 1 << 24])
def test_turtle_and_rdfxml_are_byte_identical_to_one_document(
    real_build: BuildResult, tmp_path: Path, size: int
) -> None:
    nt = real_build.out_dir / "bonekg.nt"
    write_turtle_and_rdfxml(nt, tmp_path / "a.ttl", tmp_path / "a.owl", size)
    triples = list(parse(path=str(nt), format=RdfFormat.N_TRIPLES))
    pm = all_prefixes()
    whole_ttl = serialize(triples, format=RdfFormat.TURTLE, prefixes=pm)
    xml_pm = {p: ns for p, ns in pm.items() if "." not in p}
    whole_owl = serialize(triples, format=RdfFormat.RDF_XML, prefixes=xml_pm)
    assert (tmp_path / "a.ttl").read_bytes() == whole_ttl
    assert (tmp_path / "a.owl").read_bytes() == whole_owl


def test_an_empty_graph_gives_empty_turtle_and_an_empty_rdfxml_document(tmp_path: Path) -> None:
    nt = tmp_path / "empty.nt"
    nt.write_bytes(b"")
    write_turtle_and_rdfxml(nt, tmp_path / "e.ttl", tmp_path / "e.owl")
    assert (tmp_path / "e.ttl").read_bytes() == b""
    assert list(parse(path=str(tmp_path / "e.owl"), format=RdfFormat.RDF_XML)) == []


@pytest.mark.parametrize("part", [1, 5000, 1 << 16, 1 << 30])
def test_ranges_cover_the_file_and_cut_between_subjects(real_build: BuildResult, part: int) -> None:
    from bonekg.serialize import subject_ranges

    nt = real_build.out_dir / "bonekg.nt"
    data = nt.read_bytes()
    ranges = subject_ranges(nt, part)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    for start, _ in ranges[1:]:
        assert data[start - 1 : start] == b"\n"
        before = data[: start - 1].rsplit(b"\n", 1)[-1]
        assert _subject(before) != _subject(data[start:]), "a subject was split between ranges"
    if part < 1 << 16:
        assert len(ranges) > 10


@pytest.mark.parametrize("part", [3000, 1 << 18])
def test_writer_parts_assemble_to_the_bytes_of_one_pass(
    real_build: BuildResult, tmp_path: Path, part: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bonekg.serialize as ser

    nt = real_build.out_dir / "bonekg.nt"
    monkeypatch.setattr(ser, "PART_BYTES", part)
    (tmp_path / ".parts").mkdir()
    jobs = ser.plan_parts(nt, tmp_path / ".parts")
    assert len(jobs) > 2
    asm = ser.Assembler(
        tmp_path / "bonekg.ttl", tmp_path / "bonekg.owl", tmp_path / "bonekg.jsonld"
    )
    for job in jobs:
        asm.add(ser.write_part(*job))
    hashes = asm.close()
    (tmp_path / "one").mkdir()
    ser.write_turtle_and_rdfxml(nt, tmp_path / "one" / "a.ttl", tmp_path / "one" / "a.owl")
    ser.write_jsonld(nt, tmp_path / "one" / "a.jsonld")
    for name, one in (
        ("bonekg.ttl", "a.ttl"),
        ("bonekg.owl", "a.owl"),
        ("bonekg.jsonld", "a.jsonld"),
    ):
        assert (tmp_path / name).read_bytes() == (tmp_path / "one" / one).read_bytes(), name
        assert hashes[name] == ser.sha256_file(tmp_path / name)
    assert list((tmp_path / ".parts").iterdir()) == []


def test_jsonld_keeps_a_literal_with_a_unicode_line_separator(tmp_path: Path) -> None:
    import json

    from bonekg.serialize import write_jsonld

    nt = tmp_path / "x.nt"
    text = "a\u2028b\u0085c"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    nt.write_text(f'<https://w3id.org/bonekg/claim/x-001> {label} "{text}" .\n', encoding="utf-8")
    write_jsonld(nt, tmp_path / "x.jsonld")
    doc = json.loads((tmp_path / "x.jsonld").read_text(encoding="utf-8"))
    assert doc["@graph"] == [{"@id": "claim:x-001", "rdfs:label": [text]}]
