"""A result's snippet (SELF-1): the part of the text with the most of the query's words, HTML
escaped, each word (or a synonym of it) inside <mark>. The caller marks the result safe."""

from __future__ import annotations

import re
from html import escape

WIDTH = 80  # characters of text around the hits


def _pattern(forms: list[str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in forms), re.IGNORECASE)


def _best_start(text: str, spans: list[tuple[int, int]], width: int) -> int:
    """Where the window of ``width`` characters with the most distinct hits starts."""
    best, best_count = 0, -1
    for start, _end in spans[:40]:
        begin = max(0, start - width // 4)
        inside = {text[s:e].lower() for s, e in spans if begin <= s and e <= begin + width}
        if len(inside) > best_count:
            best, best_count = begin, len(inside)
    return best


def snippet(text: str, forms: list[str], *, width: int = WIDTH) -> str:
    """HTML: up to ``width`` characters of ``text`` around its hits of ``forms`` (the longest
    first), escaped, the hits in <mark>; the text's start when nothing is found."""
    flat = " ".join(text.split())
    pattern = _pattern(forms)
    spans = [m.span() for m in pattern.finditer(flat)] if pattern else []
    start = _best_start(flat, spans, width) if spans else 0
    window = flat[start : start + width]
    marked = mark(window, forms)
    return ("…" if start > 0 else "") + marked + ("…" if start + width < len(flat) else "")


def mark(text: str, forms: list[str]) -> str:
    """``text`` escaped with every hit of ``forms`` inside <mark>."""
    pattern = _pattern(forms)
    if pattern is None:
        return escape(text)
    out: list[str] = []
    at = 0
    for m in pattern.finditer(text):
        out.append(escape(text[at : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        at = m.end()
    out.append(escape(text[at:]))
    return "".join(out)
