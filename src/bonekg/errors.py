"""The error hierarchy. The CLI maps each class to a documented exit code.

Exit codes: 0 ok; 1 the data does not conform (SHACL, QC rules) or is inconsistent (HermiT);
2 usage or unreadable input (bad YAML, unknown key, unknown prefix, missing build).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem sits in a curation file (1-based line) and which claim it concerns."""

    file: str
    line: int | None = None
    claim: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where} [{self.claim}]" if self.claim else where


class BonekgError(Exception):
    """Base of every error bonekg reports without a traceback."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class UsageError(BonekgError):
    """A wrong option, a missing build directory, an unknown query name."""

    exit_code = 2


class InputError(BonekgError):
    """Unreadable or malformed input: YAML syntax, unknown keys, malformed identifiers."""

    exit_code = 2


class InputErrors(InputError):
    """Several input errors found in one pass (reported together)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        text = "\n".join(str(e) for e in errors)
        super().__init__(f"{len(errors)} input error(s):\n{text}")


class NonConformance(BonekgError):
    """The data does not conform to the SHACL shapes or fails a QC rule."""

    exit_code = 1


class Inconsistent(BonekgError):
    """HermiT found the graph inconsistent."""

    exit_code = 1


class ServerError(BonekgError):
    """A triple store refused, failed or could not be reached."""

    exit_code = 1
