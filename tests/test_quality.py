"""House rules that CI enforces: lint, format, types, README/CI agreement, current docs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.term import Node

from .conftest import REPO

BKG = Namespace("https://w3id.org/bonekg/vocab/")


def _tool(name: str) -> list[str]:
    beside = REPO / ".venv" / "bin" / name
    exe = shutil.which(name) or (str(beside) if beside.exists() else None)
    return [exe] if exe else [sys.executable, "-m", name]


def test_ruff_lint_and_format_are_clean() -> None:
    lint = subprocess.run(
        [*_tool("ruff"), "check", "src", "tests"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [*_tool("ruff"), "format", "--check", "src"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict_on_src_is_clean() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "src/bonekg"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.+?)\n```", readme, flags=re.S)
    test_cmd = next(b for b in blocks if "pytest" in b).strip()
    assert test_cmd in ci.splitlines()


def test_cli_reference_is_current() -> None:
    from bonekg.cli import cli_reference

    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `bonekg docs-cli > docs/cli.md`"
    )


def test_tbox_version_matches_the_package() -> None:
    from bonekg import __version__

    tbox = (REPO / "ontology" / "bonekg.ttl").read_text(encoding="utf-8")
    assert f'owl:versionInfo "{__version__}"' in tbox
    assert f"releases/{__version__}/vocab" in tbox


def _closure(graph: Graph, node: URIRef) -> set[tuple[Node, Node, Node]]:
    """The claim's triples with those of its evidence and carrier (the model.md example)."""
    bkg = "https://w3id.org/bonekg/"
    out: set[tuple[Node, Node, Node]] = set()
    todo, seen = [node], set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p, o in graph.predicate_objects(s):
            out.add((s, p, o))
            if isinstance(o, URIRef) and str(o).startswith((bkg + "evidence/", bkg + "exosome/")):
                todo.append(o)
    return out


def test_model_doc_example_claim_is_the_builds_own(real_build_dir: Path) -> None:
    doc = (REPO / "docs" / "model.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Example claim") :]
    example = Graph().parse(
        data=re.search(r"```turtle\n(.+?)\n```", section, flags=re.S).group(1),  # type: ignore[union-attr]
        format="turtle",
    )
    claim = next(s for s in example.subjects(RDF.type, BKG.Claim) if isinstance(s, URIRef))
    build = Graph().parse(real_build_dir / "bonekg.nt", format="nt")
    assert set(example) == _closure(build, claim), "docs/model.md's example claim is stale"


def test_readme_quick_start_output_is_what_the_query_prints(real_build_dir: Path) -> None:
    from click.testing import CliRunner

    from bonekg.cli import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(about.+?)\n```", readme, flags=re.S).group(1)  # type: ignore[union-attr]
    result = CliRunner().invoke(
        cli,
        [
            *("query", "run", "targets-of-mirna", "--param", "mirna=miR-214-3p"),
            *("--build", str(real_build_dir)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == shown.strip(), "README's quick-start output is stale"
