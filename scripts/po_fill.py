"""Fill empty msgstr entries of a .po file from a JSON glossary (Chinese → English).

    python scripts/po_fill.py locale/en/LC_MESSAGES/django.po locale/en/glossary.json

The glossary is the single place translators edit; `make messages` re-extracts strings and
refills them, so new strings only need a glossary line. Prints the strings still untranslated.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def _unquote(s: str) -> str:
    return json.loads(s)


def fill(po_path: Path, glossary: dict[str, str]) -> list[str]:
    lines = po_path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    missing: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("msgid ") and i + 1 < len(lines):
            # msgid may continue over several quoted lines
            parts = [line[6:]]
            j = i + 1
            while j < len(lines) and lines[j].startswith('"'):
                parts.append(lines[j])
                j += 1
            msgid = "".join(_unquote(p) for p in parts)
            out.extend(lines[i:j])
            if j < len(lines) and lines[j].startswith("msgstr "):
                current = _unquote(lines[j][7:])
                k = j + 1
                while k < len(lines) and lines[k].startswith('"'):
                    current += _unquote(lines[k])
                    k += 1
                if msgid and msgid in glossary:
                    out.append("msgstr " + json.dumps(glossary[msgid], ensure_ascii=False))
                else:
                    out.extend(lines[j:k])
                    if msgid and not current:
                        missing.append(msgid)
                i = k
                continue
            i = j
            continue
        out.append(line)
        i += 1
    text = "\n".join(out) + "\n"
    # makemessages marks the header and its guesses fuzzy; the glossary is authoritative.
    text = re.sub(r"^#, fuzzy\n", "", text, flags=re.M).replace("#, fuzzy, ", "#, ")
    po_path.write_text(text, encoding="utf-8")
    return missing


if __name__ == "__main__":
    po, glossary_path = Path(sys.argv[1]), Path(sys.argv[2])
    missing = fill(po, json.loads(glossary_path.read_text(encoding="utf-8")))
    for m in missing:
        print("untranslated:", m)
    print(f"{len(missing)} untranslated")
