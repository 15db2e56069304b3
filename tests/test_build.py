"""`bonekg build`: every format, golden RDF, determinism, atomicity, HermiT, CLI contract."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from bonekg import __version__
from bonekg.build import BuildResult, build, load_ontology
from bonekg.errors import Inconsistent, InputError, NonConformance, UsageError
from bonekg.load import load_files
from bonekg.rdf import Labels, curation_quads
from bonekg.reason import ReasonMode, check_consistency, java_available

from .conftest import REPO, need

MINI = Path(__file__).parent / "resources" / "mini"
GOLDEN = MINI / "golden.nt"
BKG = rdflib.Namespace("https://w3id.org/bonekg/vocab/")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.fixture(scope="module")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("mini") / "build"
    return build(MINI, out, ReasonMode.OFF)


def _nt_graph(path: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(path, format="nt")
    return g


def test_mini_curation_rdf_matches_golden_graph() -> None:
    """Compared as graphs (isomorphism); BONEKG_REGENERATE_GOLDEN=1 rewrites the golden file."""
    cur = load_files([MINI / "mini.yaml"])
    labels = Labels(load_ontology().labels)
    lines = sorted({f"{spo} .\n" for _, spo in curation_quads(cur, labels)})
    got = rdflib.Graph()
    got.parse(data="".join(lines), format="nt")
    if os.environ.get("BONEKG_REGENERATE_GOLDEN"):
        GOLDEN.write_text("".join(lines), encoding="utf-8")
    expected = _nt_graph(GOLDEN)
    if not isomorphic(got, expected):
        diff_a = set(to_isomorphic(got)) - set(to_isomorphic(expected))
        diff_b = set(to_isomorphic(expected)) - set(to_isomorphic(got))
        pytest.fail(
            f"RDF differs from golden: extra {sorted(diff_a)[:5]} missing {sorted(diff_b)[:5]}"
        )


def test_build_writes_every_release_file(mini_build: BuildResult) -> None:
    names = {p.name for p in mini_build.out_dir.iterdir()}
    expected = {"bonekg.ttl", "bonekg.nt", "bonekg.jsonld", "bonekg.owl", "bonekg.trig",
                "void.ttl", "manifest.json", "mappings.sssom.tsv"}  # fmt: skip
    assert expected <= names


def test_ntriples_is_sorted_one_triple_per_line(mini_build: BuildResult) -> None:
    lines = (mini_build.out_dir / "bonekg.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert all(line.endswith(" .") for line in lines)
    assert len(lines) == mini_build.triples


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("bonekg.ttl", "turtle"), ("bonekg.owl", "xml"), ("bonekg.jsonld", "json-ld")],
)
def test_every_format_parses_back_to_the_ntriples(
    mini_build: BuildResult, name: str, fmt: str
) -> None:
    nt = _nt_graph(mini_build.out_dir / "bonekg.nt")
    g = rdflib.Graph()
    g.parse(mini_build.out_dir / name, format=fmt)
    assert len(g) == len(nt)
    assert isomorphic(g, nt)


def test_trig_has_one_named_graph_per_review_and_its_union_is_the_ntriples(
    mini_build: BuildResult,
) -> None:
    ds = rdflib.Dataset()
    ds.parse(mini_build.out_dir / "bonekg.trig", format="trig")
    names = {str(c.identifier) for c in ds.contexts() if len(c)}
    assert "https://w3id.org/bonekg/graph/mini2016" in names
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(union, _nt_graph(mini_build.out_dir / "bonekg.nt"))


def test_jsonld_round_trips_through_an_independent_processor(mini_build: BuildResult) -> None:
    """pyld (JSON-LD 1.1) expands the compacted file to exactly the N-Triples."""
    pyld = pytest.importorskip("pyld.jsonld")
    doc = json.loads((mini_build.out_dir / "bonekg.jsonld").read_text(encoding="utf-8"))
    nquads = pyld.to_rdf(doc, {"format": "application/n-quads"})
    g = rdflib.Graph()
    g.parse(data=nquads, format="nt")
    assert isomorphic(g, _nt_graph(mini_build.out_dir / "bonekg.nt"))


def test_jsonld_is_compacted_with_the_project_context(mini_build: BuildResult, repo: Path) -> None:
    doc = json.loads((mini_build.out_dir / "bonekg.jsonld").read_text(encoding="utf-8"))
    context = json.loads((repo / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == context["@context"]
    claim = next(n for n in doc["@graph"] if n["@id"] == "claim:mini2016-001")
    assert "bkg:Claim" in claim["@type"]
    assert claim["bkg:object"] == [{"@id": "hgnc:786"}]


def test_context_jsonld_is_derived_from_prefixes_json(repo: Path) -> None:
    from bonekg.serialize import context_text

    assert (repo / "ontology" / "context.jsonld").read_text(encoding="utf-8") == context_text(), (
        "ontology/context.jsonld is stale: run `bonekg prefixes --format jsonld > "
        "ontology/context.jsonld`"
    )


def test_void_triples_equal_the_ntriples_line_count(mini_build: BuildResult) -> None:
    g = rdflib.Graph()
    g.parse(mini_build.out_dir / "void.ttl", format="turtle")
    counts = list(g.objects(None, VOID.triples))
    lines = (mini_build.out_dir / "bonekg.nt").read_text(encoding="utf-8").count("\n")
    assert [int(c) for c in counts] == [lines]
    assert list(g.objects(None, VOID.dataDump))
    assert list(g.objects(None, VOID.exampleResource))
    assert (None, rdflib.URIRef("http://purl.org/dc/terms/license"), None) in g


def test_manifest_checksums_match_the_files(mini_build: BuildResult) -> None:
    manifest = json.loads((mini_build.out_dir / "manifest.json").read_text())
    assert manifest["version"] == __version__
    for name, info in manifest["files"].items():
        data = (mini_build.out_dir / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name


def test_every_claim_is_a_named_individual_with_the_public_vocabulary(
    mini_build: BuildResult,
) -> None:
    g = _nt_graph(mini_build.out_dir / "bonekg.nt")
    claims = set(g.subjects(rdflib.RDF.type, BKG.Claim))
    assert {str(c) for c in claims} == {
        "https://w3id.org/bonekg/claim/mini2016-001",
        "https://w3id.org/bonekg/claim/mini2016-002",
    }
    for c in claims:
        assert (c, rdflib.RDF.type, rdflib.OWL.NamedIndividual) in g
        evidence = list(g.objects(c, BKG.evidence))
        assert evidence
        for e in evidence:
            texts = list(g.objects(e, BKG.supportingText))
            assert len(texts) == 1 and texts[0].language == "zh"


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a = build(MINI, tmp_path / "a", ReasonMode.OFF).out_dir
    b = build(MINI, tmp_path / "b", ReasonMode.OFF).out_dir
    files = sorted(f for f in a.iterdir() if f.is_file())  # store/ is a database cache
    assert len(files) >= 8
    for f in files:
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name


def test_failed_build_leaves_the_previous_build_intact(tmp_path: Path) -> None:
    out = tmp_path / "build"
    build(MINI, out, ReasonMode.OFF)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    bad = tmp_path / "bad"
    bad.mkdir()
    text = (MINI / "mini.yaml").read_text(encoding="utf-8")
    # A curator's label that contradicts the import module: the build must stop (exit 1).
    (bad / "mini.yaml").write_text(text.replace("hgnc:786 ! ATF4", "hgnc:786 ! ATF5"))
    with pytest.raises(NonConformance, match="ATF5"):
        build(bad, out, ReasonMode.OFF)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build")]


def test_build_that_fails_while_writing_leaves_the_previous_build_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    build(MINI, out, ReasonMode.OFF)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    import bonekg.serialize

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(bonekg.serialize, "write_trig", boom)
    with pytest.raises(OSError, match="disk full"):
        build(MINI, out, ReasonMode.OFF)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_hermit_finds_the_mini_build_consistent(mini_build: BuildResult) -> None:
    need(java_available(), "HermiT needs Java: apt-get install default-jre-headless")
    res = check_consistency(mini_build.out_dir / "bonekg.owl", ReasonMode.REQUIRED)
    assert res.ran and res.consistent


def test_hermit_rejects_an_inconsistent_graph_naming_the_individual(
    mini_build: BuildResult, tmp_path: Path
) -> None:
    need(java_available(), "HermiT needs Java: apt-get install default-jre-headless")
    g = _nt_graph(mini_build.out_dir / "bonekg.nt")
    claim = rdflib.URIRef("https://w3id.org/bonekg/claim/mini2016-001")
    g.add((claim, rdflib.RDF.type, BKG.Evidence))  # Claim and Evidence are disjoint
    g.serialize(tmp_path / "bad.owl", format="xml")
    g.serialize(tmp_path / "bad.nt", format="nt")
    with pytest.raises(Inconsistent) as info:
        check_consistency(tmp_path / "bad.owl", ReasonMode.REQUIRED, tmp_path / "bad.nt")
    assert "claim/mini2016-001" in info.value.message


def test_hermit_out_of_heap_warns_in_auto_mode_and_fails_clearly_when_required(
    mini_build: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A graph too large for HermiT's heap (a million-claim set at the default 2000 MB)
    does not end a build with a Java stack trace: auto warns and goes on, required names
    the setting that gives HermiT more memory. An 8 MB heap runs out on the mini build."""
    need(java_available(), "HermiT needs Java: apt-get install default-jre-headless")
    owl = mini_build.out_dir / "bonekg.owl"
    monkeypatch.setenv("BONEKG_JAVA_MEMORY", "8")
    res = check_consistency(owl, ReasonMode.AUTO)
    assert not res.ran and res.consistent is None
    assert res.message.startswith("WARNING: HermiT ran out of memory")
    assert "BONEKG_JAVA_MEMORY" in res.message and "8 MB" in res.message
    with pytest.raises(UsageError, match=r"out of memory .*BONEKG_JAVA_MEMORY.*--reason off"):
        check_consistency(owl, ReasonMode.REQUIRED)
    monkeypatch.setenv("BONEKG_JAVA_MEMORY", "64")
    assert check_consistency(owl, ReasonMode.REQUIRED).consistent


def test_build_rejects_a_malformed_java_memory_setting_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = _bonekg("build", "--curation", str(MINI), "--out", str(out), cwd=tmp_path,
                env={"BONEKG_JAVA_MEMORY": "2G"})  # fmt: skip
    assert r.returncode == 2
    assert "$BONEKG_JAVA_MEMORY must be HermiT's Java heap in MB" in r.stderr and "'2G'" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    off = _bonekg("build", "--curation", str(MINI), "--out", str(out), "--reason", "off",
                  cwd=tmp_path, env={"BONEKG_JAVA_MEMORY": "2G"})  # fmt: skip
    assert off.returncode == 0, off.stderr


def test_real_build_is_consistent_and_conforms(real_build: BuildResult) -> None:
    """The shipped curation builds, validates (SHACL + QC rules) and, with Java, reasons."""
    assert real_build.claims > 0
    need(java_available(), "HermiT needs Java: apt-get install default-jre-headless")
    assert real_build.reasoning is not None and real_build.reasoning.consistent


def _bonekg(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bonekg.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_cli_version_and_exit_code_2_for_bad_input(tmp_path: Path) -> None:
    v = _bonekg("--version", cwd=tmp_path)
    assert v.returncode == 0 and __version__ in v.stdout
    bad = tmp_path / "cur"
    bad.mkdir()
    shutil.copy(REPO / "tests/resources/loader/unknown-prefix.yaml", bad / "x.yaml")
    r = _bonekg("build", "--curation", str(bad), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert r.returncode == 2
    assert "x.yaml:20 [bad2020-001]" in r.stderr
    assert "Traceback" not in r.stderr
    d = _bonekg("--debug", "build", "--curation", str(bad), "--out", str(tmp_path / "o"),
                cwd=tmp_path)  # fmt: skip
    assert d.returncode != 0 and "Traceback" in d.stderr


def test_cli_exit_code_1_when_data_does_not_conform(tmp_path: Path) -> None:
    bad = tmp_path / "cur"
    bad.mkdir()
    text = (MINI / "mini.yaml").read_text(encoding="utf-8")
    (bad / "mini.yaml").write_text(text.replace("hgnc:786 ! ATF4", "hgnc:786 ! ATF5"))
    r = _bonekg("build", "--curation", str(bad), "--out", str(tmp_path / "o"),
                "--reason", "off", cwd=tmp_path)  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert "mini.yaml" in r.stderr and "mini2016-001" in r.stderr


def test_installed_wheel_builds_from_any_directory(tmp_path: Path) -> None:
    """Build the wheel, install it (no deps: they are in this env) and build elsewhere."""
    wheel_dir = tmp_path / "wheel"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheel_dir), str(REPO)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if r.returncode != 0:  # no hatchling in this env: allow build isolation
        r = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir),
             str(REPO)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert r.returncode == 0, r.stderr
    wheel = next(wheel_dir.glob("bonekg-*.whl"))
    target = tmp_path / "site"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(target)}
    r = subprocess.run(
        [sys.executable, "-c",
         "import bonekg.paths as p, sys; print(p.data_root()); from bonekg.cli import main; "
         "sys.argv=['bonekg','build','--out','out','--reason','off']; main()"],
        cwd=elsewhere, capture_output=True, text=True, env={**os.environ, **env}, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert str(target) in r.stdout.splitlines()[0]
    assert (elsewhere / "out" / "bonekg.nt").is_file()


def test_parallel_build_is_byte_identical_to_the_sequential_build(tmp_path: Path) -> None:
    """Large curation is loaded and turned into RDF by one process per file; same release."""
    seq = build(REPO / "curation", tmp_path / "seq", ReasonMode.OFF, workers=1).out_dir
    par = build(
        REPO / "curation", tmp_path / "par", ReasonMode.OFF, workers=2, parallel_min_bytes=0
    ).out_dir
    files = sorted(f.name for f in seq.iterdir() if f.is_file())
    assert files == sorted(f.name for f in par.iterdir() if f.is_file())
    for name in files:
        assert (seq / name).read_bytes() == (par / name).read_bytes(), name


def test_parallel_build_reports_errors_with_file_and_line(tmp_path: Path) -> None:
    cur = tmp_path / "cur"
    shutil.copytree(REPO / "curation", cur)
    text = (cur / "guo2018.yaml").read_text(encoding="utf-8")
    (cur / "guo2018.yaml").write_text(text.replace("hgnc:", "hgnk:", 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        build(cur, tmp_path / "out", ReasonMode.OFF, workers=2, parallel_min_bytes=0)
    assert "guo2018.yaml:" in str(info.value) and "unknown CURIE prefix 'hgnk'" in str(info.value)


def test_ontology_labels_equal_those_of_every_parsed_label_triple() -> None:
    """load_ontology reads labels from filtered N-Triples lines; a full parse agrees."""
    import pyoxigraph as ox

    from bonekg.build import ontology_files

    found: dict[str, set[str]] = {}
    for f in ontology_files():
        for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE):
            if t.predicate.value.endswith("rdf-schema#label") and isinstance(t.object, ox.Literal):
                found.setdefault(t.subject.value, set()).add(t.object.value)
    onto = load_ontology()
    assert onto.all_labels == found
    assert set(onto.labels) == set(found)
    assert all(onto.labels[iri] in found[iri] for iri in found)
    parsed = {
        t for f in ontology_files() for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
    }
    assert onto.nt.count("\n") == len(parsed)


def test_ontology_nt_is_sorted_by_code_point_without_duplicates() -> None:
    """The build merges it with sort(1)'s output (LC_ALL=C byte order) without sorting it."""
    lines = load_ontology().nt.split("\n")
    assert lines[-1] == "" and "" not in lines[:-1]
    body = lines[:-1]
    assert body == sorted(set(body), key=lambda line: line.encode("utf-8"))


def _module(folder: Path, label: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "m.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<http://example.org/a> rdfs:label "{label}"@en .\n',
        encoding="utf-8",
    )
    return folder


def test_second_ontology_load_is_read_from_the_cache_and_equals_a_fresh_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bonekg.build as build_module

    monkeypatch.setenv("BONEKG_CACHE_DIR", str(tmp_path / "cache"))
    imports = _module(tmp_path / "imports", "alpha")
    first = load_ontology(imports)
    assert len(list((tmp_path / "cache" / "ontology").iterdir())) == 1

    def no_parse(files: list[Path]) -> None:
        raise AssertionError("parsed although the cache holds these files")

    monkeypatch.setattr(build_module, "_parse_ontology", no_parse)
    cached = load_ontology(imports)
    monkeypatch.undo()
    monkeypatch.setenv("BONEKG_CACHE_DIR", "")  # off: parse
    fresh = load_ontology(imports)
    assert cached == first == fresh
    assert cached.labels["http://example.org/a"] == "alpha"


def test_changed_import_module_is_parsed_again_not_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BONEKG_CACHE_DIR", str(tmp_path / "cache"))
    imports = _module(tmp_path / "imports", "alpha")
    assert load_ontology(imports).labels["http://example.org/a"] == "alpha"
    _module(imports, "beta")
    assert load_ontology(imports).labels["http://example.org/a"] == "beta"
    assert len(list((tmp_path / "cache" / "ontology").iterdir())) == 2


@pytest.mark.parametrize("damaged", ["ontology.nt", "labels.pickle", "sha256.json"])
def test_damaged_cache_entry_is_parsed_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged: str
) -> None:
    from bonekg.build import cached_ontology, ontology_files

    monkeypatch.setenv("BONEKG_CACHE_DIR", str(tmp_path / "cache"))
    imports = _module(tmp_path / "imports", "alpha")
    load_ontology(imports)
    (entry,) = (tmp_path / "cache" / "ontology").iterdir()
    (entry / damaged).write_bytes(b"damaged")
    assert cached_ontology(ontology_files(imports)) is None
    assert load_ontology(imports).labels["http://example.org/a"] == "alpha"
    found = cached_ontology(ontology_files(imports))
    assert found is not None
    with found.labels.open("rb") as fh:
        assert pickle.load(fh)[0]["http://example.org/a"] == "alpha"


def test_parallel_build_with_a_warm_cache_equals_one_without_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers read the labels from the cache entry; the release is byte-identical."""
    monkeypatch.setenv("BONEKG_CACHE_DIR", str(tmp_path / "cache"))
    build(REPO / "curation", tmp_path / "cold", ReasonMode.OFF, workers=2, parallel_min_bytes=0)
    assert any((tmp_path / "cache" / "ontology").iterdir())
    build(REPO / "curation", tmp_path / "warm", ReasonMode.OFF, workers=2, parallel_min_bytes=0)
    monkeypatch.setenv("BONEKG_CACHE_DIR", "")
    build(REPO / "curation", tmp_path / "off", ReasonMode.OFF, workers=2, parallel_min_bytes=0)
    for name in ("bonekg.nt", "bonekg.ttl", "bonekg.jsonld", "mappings.sssom.tsv"):
        cold, warm, off = ((tmp_path / d / name).read_bytes() for d in ("cold", "warm", "off"))
        assert cold == warm == off, name


def test_unwritable_cache_does_not_fail_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would be", encoding="utf-8")
    monkeypatch.setenv("BONEKG_CACHE_DIR", str(blocker))
    imports = _module(tmp_path / "imports", "alpha")
    assert load_ontology(imports).labels["http://example.org/a"] == "alpha"


@pytest.mark.parametrize(
    "triple",
    ['_:b1 rdfs:label "x" .', "<http://example.org/a> rdfs:seeAlso _:b2 ."],
    ids=["subject", "object"],
)
def test_import_module_with_a_blank_node_is_refused_naming_the_file(
    tmp_path: Path, triple: str
) -> None:
    imports = tmp_path / "imports"
    imports.mkdir()
    (imports / "odd.ttl").write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<http://example.org/a> rdfs:label "a literal ending in _:x" .\n' + triple + "\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"odd\.ttl: blank node in _:|odd\.ttl: blank node in <"):
        load_ontology(imports)


def test_a_literal_that_looks_like_a_blank_node_is_not_refused(tmp_path: Path) -> None:
    imports = tmp_path / "imports"
    imports.mkdir()
    (imports / "odd.ttl").write_text(
        '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "see _:x" .\n'
        '<http://example.org/b> <http://www.w3.org/2000/01/rdf-schema#label> "_:y"@en .\n',
        encoding="utf-8",
    )
    assert load_ontology(imports).labels["http://example.org/b"] == "_:y"


def test_parallel_build_reports_a_broken_import_module_and_stops_its_workers(
    tmp_path: Path,
) -> None:
    """The workers start on the curation while the build reads the ontology; when that fails,
    the error is the ontology's (not a worker's) and no worker is left waiting."""
    imports = tmp_path / "imports"
    shutil.copytree(REPO / "ontology" / "imports", imports)
    (imports / "broken.ttl").write_text("<http://example.org/a> <http://example.org/b> .\n")
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"broken\.ttl: cannot parse ontology file"):
        build(
            REPO / "curation",
            tmp_path / "out",
            ReasonMode.OFF,
            imports_dir=imports,
            workers=2,
            parallel_min_bytes=0,
        )
    assert time.perf_counter() - t0 < 60
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
