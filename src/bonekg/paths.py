"""Find the data files (ontology, shapes, queries, curation) from a checkout or a wheel.

In a checkout the data lives at the repository root next to ``src/``; in an installed wheel
it is packaged under ``bonekg/_data``. ``BONEKG_HOME`` overrides both. Files derived from them
(the parsed ontology) are cached under ``BONEKG_CACHE_DIR`` (default
``$XDG_CACHE_HOME/bonekg``, i.e. ``~/.cache/bonekg``; set it empty to turn the cache off).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    env = os.environ.get("BONEKG_HOME")
    if env:
        return Path(env)
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology" / "bonekg.ttl").is_file() and (checkout / "pyproject.toml").is_file():
        return checkout
    return _PACKAGE / "_data"


def ontology_dir() -> Path:
    return data_root() / "ontology"


def imports_dir() -> Path:
    return ontology_dir() / "imports"


def shapes_dir() -> Path:
    return data_root() / "shapes"


def queries_dir() -> Path:
    return data_root() / "queries"


def checks_dir() -> Path:
    return queries_dir() / "checks"


def curation_dir() -> Path:
    return data_root() / "curation"


def prefixes_file() -> Path:
    return ontology_dir() / "prefixes.json"


def context_file() -> Path:
    return ontology_dir() / "context.jsonld"


def tbox_file() -> Path:
    return ontology_dir() / "bonekg.ttl"


def default_curation_dir() -> Path:
    """``curation/`` of the current directory if it exists, else the packaged curation."""
    local = Path("curation")
    if local.is_dir() and any(local.glob("*.yaml")):
        return local
    return curation_dir()


def cache_dir() -> Path | None:
    """Where derived files are cached, or None when ``BONEKG_CACHE_DIR`` is set empty."""
    env = os.environ.get("BONEKG_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bonekg"
