"""House rules that CI enforces: lint, format, types, README/CI agreement, current docs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from .conftest import REPO


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
