"""Write the defect fixtures of this folder: valid.ttl with the one edit expected.yaml names.

    python tests/resources/shapes/make_fixtures.py          # (re)write every fixture
    python tests/resources/shapes/make_fixtures.py --check  # exit 1 if a fixture is stale

SHACL fixtures go to this folder (<name>.ttl), QC-rule fixtures to checks/<name>.ttl.
tests/test_shapes.py runs the --check logic, so a fixture cannot drift from its table entry.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
VALID = HERE / "valid.ttl"
TABLE = HERE / "expected.yaml"


def load_table() -> dict[str, dict[str, dict[str, Any]]]:
    with TABLE.open(encoding="utf-8") as fh:
        table: dict[str, dict[str, dict[str, Any]]] = yaml.safe_load(fh)
    return table


def apply_edits(text: str, name: str, edits: list[dict[str, Any]]) -> str:
    """Apply the edit operations of one fixture to the text of valid.ttl."""
    added: list[str] = []
    for op in edits:
        if "delete" in op:
            line = op["delete"] + "\n"
            n = text.count(line)
            if n != 1:
                raise ValueError(
                    f"{name}: delete line occurs {n} times in valid.ttl: {op['delete']!r}"
                )
            text = text.replace(line, "")
        elif "replace" in op:
            old, new = op["replace"]
            n = text.count(old)
            if n != 1:
                raise ValueError(f"{name}: replace text occurs {n} times in valid.ttl: {old!r}")
            text = text.replace(old, new)
        elif "replace_all" in op:
            old, new = op["replace_all"]
            if text.count(old) < 2:
                raise ValueError(
                    f"{name}: replace_all text occurs < 2 times (use replace): {old!r}"
                )
            text = text.replace(old, new)
        elif "add" in op:
            added.append(op["add"].rstrip("\n") + "\n")
        else:
            raise ValueError(f"{name}: unknown edit {op!r}")
    if added:
        text += "\n#### The defect ####\n" + "".join(added)
    return text


def render(name: str, entry: dict[str, Any]) -> str:
    body = apply_edits(VALID.read_text(encoding="utf-8"), name, entry["edit"])
    # replace the header comment of valid.ttl by one naming the defect
    lines = body.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    header = (
        f"# {name}: {entry['defect']}.\n"
        "# Generated from valid.ttl by make_fixtures.py (edit expected.yaml, not this file).\n"
    )
    return header + "".join(lines)


def fixtures() -> dict[Path, str]:
    """Every fixture path and the text it must have."""
    table = load_table()
    out: dict[Path, str] = {}
    for name, entry in table["shacl"].items():
        out[HERE / f"{name}.ttl"] = render(name, entry)
    for name, entry in table["checks"].items():
        out[HERE / "checks" / f"{name}.ttl"] = render(name, entry)
    return out


def orphans(expected: dict[Path, str]) -> list[Path]:
    """Fixture files no table entry makes (left over from a renamed or deleted entry)."""
    present = [*HERE.glob("*.ttl"), *(HERE / "checks").glob("*.ttl")]
    return sorted(p for p in present if p != VALID and p not in expected)


def main(argv: list[str]) -> int:
    expected = fixtures()
    if "--check" in argv:
        stale = [
            p for p, text in expected.items() if not p.is_file() or p.read_text("utf-8") != text
        ]
        extra = orphans(expected)
        for p in stale:
            print(f"stale: {p.relative_to(HERE)}")
        for p in extra:
            print(f"not in expected.yaml: {p.relative_to(HERE)}")
        return 1 if stale or extra else 0
    (HERE / "checks").mkdir(exist_ok=True)
    for p in orphans(expected):
        p.unlink()
    for p, text in expected.items():
        p.write_text(text, encoding="utf-8")
    print(f"wrote {len(expected)} fixtures")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
