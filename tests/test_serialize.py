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
