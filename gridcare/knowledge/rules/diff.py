"""The difference between two versions of an article, line by line (difflib), as rows a page
shows: each line kept, added or removed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """The lines of ``new`` against ``old``: removed lines before the lines added in their place."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffLine("same", line) for line in a[i1:i2]]
            continue
        rows += [DiffLine("removed", line) for line in a[i1:i2]]
        rows += [DiffLine("added", line) for line in b[j1:j2]]
    return rows


def changed(rows: list[DiffLine]) -> int:
    return sum(1 for r in rows if r.kind != "same")
