"""Check that every quote is an exact substring of its source file (whitespace aside)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .model import Curation


@dataclass(frozen=True)
class QuoteProblem:
    file: str
    line: int
    claim: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} [{self.claim}]: {self.message}"


def squash(text: str) -> str:
    """Remove all whitespace: matching ignores whitespace only."""
    return "".join(text.split())


def check_quotes(cur: Curation, sources: Path) -> list[QuoteProblem]:
    problems: list[QuoteProblem] = []
    texts: dict[str, str | None] = {}
    reviews = {r.id: r for r in cur.reviews}
    for c in cur.claims:
        review = reviews.get(c.review)
        if review is None:
            continue
        if review.source_file not in texts:
            path = sources / review.source_file
            texts[review.source_file] = (
                squash(path.read_text(encoding="utf-8")) if path.is_file() else None
            )
        text = texts[review.source_file]
        if text is None:
            problems.append(
                QuoteProblem(c.file, c.line, c.id, f"source file {review.source_file} not found")
            )
        else:
            for quote in c.quotes():
                if squash(quote) not in text:
                    problems.append(
                        QuoteProblem(
                            c.file,
                            c.line,
                            c.id,
                            f"quote is not a substring of {review.source_file}: {quote[:60]!r}…",
                        )
                    )
    return problems


def main(argv: list[str]) -> int:  # pragma: no cover - convenience entry point
    from .load import load_files

    *files, sources = argv
    cur = load_files([Path(f) for f in files])
    problems = check_quotes(cur, Path(sources))
    for p in problems:
        print(p)
    print(f"{len(cur.claims)} claims, {len(problems)} quote problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
