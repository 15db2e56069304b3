"""Shared fixtures: repository paths, the shared folder, and one real build per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bonekg.build import BuildResult, build
from bonekg.reason import ReasonMode

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition: bool, how_to_install: str) -> None:
    """Skip a test whose prerequisite is missing, but fail in CI where it must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"prerequisite missing in CI: {how_to_install}")
    pytest.skip(how_to_install)


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Builds in the tests (and the CLIs they start) cache under a temporary directory, not
    in the user's ~/.cache."""
    os.environ["BONEKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("bonekg-cache"))


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    d = SHARED / "sources"
    need(d.is_dir(), f"the source reviews are expected at {d}")
    return d


@pytest.fixture(scope="session")
def refdata_dir() -> Path:
    d = SHARED / "refdata"
    need(d.is_dir(), f"the reference data is expected at {d}")
    return d


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The release built from curation/ once per session (HermiT runs when Java is present)."""
    out = tmp_path_factory.mktemp("real") / "build"
    return build(REPO / "curation", out, ReasonMode.AUTO)


@pytest.fixture(scope="session")
def real_build_dir(real_build: BuildResult) -> Path:
    return real_build.out_dir
