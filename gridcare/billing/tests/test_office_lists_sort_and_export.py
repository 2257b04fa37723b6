"""Convention 5 on the billing office's lists (debit batches, reconciliations): a whitelisted sort,
the total, and the export of what the page shows, the clerk's own unit only."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.http import StreamingHttpResponse

from gridcare.billing.models import DebitBatch
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core.testing import City, signed_in


def _rows(answer: StreamingHttpResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))


def test_the_debit_batches_sort_and_export_the_clerks_unit_in_the_pages_order(town: City) -> None:
    def batch(unit: object, period: str, total: str) -> DebitBatch:
        return DebitBatch.objects.create(
            bank_code="ICBC", unit=unit, period=period, on=date(2026, 11, 20), content="", lines=1, total=Decimal(total)
        )

    small, large = batch(town.unit, "2026-09", "10.00"), batch(town.unit, "2026-10", "300.00")
    batch(town.other_unit, "2026-10", "99.00")
    client = signed_in(billing_clerk(town))
    ids = lambda query: [b.pk for b in client.get(f"/billing/debit/?{query}").context["page"]]  # noqa: E731
    assert ids("") == [large.pk, small.pk]
    assert ids("sort=total") == [small.pk, large.pk] and ids("sort=-total") == [large.pk, small.pk]
    assert ids("sort=content") == [large.pk, small.pk]  # not in the whitelist
    page = client.get("/billing/debit/?sort=period").content.decode()
    assert "共 2 条 · 第 1/1 页" in page and "/billing/debit/export/?sort=period&amp;format=csv" in page
    rows = _rows(client.get("/billing/debit/export/?sort=period&format=csv"))
    assert rows[0][:4] == ["批次", "银行", "范围", "账期"]
    assert [(r[0], r[2], r[3], r[6]) for r in rows[1:]] == [
        (f"#{small.pk}", "城区供电所", "2026-09", "10.00"),
        (f"#{large.pk}", "城区供电所", "2026-10", "300.00"),
    ]


def test_the_reconciliation_export_answers_the_office_only(town: City) -> None:
    rows = _rows(signed_in(billing_clerk(town)).get("/billing/reconciliations/export/?format=csv"))
    assert rows == [["对账日期", "缴费渠道", "范围", "对账文件", "一致", "差异", "对账人", "对账时间"]]
    assert signed_in(town.clerk).get("/billing/reconciliations/export/").status_code == 403
