"""Chunked validation (how `bonekg build` validates) gives the whole-graph report.

The build validates the claims review by review (a chunk holds some reviews' graphs, the
shared default graph and every review's context) and combines the reports. These tests split
the real curation into one chunk per review, add defects of every kind the combination has to
get right, and compare with validating the whole graph in one store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from bonekg import paths
from bonekg.build import (
    CLAIM_SUBJECTS,
    Graphs,
    Summary,
    _chunks,
    _write_graph_files,
    load_ontology,
)
from bonekg.load import curation_files, load_files
from bonekg.rdf import Labels, curation_quads
from bonekg.validate import (
    CHECK_NS,
    Report,
    Result,
    combine_chunks,
    load_checks,
    validate_chunk,
    validate_graph,
)

BKG = "https://w3id.org/bonekg/vocab/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graphs, Summary]:
    cur = load_files(curation_files(paths.curation_dir()))
    onto = load_ontology()
    folder = tmp_path_factory.mktemp("chunks") / ".graphs"
    quads = curation_quads(cur, Labels(onto.labels))
    return _write_graph_files(folder, onto.nt, quads), Summary.of(cur)


def whole(graphs: Graphs) -> Report:
    store = Store()
    for _, f in graphs.files:
        store.bulk_load(path=str(f), format=RdfFormat.N_TRIPLES)
    return validate_graph(store)


def chunked(graphs: Graphs, summary: Summary) -> tuple[Report, int]:
    chunks = _chunks(graphs, summary, limit=1)  # one review per chunk
    return combine_chunks([validate_chunk(c, i == 0) for i, c in enumerate(chunks)]), len(chunks)


def rows(report: Report) -> set[tuple[str, str, str | None, str | None, str, str]]:
    return {(r.focus, r.shape, r.path, r.value, r.severity, r.source) for r in report.results}


def append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(line + " .\n" for line in lines)


def first_claim(path: Path) -> str:
    with path.open(encoding="utf-8") as fh:
        return next(line.split(" ", 1)[0] for line in fh if line.startswith(CLAIM_SUBJECTS[0]))


def test_the_release_conforms_in_chunks_as_a_whole(curated: tuple[Graphs, Summary]) -> None:
    graphs, summary = curated
    report, n = chunked(graphs, summary)
    assert n == len(summary.reviews) > 1
    assert rows(report) == rows(whole(graphs))
    assert report.conforms


def test_chunks_report_every_defect_of_the_whole_graph_once(
    curated: tuple[Graphs, Summary], tmp_path: Path
) -> None:
    import shutil

    src, summary = curated
    folder = tmp_path / "graphs"
    shutil.copytree(src.files[0][1].parent, folder)
    graphs = Graphs([(g, folder / f.name) for g, f in src.files], folder / src.context.name)
    default, second, third = graphs.files[0][1], graphs.files[2][1], graphs.files[3][1]
    # a claim-level SHACL violation in a later chunk: a second curation id
    claim = first_claim(third)
    append(third, f'{claim} <{BKG}curationId> "zz9999-001"')
    # an entity no claim uses (every-chunk rule) next to entities used by one review only
    unused = "<https://w3id.org/bonekg/cellline/NOT-USED>"
    append(
        default,
        f"{unused} {RDF_TYPE} <{BKG}CellLine>",
        f"{unused} {RDF_TYPE} <http://www.w3.org/2002/07/owl#NamedIndividual>",
        f'{unused} {LABEL} "NOT-USED"',
    )
    # an entity-scope rule: one DOI in two spellings, the second in another review's context
    ref = "<https://doi.org/10.5555/BONEKG.CHUNK.TEST>"
    lower = "<https://doi.org/10.5555/bonekg.chunk.test>"
    for r in (ref, lower):
        lines = (
            f"{r} {RDF_TYPE} <{BKG}Reference>",
            f"{r} {RDF_TYPE} <http://www.w3.org/2002/07/owl#NamedIndividual>",
            f'{r} {LABEL} "Doe (2020)"',
            f'{r} <{BKG}citation> "Doe (2020)"',
        )
        append(second if r == ref else third, *lines)
        append(graphs.context, *lines)

    expected = whole(graphs)
    report, _ = chunked(graphs, summary)
    assert rows(report) == rows(expected)
    found = {(r.shape, r.focus) for r in report.results}
    assert (CHECK_NS + "unused-entity", unused[1:-1]) in found
    assert (CHECK_NS + "doi-case-duplicate", lower[1:-1]) in found
    assert any(r.focus == claim[1:-1] and r.source == "shacl" for r in report.results)
    assert not report.conforms
    # reported once, although every chunk holds the shared entities
    assert len(report.results) == len(set(report.results))


def test_an_entity_used_by_one_review_only_is_not_unused() -> None:
    """every-chunk keeps a row only when all chunks return it."""
    a = Result(
        "https://w3id.org/bonekg/cellline/X", "unused", CHECK_NS + "unused-entity", source="check"
    )
    b = Result(
        "https://w3id.org/bonekg/cellline/Y", "unused", CHECK_NS + "unused-entity", source="check"
    )
    report = combine_chunks([([], [[a, b]]), ([], [[b]])])
    assert [r.focus for r in report.results] == [b.focus]


def test_check_headers_declare_scope_and_combination() -> None:
    checks = {c.name: c for c in load_checks()}
    assert checks["unused-entity"].combine == "every-chunk"
    assert checks["mirbase-taxon-mismatch"].scope == "entities"
    assert checks["duplicate-claims"].scope == "claims"


def test_an_unknown_scope_is_an_input_error(tmp_path: Path) -> None:
    from bonekg.errors import InputError

    (tmp_path / "x.rq").write_text(
        "# title: x\n# scope: everything\nSELECT ?focus ?message WHERE { }\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="scope"):
        load_checks(tmp_path)


def _graphs_of_sizes(folder: Path, sizes: list[int]) -> Graphs:
    files: list[tuple[str | None, Path]] = [(None, folder / "default.nt")]
    files[0][1].write_bytes(b"")
    for i, n in enumerate(sizes):
        path = folder / f"r{i}.nt"
        path.write_bytes(b"x" * n)
        files.append((f"https://w3id.org/bonekg/graph/r{i}", path))
    context = folder / "context.nt"
    context.write_bytes(b"")
    return Graphs(files, context)


def test_large_claim_sets_are_split_into_one_chunk_per_worker_or_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bonekg.build

    graphs = _graphs_of_sizes(tmp_path, [100] * 10)
    summary = Summary([], {}, [])

    def reviews(chunks: list[list[Path]]) -> list[int]:
        assert all(c[:2] == [graphs.files[0][1], graphs.context] for c in chunks)
        assert [p for c in chunks for p in c[2:]] == [p for _, p in graphs.files[1:]]
        return [len(c) - 2 for c in chunks]

    monkeypatch.setattr(bonekg.build, "SPLIT_BYTES", 2000)
    assert reviews(_chunks(graphs, summary, parts=2)) == [10]  # small: one chunk
    monkeypatch.setattr(bonekg.build, "SPLIT_BYTES", 0)
    assert reviews(_chunks(graphs, summary, parts=2)) == [5, 5]
    assert reviews(_chunks(graphs, summary, parts=3)) == [4, 4, 2]
    assert reviews(_chunks(graphs, summary, limit=250, parts=2)) == [2, 2, 2, 2, 2]


def _copy(src: Graphs, folder: Path) -> Graphs:
    import shutil

    shutil.copytree(src.files[0][1].parent, folder)
    return Graphs([(g, folder / f.name) for g, f in src.files], folder / src.context.name)


def test_later_chunks_leave_entity_shapes_to_the_first(curated: tuple[Graphs, Summary]) -> None:
    from pyoxigraph import RdfFormat, Store

    from bonekg.shacl import compile_shapes
    from bonekg.validate import _claim_constraints, shapes_graph

    graphs, summary = curated
    chunk = _chunks(graphs, summary, limit=1)[1]
    store = Store()
    for f in chunk:
        store.load(path=str(f), format=RdfFormat.N_TRIPLES)
    every = compile_shapes(shapes_graph())
    kept = _claim_constraints(store, every)
    left_out = {c.shape.rsplit("/", 1)[-1] for c in every} - {
        c.shape.rsplit("/", 1)[-1] for c in kept
    }
    assert {"Gene", "MiRBaseMatureEntry", "CellLine"} <= left_out
    assert {"Claim", "Evidence", "MiRNAAccessions"} <= {c.shape.rsplit("/", 1)[-1] for c in kept}


def test_an_entity_defect_is_found_once_by_the_chunk_of_the_entities(
    curated: tuple[Graphs, Summary], tmp_path: Path
) -> None:
    graphs = _copy(curated[0], tmp_path / "graphs")
    gene = "<https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/786>"
    append(graphs.files[0][1], f'{gene} {LABEL} "A SECOND LABEL"')  # Gene: one label at most
    report, n = chunked(graphs, curated[1])
    assert n > 1
    assert rows(report) == rows(whole(graphs))
    hits = [(r.shape, r.path) for r in report.results if r.focus == gene[1:-1]]
    assert hits == [("bonekg:shapes/Gene-label", "rdfs:label")]


def test_a_claim_typed_with_an_entity_class_gets_that_class_shapes_in_its_chunk(
    curated: tuple[Graphs, Summary], tmp_path: Path
) -> None:
    graphs = _copy(curated[0], tmp_path / "graphs")
    later = graphs.files[3][1]  # a review validated in a chunk of its own, not the first
    claim = first_claim(later)
    append(later, f"{claim} {RDF_TYPE} <{BKG}Gene>")
    report, _ = chunked(graphs, curated[1])
    assert rows(report) == rows(whole(graphs))
    shapes = {r.shape for r in report.results if r.focus == claim[1:-1]}
    assert any("Gene" in s for s in shapes), shapes


def test_a_shared_triple_pointing_at_a_claim_makes_every_chunk_run_every_shape(
    curated: tuple[Graphs, Summary], tmp_path: Path
) -> None:
    from bonekg.validate import _points_at_claims

    graphs = _copy(curated[0], tmp_path / "graphs")
    assert not _points_at_claims([graphs.files[0][1], graphs.context])
    claim = first_claim(graphs.files[3][1])
    line = f"<https://w3id.org/bonekg/cellline/X> <{BKG}modelsCellType> {claim}"
    append(graphs.files[0][1], line)
    assert _points_at_claims([graphs.files[0][1], graphs.context])
    report, _ = chunked(graphs, curated[1])
    assert rows(report) == rows(whole(graphs))
