"""Fill a .po file's translations from a JSON glossary (Chinese → English).

    python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary.json

The glossary is the single place translators edit; `make messages` re-extracts strings and
refills them, so a new string only needs a glossary line. makemessages guesses translations for
new strings from similar old ones and marks them fuzzy; such guesses are wrong more often than
not (过号 came out as "Meter no."), so a fuzzy entry that the glossary does not cover is emptied,
never published. Prints the strings still untranslated. A plural entry's glossary value is the
pair [singular, plural] ("%(n)s 段": ["%(n)s holiday", "%(n)s holidays"]). A string with a context
(pgettext) is keyed "context::msgid" ("arrears::停电通知": "Cut-off notice"), else by its msgid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _unquote(s: str) -> str:
    return str(json.loads(s))


def _read_string(lines: list[str], start: int, keyword: str) -> tuple[str, int]:
    """The string of ``keyword "..."`` at ``start`` (continued on quoted lines) and the next index."""
    value = _unquote(lines[start][len(keyword) + 1 :])
    j = start + 1
    while j < len(lines) and lines[j].startswith('"'):
        value += _unquote(lines[j])
        j += 1
    return value, j


def _without_fuzzy(flags: str) -> str | None:
    kept = [f.strip() for f in flags[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
    return "#, " + ", ".join(kept) if kept else None


def _after_string(lines: list[str], start: int) -> int:
    """The index of the line after the string that starts at ``start``."""
    j = start + 1
    while j < len(lines) and lines[j].startswith('"'):
        j += 1
    return min(j, len(lines) - 1)


def _drop_fuzzy(out: list[str], flags_at: int | None) -> None:
    if flags_at is None or "fuzzy" not in out[flags_at]:
        return
    cleaned = _without_fuzzy(out[flags_at])
    if cleaned is None:
        del out[flags_at]
    else:
        out[flags_at] = cleaned


def _plural(lines: list[str], i: int, glossary: dict[str, Any], fuzzy: bool) -> tuple[list[str], int, str | None]:
    """The plural entry at ``i`` filled from the glossary: its lines, the next index, and its
    msgid when it stays untranslated."""
    msgid, j = _read_string(lines, i, "msgid")
    _, k = _read_string(lines, j, "msgid_plural")
    head = lines[i:k]
    forms: list[str] = []
    while k < len(lines) and lines[k].startswith("msgstr["):
        value, k = _read_string(lines, k, lines[k].split(" ", 1)[0])
        forms.append(value)
    known = glossary.get(msgid)
    if isinstance(known, list) and len(known) == 2:
        forms = [str(known[0]), str(known[1])]
    elif fuzzy:
        forms = ["" for _ in forms]  # an unconfirmed guess is not published
    body = [f"msgstr[{n}] " + json.dumps(v, ensure_ascii=False) for n, v in enumerate(forms)]
    return head + body, k, (None if forms and all(forms) else msgid)


def read_glossary(path: Path) -> dict[str, Any]:
    """The glossary at ``path`` and every ``*.json`` in ``glossary.d/`` beside it (one per new
    app, so that work on two apps never edits the same file). A msgid given twice with two
    different translations is an error."""
    merged: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for extra in sorted((path.parent / "glossary.d").glob("*.json")):
        for msgid, text in json.loads(extra.read_text(encoding="utf-8")).items():
            if msgid in merged and merged[msgid] != text:
                raise SystemExit(f"{extra.name}: {msgid!r} is already translated differently")
            merged[msgid] = text
    return merged


def fill(po_path: Path, glossary: dict[str, Any]) -> list[str]:
    lines = po_path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    missing: list[str] = []
    flags_at: int | None = None  # index in `out` of the current entry's "#, ..." line
    context = ""  # the current entry's msgctxt (pgettext): its glossary key is "context::msgid"
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("msgid "):
            if line.startswith("#,"):
                flags_at = len(out)
            elif line.startswith("msgctxt "):
                context = _unquote(line[len("msgctxt ") :])
            elif not line.strip():
                flags_at, context = None, ""
            out.append(line)
            i += 1
            continue
        keyed = {k[len(context) + 2 :]: v for k, v in glossary.items() if context and k.startswith(context + "::")}
        known = {**glossary, **keyed} if context else glossary
        if lines[_after_string(lines, i)].startswith("msgid_plural"):
            fuzzy = flags_at is not None and "fuzzy" in out[flags_at]
            entry, i, untranslated = _plural(lines, i, known, fuzzy)
            out.extend(entry)
            if untranslated:
                missing.append(untranslated)
            _drop_fuzzy(out, flags_at)
            flags_at = None
            continue
        msgid, j = _read_string(lines, i, "msgid")
        out.extend(lines[i:j])
        current, k = _read_string(lines, j, "msgstr")
        fuzzy = flags_at is not None and "fuzzy" in out[flags_at]
        if msgid and msgid in known:
            out.append("msgstr " + json.dumps(known[msgid], ensure_ascii=False))
        elif msgid and fuzzy:
            out.append('msgstr ""')  # an unconfirmed guess is not published
            missing.append(msgid)
        else:
            out.extend(lines[j:k])
            if msgid and not current:
                missing.append(msgid)
        if fuzzy:
            _drop_fuzzy(out, flags_at)
        flags_at, context = None, ""
        i = k
    po_path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    po, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    missing = fill(po, read_glossary(glossary_path))
    for m in missing:
        print("untranslated:", m)
    print(f"{len(missing)} untranslated")
