"""A bill run's progress lists its steps as sentences (issue 13, convention 4), never the
English type codes and ``key: value`` parameters it showed before."""

from __future__ import annotations

import re
from html import unescape

from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billing_clerk, mixed_accounts, tariffs
from gridcare.core.history import history_lines
from gridcare.core.testing import City, signed_in
from gridcare.jobs.services import bill_runs_notify

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def test_a_run_of_a_unit_reads_as_sentences_and_its_page_shows_no_code(town: City) -> None:
    tariffs()
    mixed_accounts(town, 4)
    clerk = billing_clerk(town)
    run = bill_run_start(period="2026-10", unit=town.unit, actor=clerk, chunk_size=50, read_ahead=False)
    bill_runs_notify(queue=lambda period: 3)
    lines = [(line.what, line.who, line.sentence) for line in history_lines(run.events.order_by("id"))]
    assert lines == [
        ("开始计算", "billing", f"billing 开始计算 2026-10 账期（城区供电所），应出账 {run.total} 户"),
        (
            "分段出账",
            "billing",
            f"本段出账 {run.billed} 户，异常暂缓 0 户，无抄表数据 {run.missing} 户，无电价 0 户，生成出账通知 0 条",
        ),
        (
            "计算完成",
            "billing",
            f"批次计算完成：共出账 {run.billed} 户，异常暂缓 0 户，无抄表数据或电价 {run.missing} 户",
        ),
        ("出账通知", "系统", "本账期出账通知已生成 3 条"),
    ]
    html = signed_in(clerk).get(f"/billing/runs/{run.pk}/").content.decode()
    table = re.search(r'<table class="grid history">(.*?)</table>', html, re.S)
    assert table is not None
    text = unescape(re.sub(r"<[^>]+>", " ", table.group(1)))
    assert "批次计算完成" in text
    assert SNAKE.findall(text) == [] and "chunk" not in text and "started" not in text
