"""问题主题 (issue 14): the recurring topics of a month's complaint texts and survey comments —
deterministic on a constructed corpus with two clear topics, examples masked; computed by the
monthly job for every company and unit (idempotent, catching up missed months); the page and
GET /api/v1/assessment/topics with COMPLAINT_ANALYSIS's reach."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest

from gridcare.assessment.models import Questionnaire, SurveyInvite, SurveyResponse, TopicMonth
from gridcare.assessment.rules.topics import mask, topic_count, topics
from gridcare.assessment.services.topics import topics_due
from gridcare.assessment.tests.complaints_helpers import at, complaint
from gridcare.core.testing import PERSONAS, City, api_client, signed_in
from gridcare.jobs.registry import BY_NAME
from gridcare.org.access import Capability, can, scope_for

BILLS = [
    "您好，这个月电费比上个月多了三百元，电费账单肯定算错了，联系电话13812345678",
    "电费太高了，账单上的电量不对，怀疑抄表抄错了",
    "谢谢，我家电费突然翻倍，账单电量和电表读数对不上",
    "电费账单多收了钱，要求退还多收的电费",
    "用户来电反映电费比平时高很多，怀疑电表计量不准",
    "本月电费账单异常，电量比去年同期多一倍",
    "电费怎么这么贵，账单电量明显不对",
    "我的身份证110105194912310021，电费账单有误请核实",
    "抄表员没来抄表，电费是估算的，账单不准",
    "电费被多扣了，银行代扣的金额和账单不一致",
    "电费电量突然增加，怀疑电表坏了，卡号6222020200112233445",
    "电费账单上的阶梯电价算错了",
]
OUTAGES = [
    "我们小区又停电了，这个月已经停电三次了，座机0571-87654321",
    "频繁停电，家里电器都坏了，抢修太慢",
    "停电了两个小时还没人来抢修",
    "晚上停电没有任何通知，抢修人员很久才到",
    "又停电了，一周停电好几次",
    "停电时间太长，抢修不及时，冰箱里东西都坏了",
    "频繁停电影响生意，希望尽快抢修线路",
    "突然停电也没有通知，抢修电话打不通",
    "今天又停电，抢修人员说线路老化",
    "停电频繁，要求彻底检修线路",
    "停电好几个小时，抢修一直没到",
    "村里经常停电，抢修不及时",
]
SECRETS = ("13812345678", "110105194912310021", "87654321", "6222020200112233445")


def test_two_clear_topics_are_found_with_masked_examples() -> None:
    found = topics(BILLS + OUTAGES)
    assert len(found) == 2 == topic_count(24)
    by_word = {t.words[0]: t for t in found}
    assert set(by_word) == {"电费", "停电"}
    assert by_word["电费"].count == 12 and by_word["停电"].count == 12
    assert {"账单", "电量"} <= set(by_word["电费"].words) and "抢修" in by_word["停电"].words
    assert all(len(t.examples) == 3 for t in found)
    assert set(by_word["电费"].examples) <= set(map(mask, BILLS))
    assert set(by_word["停电"].examples) <= set(map(mask, OUTAGES))
    shown = " ".join(e for t in found for e in t.examples)
    assert not any(secret in shown for secret in SECRETS)
    assert not {"您好", "谢谢", "用户", "来电"} & {w for t in found for w in t.words}


def test_the_same_texts_give_the_same_topics() -> None:
    assert topics(BILLS + OUTAGES) == topics(BILLS + OUTAGES)
    assert [t.as_dict() for t in topics(OUTAGES + BILLS)] == [t.as_dict() for t in topics(OUTAGES + BILLS)]


def test_too_few_texts_make_no_topics_and_the_count_follows_the_size() -> None:
    assert topics(BILLS[:9]) == []
    assert topics([]) == []
    assert [topic_count(n) for n in (10, 24, 45, 100, 500, 100_000)] == [2, 2, 3, 4, 10, 10]


def test_examples_are_masked() -> None:
    assert mask("手机13812345678，身份证11010519491231002X") == "手机138****5678，身份证110105********002X"
    assert mask("座机0571-87654321，卡号６２２２０２０２００１１２２３３４４５") == (
        "座机057*-********，卡号622****************"
    )
    assert mask("户号电费123元") == "户号电费123元"


def _comment(town: City, questionnaire: Questionnaire, text: str, unit_ok: bool = True) -> SurveyResponse:
    day = at(date(2026, 11, 15))
    invite = SurveyInvite.objects.create(
        questionnaire=questionnaire,
        account=town.account,
        channel="sms",
        token_hash=secrets.token_hex(32),
        created_at=day,
        expires_at=day + timedelta(days=7),
        answered_at=day,
    )
    unit = town.unit if unit_ok else None
    return SurveyResponse.objects.create(
        invite=invite, questionnaire=questionnaire, answered_at=day, comment=text, unit=unit
    )


@pytest.fixture
def texts(town: City) -> City:
    """November: the bill and outage complaints in U1, one complaint in U2; survey comments (the
    outage texts) in U1, half of them without a unit (read from the account invited)."""
    for i, text in enumerate(BILLS + OUTAGES):
        complaint(town, at(date(2026, 11, 1 + i % 28)), text=text)
    complaint(town, at(date(2026, 11, 3)), unit=town.other_unit, text="乡镇营业厅态度差")
    complaint(town, at(date(2026, 10, 31), 23, 59), text="十月的投诉")
    questionnaire = Questionnaire.objects.create(
        code="Q1", version=1, title="满意度调查", created_by=town.admin, created_at=at(date(2026, 10, 1))
    )
    for i, text in enumerate(OUTAGES):
        _comment(town, questionnaire, text, unit_ok=i % 2 == 0)
    return town


def test_the_job_computes_last_month_for_every_company_and_unit(texts: City) -> None:
    done = topics_due(today=date(2026, 12, 1))
    months = {m for _s, _l, _k, m in done.computed}
    assert months == {"2026-09", "2026-10", "2026-11"}  # last month and the two before it (catching up)
    town = texts
    u1 = TopicMonth.objects.get(month=date(2026, 11, 1), source="complaints", level="unit", subject_id=town.unit.pk)
    assert u1.documents == 24
    assert sorted(t["words"][0] for t in u1.topics) == ["停电", "电费"]
    company = TopicMonth.objects.get(
        month=date(2026, 11, 1), source="complaints", level="company", subject_id=town.company.pk
    )
    assert company.documents == 25
    u2 = TopicMonth.objects.get(
        month=date(2026, 11, 1), source="complaints", level="unit", subject_id=town.other_unit.pk
    )
    assert (u2.documents, u2.topics) == (1, [])
    surveys = TopicMonth.objects.get(month=date(2026, 11, 1), source="surveys", level="unit", subject_id=town.unit.pk)
    assert surveys.documents == 12 and surveys.topics
    october = TopicMonth.objects.get(
        month=date(2026, 10, 1), source="complaints", level="unit", subject_id=town.unit.pk
    )
    assert (october.documents, october.topics) == (1, [])
    assert BY_NAME["assessment_topics"].schedule_text == "daily 05:00"


def test_running_again_changes_nothing_and_a_missing_month_is_caught_up(texts: City) -> None:
    topics_due(today=date(2026, 12, 1))
    before = list(
        TopicMonth.objects.order_by("id").values(
            "id", "month", "source", "level", "subject_id", "documents", "topics", "computed_at"
        )
    )
    assert topics_due(today=date(2026, 12, 2)).computed == []
    after = list(
        TopicMonth.objects.order_by("id").values(
            "id", "month", "source", "level", "subject_id", "documents", "topics", "computed_at"
        )
    )
    assert after == before
    TopicMonth.objects.filter(month=date(2026, 11, 1), source="surveys").delete()
    again = topics_due(today=date(2026, 12, 3))
    assert {(s, m) for s, _l, _k, m in again.computed} == {("surveys", "2026-11")}
    redone = topics_due(today=date(2026, 12, 3), regenerate=True)
    assert len(redone.computed) == len(before)  # every row computed again, to the same topics
    by_key = {(r.month, r.source, r.level, r.subject_id): r.topics for r in TopicMonth.objects.all()}
    assert all(by_key[(b["month"], b["source"], b["level"], b["subject_id"])] == b["topics"] for b in before)


def test_the_page_shows_a_units_topics_to_its_supervisor(texts: City) -> None:
    topics_due(today=date(2026, 12, 1))
    client = signed_in(texts.supervisor)
    page = client.get("/assessment/topics/?month=2026-11&source=complaints")
    assert page.status_code == 200
    body = page.content.decode()
    assert "共 24 条文本" in body and "电费、账单" in body
    assert not any(secret in body for secret in SECRETS) and "110105********0021" in body
    refused = client.get(f"/assessment/topics/?month=2026-11&subject=company:{texts.company.pk}")
    assert "请选择您管辖范围内的单位。" in refused.content.decode()
    other = client.get(f"/assessment/topics/?month=2026-11&subject=unit:{texts.other_unit.pk}").content.decode()
    assert "请选择您管辖范围内的单位。" in other
    missing = client.get("/assessment/topics/?month=2025-01").content.decode()
    assert "该月的主题尚未计算" in missing


def test_the_api_gives_the_pages_topics(texts: City) -> None:
    topics_due(today=date(2026, 12, 1))
    planner = api_client(texts.planner)
    body = planner.get("/api/v1/assessment/topics?month=2026-11&source=surveys").json()
    assert (body["subject"], body["computed"], body["documents"]) == (f"company:{texts.company.pk}", True, 12)
    row = TopicMonth.objects.get(
        month=date(2026, 11, 1), source="surveys", level="company", subject_id=texts.company.pk
    )
    assert body["topics"] == row.topics
    unit = planner.get(f"/api/v1/assessment/topics?month=2026-11&subject=unit:{texts.unit.pk}").json()
    assert (unit["source"], unit["documents"]) == ("complaints", 24)
    bad = planner.get("/api/v1/assessment/topics?month=2026-13&source=letters")
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "month": "月份格式应为 2026-11。",
        "source": "来源应为 complaints（投诉内容）或 surveys（调查意见）。",
    }
    later = planner.get("/api/v1/assessment/topics?month=2027-05").json()
    assert (later["computed"], later["topics"]) == (False, [])


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_the_topics(town: City, persona: str) -> None:
    user = town.users[persona]
    scope = scope_for(user)
    allowed = can(scope, Capability.COMPLAINT_ANALYSIS)
    expected = 200 if allowed else (403 if scope.is_staff else 404)
    assert signed_in(user).get("/assessment/topics/").status_code == expected
    if persona != "outsider":
        assert api_client(user).get("/api/v1/assessment/topics").status_code == (200 if allowed else 403)
