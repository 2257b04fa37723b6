"""Chinese words for the full-text index and the query (SELF-1): jieba's search-mode cut with a
dictionary of power-supply terms (``data/power_terms.txt``: 阶梯电价, 峰谷, 过户, 增容 …), every
synonym of a group (``data/synonyms.txt``: 电费单/账单, 停电/断电 …) indexed and asked as its
group's first word, stop words (``data/stopwords.txt``) and punctuation left out.

One tokenizer of its own (jieba.Tokenizer), so the domain dictionary changes nothing for the
work orders' triage, which uses jieba's default one."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba

DATA = Path(__file__).resolve().parent.parent / "data"
_LOCK = threading.Lock()
_WORD = re.compile(r"[\w]+", re.UNICODE)


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


@cache
def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The synonym groups, each as written (its first word is the one indexed)."""
    return tuple(tuple(line.split()) for line in _lines("synonyms.txt"))


@cache
def canonical_of() -> dict[str, str]:
    """Each synonym (lower case) → its group's first word."""
    table: dict[str, str] = {}
    for group in synonym_groups():
        for word in group:
            table.setdefault(word.lower(), group[0].lower())
    return table


@cache
def surface_forms() -> dict[str, tuple[str, ...]]:
    """A group's first word → every word of the group (what a snippet highlights)."""
    return {group[0].lower(): tuple(w.lower() for w in group) for group in synonym_groups()}


@cache
def stop_words() -> frozenset[str]:
    return frozenset(word for line in _lines("stopwords.txt") for word in line.split())


@cache
def domain_terms() -> tuple[str, ...]:
    return tuple(line.split()[0] for line in _lines("power_terms.txt"))


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba with the domain dictionary and every synonym as a word (built once per process)."""
    with _LOCK:
        jieba.setLogLevel(logging.WARNING)
        made = jieba.Tokenizer()
        made.load_userdict(str(DATA / "power_terms.txt"))
        for group in synonym_groups():
            for word in group:
                made.add_word(word, freq=1000)
        return made


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> list[str]:
    """The words of ``text`` as cut (search mode: a long word and its dictionary parts), lower
    case, without stop words, punctuation or single Latin letters; synonyms not yet mapped."""
    found: list[str] = []
    for piece in tokenizer().cut_for_search(_clean(text)):
        word = piece.strip()
        if not word or not _WORD.fullmatch(word) or word in stop_words():
            continue
        if len(word) == 1 and word.isascii() and not word.isdigit():
            continue
        found.append(word)
    return found


def canonical(word: str) -> str:
    return canonical_of().get(word, word)


def tokens(text: str) -> list[str]:
    """``words`` with each synonym as its group's first word: what is indexed and asked."""
    return [canonical(w) for w in words(text)]


def index_text(text: str) -> str:
    """The space-separated tokens the full-text index stores for ``text``."""
    return " ".join(tokens(text))


def query_terms(text: str) -> list[str]:
    """The distinct tokens of a query, in the order typed."""
    return list(dict.fromkeys(tokens(text)))


def highlight_forms(terms: Iterable[str]) -> list[str]:
    """Every word a snippet marks for ``terms`` (each term and the words of its synonym group),
    longest first so that 电费单 is marked before 电费."""
    forms = {form for term in terms for form in surface_forms().get(term, (term,))}
    return sorted(forms, key=lambda f: (-len(f), f))
