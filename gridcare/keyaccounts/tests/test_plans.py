"""Emergency plans: versions (a revision is a new version, the old one stays), refusals write
nothing, the review date, the PDF in Chinese (every character in the house font), the due list;
an outage's key accounts listed with their plans and one message per manager, once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from reportlab.pdfbase.ttfonts import TTFontFile

from gridcare.billing import pdf
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, signed_in
from gridcare.core.timezone import business_date
from gridcare.customers.models import TransformerArea
from gridcare.keyaccounts.models import EmergencyPlan, KeyAccountEvent
from gridcare.keyaccounts.plan_pdf import plan_facts, plan_pdf, plan_sections, plan_title
from gridcare.keyaccounts.rules.plans import months_after
from gridcare.keyaccounts.services.plans import PlanData, outage_alerts, plan_create
from gridcare.keyaccounts.tests.portfolio_helpers import portfolio_city
from gridcare.notices.models import Notice
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db

PLAN: dict[str, Any] = {
    "critical_loads": [{"name": "手术室", "kw": "120", "tolerance_minutes": 0}],
    "backup_sources": [{"type": "diesel", "kw": "400", "start_minutes": 1}],
    "contacts": [{"name": "王主任", "role": "设备科长", "phone": "13900001234"}],
    "switching_steps": "断开主进线开关\n合上备用电源开关",
    "last_drill_on": "2026-06-01",
}


def test_a_revision_is_a_new_version_and_the_old_one_stays(town: City) -> None:
    p = portfolio_city(town)
    scope = scope_for(town.kam)
    first = plan_create(scope=scope, actor=town.kam, account=p.mine, data=PlanData(**PLAN))
    assert first.version == 1 and first.review_due_on == months_after(business_date(), 12)
    assert first.switching_steps == ["断开主进线开关", "合上备用电源开关"]
    changed = {**PLAN, "critical_loads": [*PLAN["critical_loads"], {"name": "ICU", "kw": "80", "tolerance_minutes": 0}]}
    second = plan_create(scope=scope, actor=town.kam, account=p.mine, data=PlanData(**changed), copied_from=first)
    first.refresh_from_db()
    assert (second.version, len(second.critical_loads), len(first.critical_loads)) == (2, 2, 1)
    assert [
        e.parameters.get("copied_from") for e in KeyAccountEvent.objects.filter(plan__isnull=False).order_by("id")
    ] == [None, 1]


def test_a_bad_plan_is_refused_on_its_fields_and_nothing_is_written(town: City) -> None:
    p = portfolio_city(town)
    bad = {
        **PLAN,
        "critical_loads": [],
        "contacts": [{"name": "王", "role": "科长", "phone": "abc"}],
        "last_drill_on": "2999-01-01",
    }
    with pytest.raises(InvalidInput) as refused:
        plan_create(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=PlanData(**bad))
    assert refused.value.errors == {
        "critical_loads": "请至少填写一项重要负荷。",
        "contacts": "联系人第1行：电话应为5至20位数字。",
        "last_drill_on": "最近演练日期应为今天或以前的日期。",
    }
    assert EmergencyPlan.objects.count() == 0 and KeyAccountEvent.objects.count() == 0


def test_the_pdf_is_in_chinese_and_every_character_is_in_the_font(town: City) -> None:
    p = portfolio_city(town)
    plan = plan_create(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=PlanData(**PLAN))
    document = plan_pdf(plan)
    assert document.startswith(b"%PDF")
    assert b"GridcareSansSC" in set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)", document))
    texts = [plan_title(plan), *(k + v for k, v in plan_facts(plan))]
    texts += [t for name, header, rows in plan_sections(plan) for t in [name, *header, *(c for r in rows for c in r)]]
    printed = {ord(c) for t in texts for c in t if not c.isspace()}
    assert printed - set(TTFontFile(str(pdf.FONT_FILE)).charToGlyph) == set()
    answer = signed_in(town.kam).get(f"/key-accounts/plans/{plan.pk}/pdf/")
    assert answer["Content-Type"] == "application/pdf"
    assert signed_in(p.other_kam).get(f"/key-accounts/plans/{plan.pk}/pdf/").status_code == 404


def test_the_due_list_has_the_current_versions_due_for_review(town: City) -> None:
    p = portfolio_city(town)
    scope = scope_for(town.kam)
    soon = (business_date() + timedelta(days=10)).isoformat()
    old = plan_create(scope=scope, actor=town.kam, account=p.mine, data=PlanData(**PLAN, review_due_on=soon))
    page = signed_in(town.kam).get("/key-accounts/plans/due/").content.decode()
    assert f"/key-accounts/plans/{old.pk}/" in page
    plan_create(scope=scope, actor=town.kam, account=p.mine, data=PlanData(**PLAN), copied_from=old)  # a year ahead
    assert f"/key-accounts/plans/{old.pk}/" not in signed_in(town.kam).get("/key-accounts/plans/due/").content.decode()


def test_an_outage_sends_each_manager_the_list_once_and_the_page_shows_the_plans(town: City) -> None:
    p = portfolio_city(town)
    area = TransformerArea.objects.get(code="T1")
    for account in (p.mine, p.others):
        account.transformer_area = area
        account.save(update_fields=["transformer_area"])
    plan = plan_create(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=PlanData(**PLAN))
    start = timezone.now() + timedelta(days=8)  # a planned outage is announced 7 days ahead
    outage = outage_register(
        scope=scope_for(town.planner),
        actor=town.planner,
        data=NewOutage(
            kind="planned", reason="线路检修", starts_at=start, ends_at=start + timedelta(hours=4), areas=["T1"]
        ),
    )
    assert outage_alerts() == 2  # the kam and 钱七, one each
    assert outage_alerts() == 0
    sent = dict(Notice.objects.filter(template_code="key_account_outage").values_list("recipient", "body"))
    assert set(sent) == {"staff:T0008", "staff:T0900"}
    assert "城东机械厂" in sent["staff:T0008"] and "城南医院" not in sent["staff:T0008"]
    assert f"/key-accounts/outages/{outage.pk}/" in sent["staff:T0008"]
    page = signed_in(town.kam).get(f"/key-accounts/outages/{outage.pk}/").content.decode()
    assert "城东机械厂" in page and f"/key-accounts/plans/{plan.pk}/" in page and "城南医院" not in page
    supervisor = signed_in(town.supervisor).get(f"/key-accounts/outages/{outage.pk}/").content.decode()
    assert "城东机械厂" in supervisor and "城南医院" in supervisor and "无应急方案" in supervisor


def test_months_after_keeps_the_day_or_the_months_last() -> None:
    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2026, 11, 15), 12) == date(2027, 11, 15)
