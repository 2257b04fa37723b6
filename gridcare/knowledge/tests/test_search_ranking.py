"""Search ranks the expected article among the first three for a fixed set of articles and
queries (jieba words with the power-supply dictionary, bm25 on SQLite, ts_rank on PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from gridcare.knowledge import search
from gridcare.knowledge.tests.conftest import Publish

ARTICLES = {
    "tiers": (
        "居民阶梯电价怎么计算",
        "居民生活用电实行阶梯电价，按年累计用电量分三档：第一档2760千瓦时以内执行基础电价，第二档每千瓦时加价0.05元，第三档加价0.30元。",
    ),
    "tou": (
        "峰谷分时电价的时段",
        "峰谷电价把一天分为高峰、平段和低谷三个时段，低谷时段电价较低，可以把洗衣、热水器加热放到夜间低谷。",
    ),
    "transfer": (
        "过户需要带哪些材料",
        "办理过户需携带新户主身份证原件、房屋产权证明和原户主结清电费的证明，在营业厅或网上国网办理。",
    ),
    "capacity": (
        "增容申请流程",
        "居民增容须提交增容申请，供电公司现场勘查后答复供电方案，装表接电，全流程不超过5个工作日。",
    ),
    "outage": (
        "停电了怎么办",
        "遇到停电先检查家中漏电保护器是否跳闸，再查看停电通知；确认非家内故障可拨打95598故障报修。",
    ),
    "bill": ("电费单上的各项是什么意思", "电费单列明本期示数、用电量、阶梯电量和应缴电费，可在网上国网查询电子账单。"),
    "penalty": ("电费违约金怎么算", "居民用户逾期未交电费，每日按欠费金额的千分之一加收违约金，从缴费截止日次日起算。"),
    "meter": ("怀疑电能表走字快怎么办", "可申请校表，供电公司在规定时限内完成电能表校验，误差超过规定范围的退补电费。"),
    "close": ("销户办理", "销户须结清全部电费，拆除电能表后终止供用电合同。"),
    "prepaid": ("预付费电表余额不足", "预付费用户余额低于30元会收到提醒短信，请及时预存电费以免停电。"),
    "saving": ("夏季空调节电常识", "空调温度设定在26℃，选择一级能效的变频空调，可节电约三成。"),
}
QUERIES = [
    ("阶梯电价", "tiers"),
    ("电价分几档", "tiers"),
    ("峰谷电价时段", "tou"),
    ("过户要什么材料", "transfer"),
    ("增容", "capacity"),
    ("家里停电了", "outage"),
    ("断电了怎么办", "outage"),  # 断电 is a synonym of 停电
    ("账单怎么看", "bill"),  # 账单 is a synonym of 电费单
    ("违约金", "penalty"),
    ("滞纳金怎么算", "penalty"),  # a synonym
    ("电表走得快", "meter"),  # 电表 / 电能表
    ("校表", "meter"),
    ("销户", "close"),
    ("预付费余额", "prepaid"),
    ("空调怎么省电", "saving"),  # 省电 / 节电
]


@pytest.fixture
def shelf(publish: Publish) -> dict[str, int]:
    return {key: publish(title, body).pk for key, (title, body) in ARTICLES.items()}


def _top(query: str, company_id: int) -> list[int]:
    found = search.search(query, company_id=company_id, internal=True, on=date(2026, 6, 1), limit=3)
    return [r.id for r in found.items]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_the_expected_article_is_in_the_top_three(
    shelf: dict[str, int], town: object, query: str, expected: str
) -> None:
    assert shelf[expected] in _top(query, town.company.pk), query  # type: ignore[attr-defined]


def test_the_title_counts_more_than_the_body(shelf: dict[str, int], town: object) -> None:
    # 阶梯电价 is in the titles of "tiers" only, and in the body of "bill" too
    assert _top("阶梯电价", town.company.pk)[0] == shelf["tiers"]  # type: ignore[attr-defined]


def test_a_query_without_words_finds_nothing(shelf: dict[str, int], town: object) -> None:
    found = search.search("的了吗？", company_id=town.company.pk, internal=True, on=date(2026, 6, 1))  # type: ignore[attr-defined]
    assert (found.count, found.items) == (0, [])


def test_minus_leaves_out_articles_with_the_word(shelf: dict[str, int], town: object) -> None:
    both = _top("电费", town.company.pk)  # type: ignore[attr-defined]
    without = search.search("电费 -违约金", company_id=town.company.pk, internal=True, on=date(2026, 6, 1))  # type: ignore[attr-defined]
    assert shelf["penalty"] in both or len(both) == 3
    assert shelf["penalty"] not in [r.id for r in without.items]


def test_another_company_finds_nothing_of_ours(shelf: dict[str, int], town: object) -> None:
    other = town.foreign_account.supply_unit.company_id  # type: ignore[attr-defined]
    assert search.search("阶梯电价", company_id=other, internal=True, on=date(2026, 6, 1)).count == 0
