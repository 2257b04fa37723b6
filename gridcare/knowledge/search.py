"""Chinese full-text search of the knowledge base behind one interface (SELF-1).

``search(text, …)`` answers the published articles a caller may see, best first, with their
snippets; ``index_article`` and ``unindex_article`` keep the index in step (called by the
services inside the transaction that publishes). The words are jieba's with the domain
dictionary and synonyms (``rules.segment``); the database ranks them:

* SQLite (the embedded database): an FTS5 table ``knowledge_fts`` over ``SearchDoc``'s columns,
  kept by triggers, ranked by ``bm25`` (the title weighs four times the body);
* PostgreSQL: the generated ``tsvector`` column ``knowledge_searchdoc.document`` (the 'simple'
  configuration over the segmented words: title weight A, body B) with a GIN index, ranked by
  ``ts_rank``.

Both are created by migration 0002. This is the app's one hot-path module of hand-written SQL
(docs/ARCHITECTURE.md), measured by benchmarks/knowledge.py.

Query syntax: free text (segmented, so 怎么交电费 asks 交电费 → 缴费); an article with more of the
words ranks higher; ``-词`` leaves out articles with that word."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from gridcare.knowledge.models import Article, ArticleVersion, Audience, Kind, SearchDoc
from gridcare.knowledge.rules import segment
from gridcare.knowledge.rules.snippet import mark, snippet

MAX_QUERY = 100
MAX_TERMS = 16  # words of one query the index is asked for (a pasted page asks its first 16)
TITLE_WEIGHT = 4.0


@dataclass(frozen=True)
class Query:
    """A query's words as the index asks them: any of ``terms``, none of ``excluded``; ``forms``
    the words a snippet marks."""

    terms: list[str]
    excluded: list[str]
    forms: list[str]

    @property
    def empty(self) -> bool:
        return not self.terms


def parse(text: str) -> Query:
    """``text``'s words: ``-词`` pieces excluded, the rest segmented (stop words dropped)."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for piece in text[:MAX_QUERY].split():
        (unwanted if piece.startswith("-") and len(piece) > 1 else wanted).append(piece.lstrip("-") or piece)
    raw = segment.words(" ".join(wanted))
    terms = _widest(segment.query_terms(" ".join(wanted)))[:MAX_TERMS]
    excluded = [t for t in segment.query_terms(" ".join(unwanted)) if t not in terms][:MAX_TERMS]
    return Query(terms=terms, excluded=excluded, forms=segment.highlight_forms([*terms, *raw]))


def _widest(terms: list[str]) -> list[str]:
    """The terms without the parts of a longer one (阶梯电价 without 电价): the index holds a word
    and its parts, so an article with the longer word is found by it; the part alone would
    match every article that says 电价 (and rank them all)."""
    return [t for t in terms if not any(t != other and t in other for other in terms)]


@dataclass(frozen=True)
class Result:
    id: int
    title: str
    title_html: SafeString
    kind: str
    kind_label: str
    category: str
    audience: str
    snippet: SafeString
    body: str
    score: float
    effective_from: date | None
    expires_on: date | None


@dataclass(frozen=True)
class Found:
    count: int
    items: list[Result]
    query: Query = field(default_factory=lambda: Query([], [], []))


# -- the two backends -----------------------------------------------------------------------------
def _filters(
    company_id: int | None | Sequence[int],
    audiences: Sequence[str],
    kinds: Sequence[str] | None,
    category_id: int | None,
    on: date,
) -> tuple[str, list[Any]]:
    """The WHERE of the documents (``d``, SearchDoc: the article's filters are copied there)."""
    where = [
        "(d.effective_from IS NULL OR d.effective_from <= %s)",
        "(d.expires_on IS NULL OR d.expires_on > %s)",
        f"d.audience IN ({', '.join(['%s'] * len(audiences))})",
    ]
    params: list[Any] = [on, on, *audiences]
    if isinstance(company_id, int):
        where.append("d.company_id = %s")
        params.append(company_id)
    elif company_id is not None:  # several companies (a customer's accounts in more than one)
        where.append(f"d.company_id IN ({', '.join(['%s'] * len(company_id))})")
        params += list(company_id)
    if kinds:
        where.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
        params += list(kinds)
    if category_id is not None:
        where.append("d.category_id = %s")
        params.append(category_id)
    return " AND ".join(where), params


def _fts5_match(query: Query) -> str:
    ask = " OR ".join(f'"{t}"' for t in query.terms)  # words are letters and digits only (segment.words)
    if not query.excluded:
        return ask
    leave_out = " OR ".join(f'"{t}"' for t in query.excluded)
    return f"({ask}) NOT ({leave_out})"


def _tsquery(query: Query) -> str:
    ask = " | ".join(f"'{t}'" for t in query.terms)
    if not query.excluded:
        return ask
    leave_out = " | ".join(f"'{t}'" for t in query.excluded)
    return f"({ask}) & !({leave_out})"


def _hits(query: Query, where: str, params: list[Any], limit: int, offset: int) -> list[tuple[int, float, int]]:
    """(article id, score, total matches) of one page, best first."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT d.article_id, ts_rank(d.document, q) AS score, COUNT(*) OVER () "  # noqa: S608 - constants, values as parameters
            "FROM knowledge_searchdoc d, to_tsquery('simple', %s) AS q "
            f"WHERE d.document @@ q AND {where} ORDER BY score DESC, d.article_id LIMIT %s OFFSET %s"
        )
        args = [_tsquery(query), *params, limit, offset]
    else:
        # bm25 only works in the FTS query itself: ranked there (materialized), then filtered.
        sql = (
            "WITH m AS MATERIALIZED (SELECT rowid AS id, "  # noqa: S608 - constants, values as parameters
            f"-bm25(knowledge_fts, {TITLE_WEIGHT}, 1.0) AS score FROM knowledge_fts WHERE knowledge_fts MATCH %s) "
            "SELECT d.article_id, m.score, COUNT(*) OVER () FROM m JOIN knowledge_searchdoc d ON d.article_id = m.id "
            f"WHERE {where} ORDER BY m.score DESC, d.article_id LIMIT %s OFFSET %s"
        )
        args = [_fts5_match(query), *params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(r[0]), float(r[1]), int(r[2])) for r in cursor.fetchall()]


_COLUMNS = (
    "pk",
    "title",
    "kind",
    "category__name",
    "audience",
    "published_version__body",
    "effective_from",
    "expires_on",
)


def _results(hits: list[tuple[int, float, int]], query: Query) -> list[Result]:
    """The page's articles in the hits' order, with their snippets (one query, plain values)."""
    rows = {
        r[0]: r
        for r in Article.objects.filter(pk__in=[h[0] for h in hits], published_version__isnull=False).values_list(
            *_COLUMNS
        )
    }
    found: list[Result] = []
    for article_id, score, _total in hits:
        if article_id not in rows:
            continue
        _pk, title, kind, category, audience, body, effective_from, expires_on = rows[article_id]
        found.append(
            Result(
                id=article_id,
                title=title,
                title_html=mark_safe(mark(title, query.forms)),  # noqa: S308 - escaped by mark()
                kind=kind,
                kind_label=str(Kind(kind).label),
                category=category or "",
                audience=audience,
                snippet=mark_safe(snippet(body, query.forms)),  # noqa: S308 - escaped by snippet()
                body=body,
                score=round(score, 6),
                effective_from=effective_from,
                expires_on=expires_on,
            )
        )
    return found


def audiences_for(*, internal: bool) -> tuple[str, ...]:
    """Staff see internal and public articles; the portal public ones only."""
    return (Audience.INTERNAL.value, Audience.PUBLIC.value) if internal else (Audience.PUBLIC.value,)


def search(
    text: str,
    *,
    company_id: int | None | Sequence[int],
    internal: bool,
    on: date,
    kinds: Sequence[str] | None = None,
    category_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Found:
    """The published articles in force ``on`` that match ``text``, best first (``company_id``
    None: every company's; a list: those companies'; ``internal``: internal articles too).
    Writes nothing."""
    query = parse(text)
    if query.empty or (company_id is not None and not isinstance(company_id, int) and not company_id):
        return Found(count=0, items=[], query=query)
    where, params = _filters(company_id, audiences_for(internal=internal), kinds, category_id, on)
    hits = _hits(query, where, params, limit, offset)
    count = hits[0][2] if hits else 0
    return Found(count=count, items=_results(hits, query), query=query)


# -- keeping the index in step ------------------------------------------------------------------
def doc_fields(article: Article) -> dict[str, Any]:
    """What a document copies of its article: the filters search applies."""
    return {
        "company_id": article.company_id,
        "kind": article.kind,
        "category_id": article.category_id,
        "audience": article.audience,
        "effective_from": article.effective_from,
        "expires_on": article.expires_on,
    }


def index_article(article: Article, version: ArticleVersion) -> None:
    """Index ``version`` as ``article``'s words (inside the caller's transaction)."""
    SearchDoc.objects.update_or_create(
        article=article,
        defaults={
            "title_tokens": segment.index_text(version.title),
            "body_tokens": segment.index_text(version.body),
            **doc_fields(article),
        },
    )


def reindex_filters(article: Article) -> None:
    """The article's kind or category changed: its document follows (same transaction)."""
    SearchDoc.objects.filter(article=article).update(**doc_fields(article))


def unindex_article(article: Article) -> None:
    SearchDoc.objects.filter(article=article).delete()


def like_scan(text: str, *, company_id: int | None, on: date, limit: int = 20) -> tuple[int, list[int]]:
    """The plain LIKE scan the benchmark compares with: how many articles in force have ``text``
    in their title or published body, and the newest ``limit`` of them (no words, no ranking)."""
    from django.db.models import Q

    rows = Article.objects.filter(
        Q(title__contains=text) | Q(published_version__body__contains=text),
        published_version__isnull=False,
    ).filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=on), Q(expires_on__isnull=True) | Q(expires_on__gt=on)
    )
    if company_id is not None:
        rows = rows.filter(company_id=company_id)
    return rows.count(), list(rows.order_by("-id").values_list("pk", flat=True)[:limit])
