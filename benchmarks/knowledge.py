"""Knowledge-base search (SELF-1, issue 18): p95 of ``gridcare.knowledge.search.search`` over
10,000 published articles against a plain ``LIKE`` scan of the same articles, in the same run,
on the current database (a throwaway SQLite file by default; PostgreSQL when ``DATABASE_URL`` or
``--database-url`` points at one). Target: search p95 under 30 ms.

The 10,000 articles are made from the demo content (gridcare/knowledge/demo_articles.py): each
demo article in many variants (another district, a sentence of another article added, a number),
written in bulk with their jieba words (the same ``segment.index_text`` publishing uses), so the
index is the one the services build. The query set is fixed (QUERIES); each query is asked
``--rounds`` times; a search includes ranking, the page of 20 and the snippets.

    flock /tmp/gridcare-bench.lock .venv/bin/python benchmarks/knowledge.py [--articles 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from _setup import django_up, machine

QUERIES = [
    "阶梯电价怎么算",
    "峰谷电价时段",
    "过户需要什么材料",
    "增容",
    "停电了怎么办",
    "断电",
    "账单",
    "违约金",
    "电表走字快",
    "校表",
    "销户",
    "预付费余额不足",
    "空调节电",
    "电子发票",
    "新装时限",
    "充电桩报装",
    "光伏并网",
    "投诉多久答复",
    "催办",
    "抢修到达时间",
    "两部制基本电费",
    "功率因数",
    "银行代扣",
    "缴费渠道",
    "上门服务",
    "计划停电通知",
    "电热水器省电",
    "一户一表",
    "电费突然变高",
    "举报窃电",
]
DISTRICTS = ["上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区"]


def seed(count: int) -> int:
    """The demo company and its knowledge base, then ``count`` published articles in all."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from gridcare.knowledge import search
    from gridcare.knowledge.demo import seed_knowledge
    from gridcare.knowledge.models import Article, ArticleVersion, SearchDoc, VersionStatus
    from gridcare.knowledge.rules import segment
    from gridcare.org.demo import seed_org

    company = seed_org(password=settings.GRIDCARE_DEMO_PASSWORD)
    print(seed_knowledge(), flush=True)
    demo = list(Article.objects.filter(company=company).select_related("published_version"))
    have = Article.objects.filter(company=company).count()
    rng = random.Random(18)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        made = 0
        while have + made < count:
            batch = min(2000, count - have - made)
            sources = [rng.choice(demo) for _ in range(batch)]
            articles = Article.objects.bulk_create(
                [
                    Article(
                        company=company,
                        kind=a.kind,
                        category_id=a.category_id,
                        title=f"{rng.choice(DISTRICTS)}{a.title}（{made + i + 1}）"[:100],
                        audience=a.audience,
                        created_by_id=a.created_by_id,
                        created_at=now,
                    )
                    for i, a in enumerate(sources)
                ]
            )
            bodies = [
                f"{a.published_version.body}\n{rng.choice(demo).published_version.body.splitlines()[0]}"  # type: ignore[union-attr]
                for a in sources
            ]
            versions = ArticleVersion.objects.bulk_create(
                [
                    ArticleVersion(
                        article=article,
                        number=1,
                        title=article.title,
                        body=body,
                        audience=article.audience,
                        status=VersionStatus.PUBLISHED,
                        editor_id=article.created_by_id,
                        created_at=now,
                    )
                    for article, body in zip(articles, bodies, strict=True)
                ]
            )
            for article, version in zip(articles, versions, strict=True):
                article.published_version = version
            Article.objects.bulk_update(articles, ["published_version"], batch_size=2000)
            SearchDoc.objects.bulk_create(
                [
                    SearchDoc(
                        article=article,
                        title_tokens=segment.index_text(article.title),
                        body_tokens=segment.index_text(body),
                        **search.doc_fields(article),
                    )
                    for article, body in zip(articles, bodies, strict=True)
                ]
            )
            made += batch
    print(f"wrote {made:,} articles with their words in {time.perf_counter() - started:.1f} s", flush=True)
    return company.pk


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(work: object, rounds: int) -> tuple[list[float], list[int]]:
    times, counts = [], []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            n = work(query)  # type: ignore[operator]
            times.append((time.perf_counter() - started) * 1000)
            counts.append(n)
    return times, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = django_up(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from gridcare.knowledge import search
    from gridcare.knowledge.models import Article

    company_id = seed(args.articles)
    on = timezone.localdate()
    if connection.vendor == "postgresql":  # as autovacuum leaves a table after a bulk write
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE knowledge_searchdoc")
            cursor.execute("VACUUM ANALYZE knowledge_article")
    total = Article.objects.filter(company_id=company_id, published_version__isnull=False).count()

    def full_text(q: str) -> int:
        return search.search(q, company_id=company_id, internal=True, on=on, limit=20).count

    def like(q: str) -> int:
        return search.like_scan(q, company_id=company_id, on=on, limit=20)[0]

    full_text(QUERIES[0])  # jieba's dictionary loaded, the connection open
    fts, fts_hits = timed(full_text, args.rounds)
    scan, scan_hits = timed(like, args.rounds)
    print(f"database: {connection.vendor} ({url.split('@')[-1] if '@' in url else 'temporary file'})")
    print(f"machine: {machine()}")
    print(f"articles: {total:,} published; {len(QUERIES)} queries × {args.rounds} rounds")
    for name, times, hits in (("full-text search", fts, fts_hits), ("LIKE scan", scan, scan_hits)):
        print(
            f"{name:>17}: p50 {statistics.median(times):6.2f} ms  p95 {pct(times, 95):6.2f} ms  "
            f"max {max(times):6.2f} ms  queries with hits {sum(1 for h in hits if h) // args.rounds}/{len(QUERIES)}"
        )
    print(
        f"LIKE p95 / search p95: {pct(scan, 95) / pct(fts, 95):.1f}×  (target: search p95 < 30 ms: {'met' if pct(fts, 95) < 30 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
