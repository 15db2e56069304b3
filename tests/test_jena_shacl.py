"""An independent SHACL engine, Apache Jena, agrees with pySHACL on every shape fixture.

Jena (Debian: `apt-get install libapache-jena-java default-jre-headless`) runs
tests/resources/jena/ValidateShacl.java in one JVM over all fixtures. Jena has no separate
ontology graph, so each data file is validated together with the ontology it would get in
bonekg (the TBox; for the real-import and real-build tests also ontology/imports/*.ttl).
Without Java or the Jena jars these tests skip with the install line, except under CI=...,
where they fail. JENA_JAR_DIR (default /usr/share/java) or a full JENA_CLASSPATH point the tests
at another Jena installation. No javac is needed: Java 11+ runs the .java file directly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import rdflib

from bonekg import paths
from bonekg.validate import read_rdf, run_shacl, shapes_graph

from .conftest import REPO, need
from .test_shapes import SHACL_CASES, SHAPES_FIXTURES, VALID, Row, fmt, report_rows
from .test_shapes import isolated_ontology as isolated_ontology  # the pytest fixture

pytestmark = pytest.mark.java

JAVA_SOURCE = REPO / "tests" / "resources" / "jena" / "ValidateShacl.java"
JARS = Path(os.environ.get("JENA_JAR_DIR", "/usr/share/java"))
INSTALL = (
    "install Apache Jena and Java: apt-get install -y libapache-jena-java default-jre-headless"
)
# Jena's SHACL validator and what it loads at start-up, as Debian's libapache-jena-java ships them
NEEDED = [
    "jena-shacl", "jena-arq", "jena-core", "jena-base", "jena-iri", "slf4j-api", "commons-lang3",
    "commons-io", "commons-codec", "commons-compress", "commons-csv", "dexx.collection", "guava",
    "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java", "httpclient",
    "httpcore", "gson", "titanium-json-ld", "jakarta.json-api", "thrift", "protobuf",
]  # fmt: skip
OPTIONAL = ["slf4j-nop"]  # silences slf4j's "no binding" notice

Jena = Callable[[Path, list[Path]], dict[str, tuple[bool, set[Row]]]]


def _classpath(workdir: Path) -> str:
    if os.environ.get("JENA_CLASSPATH"):
        return os.environ["JENA_CLASSPATH"]
    missing = [name for name in NEEDED if not (JARS / f"{name}.jar").is_file()]
    need(not missing, f"Jena jars missing from {JARS} ({', '.join(missing)}): {INSTALL}")
    jars = [JARS / f"{n}.jar" for n in NEEDED + OPTIONAL if (JARS / f"{n}.jar").is_file()]
    return os.pathsep.join([*map(str, jars), str(_relocated_xerces_messages(workdir))])


def _relocated_xerces_messages(workdir: Path) -> Path:
    """Debian's jena-core moves Jena's shaded Xerces classes to package ``xerces`` but leaves
    their message bundles under org/apache/jena/ext/xerces, so XSD datatypes fail to load
    ("internal error"); copying the bundles to where the classes look for them mends it."""
    out = workdir / "xerces-messages"
    prefix = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(prefix) and name.endswith(".properties"):
                target = out / "xerces" / name[len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return out


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Jena:
    """Run ValidateShacl over files: path -> (conforms, results)."""
    need(shutil.which("java") is not None, f"no `java` on PATH: {INSTALL}")
    workdir = tmp_path_factory.mktemp("jena")
    classpath = _classpath(workdir)
    shapes = workdir / "shapes.ttl"
    shapes_graph().serialize(shapes, format="turtle")

    def run(ontology: Path, files: list[Path]) -> dict[str, tuple[bool, set[Row]]]:
        proc = subprocess.run(
            ["java", "-cp", classpath, str(JAVA_SOURCE), str(shapes), str(ontology)]
            + [str(f) for f in files],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, f"Jena failed:\n{proc.stderr[-3000:]}"
        out: dict[str, tuple[bool, set[Row]]] = {}
        current = ""
        for line in proc.stdout.splitlines():
            kind, *fields = line.split("\t")
            if kind == "FILE":
                current = fields[0]
                out[current] = (fields[1] == "true", set())
            elif kind == "RESULT":
                focus, shape, path, component, severity = fields
                out[current][1].add(
                    (
                        focus,
                        shape,
                        None if path == "-" else path,
                        component.removesuffix("ConstraintComponent"),
                        severity,
                    )
                )
        assert set(out) == {str(f) for f in files}, proc.stdout[-2000:]
        return out

    return run


def ontology_file(directory: Path, with_imports: bool) -> Path:
    """The TBox (and import modules) as one N-Triples file for Jena."""
    g = rdflib.Graph()
    g.parse(paths.tbox_file(), format="turtle")
    if with_imports:
        for f in sorted(paths.imports_dir().glob("*.ttl")):
            g.parse(f, format="turtle")
    out = directory / ("tbox+imports.nt" if with_imports else "tbox.nt")
    g.serialize(out, format="nt", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def jena_on_fixtures(
    jena: Jena, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[bool, set[Row]]]:
    files = [VALID] + [SHAPES_FIXTURES / f"{name}.ttl" for name in SHACL_CASES]
    results = jena(ontology_file(tmp_path_factory.mktemp("onto"), with_imports=False), files)
    return {Path(k).stem: v for k, v in results.items()}


def verdict(rows: set[Row]) -> bool:
    """bonekg's verdict: the data conforms unless a result has severity Violation."""
    return not any(row[4] == "Violation" for row in rows)


@pytest.mark.parametrize("name", ["valid", *SHACL_CASES])
def test_jena_reaches_pyshacls_verdict_with_the_same_results(
    name: str, jena_on_fixtures: dict[str, tuple[bool, set[Row]]], isolated_ontology: None
) -> None:
    jena_conforms, jena_rows = jena_on_fixtures[name]
    report = run_shacl(read_rdf(SHAPES_FIXTURES / f"{name}.ttl"))
    py_rows = report_rows(report)
    assert verdict(jena_rows) == report.conforms, f"{name}: Jena and pySHACL disagree"
    assert jena_conforms == (not py_rows), f"{name}: sh:conforms differs (any severity)"
    assert jena_rows == py_rows, f"{name}\nJena:\n{fmt(jena_rows)}\npySHACL:\n{fmt(py_rows)}"


def test_jena_agrees_on_the_valid_fixture_with_the_real_import_modules(
    jena: Jena, tmp_path: Path
) -> None:
    (jena_conforms, jena_rows) = jena(ontology_file(tmp_path, with_imports=True), [VALID])[
        str(VALID)
    ]
    report = run_shacl(read_rdf(VALID))
    assert jena_conforms and report.conforms
    assert jena_rows == report_rows(report) == set()


def test_jena_agrees_with_pyshacl_on_the_real_build(
    jena: Jena, real_build_dir: Path, tmp_path: Path
) -> None:
    """The release (bonekg.nt already holds TBox and imports) gets the same verdict and results."""
    nt = real_build_dir / "bonekg.nt"
    empty = tmp_path / "empty.nt"
    empty.write_text("", encoding="utf-8")
    _, jena_rows = jena(empty, [nt])[str(nt)]
    report = run_shacl(read_rdf(nt))
    py_rows = report_rows(report)
    assert report.conforms, "the release must conform to the shapes"
    assert verdict(jena_rows) == report.conforms
    assert jena_rows == py_rows, f"Jena:\n{fmt(jena_rows)}\npySHACL:\n{fmt(py_rows)}"


@pytest.fixture
def no_jena_jars(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.delenv("JENA_CLASSPATH", raising=False)
    monkeypatch.setattr(f"{__name__}.JARS", tmp_path)
    yield


def test_missing_jena_skips_with_the_install_line_but_fails_in_ci(
    no_jena_jars: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from . import conftest

    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y libapache-jena-java"):
        _classpath(tmp_path)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="prerequisite missing in CI"):
        _classpath(tmp_path)
