"""The staff pages: channel quality, templates, outages — and who sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from gridcare.core import timezone as tz
from gridcare.core.testing import City, signed_in
from gridcare.notices.models import Notice, NoticeTemplate, Outage
from gridcare.notices.tests.helpers import queue


@pytest.mark.parametrize(
    ("persona", "status"),
    [("supervisor", 200), ("planner", 200), ("admin", 200), ("clerk", 403), ("agent", 403), ("outsider", 404)],
)
def test_the_channel_quality_page_is_for_supervisors_planners_and_administrators(
    town: City, persona: str, status: int
) -> None:
    assert signed_in(town.users[persona]).get("/notices/").status_code == status


def test_the_channel_quality_page_shows_figures_and_charts_per_gateway_and_campaign(town: City) -> None:
    delivered = queue()
    Notice.objects.filter(pk=delivered.pk).update(
        status="delivered", gateway="sms-http", delivered_at=delivered.created_at + timedelta(seconds=12)
    )
    failed = queue()
    Notice.objects.filter(pk=failed.pk).update(status="failed", gateway="sms-http")
    html = signed_in(town.supervisor).get("/notices/").content.decode()
    assert "sms-http · arrears_reminder" in html
    assert '<rect class="delivered" x="0.000000" y="0" width="50.000000" height="6">' in html
    assert "12.0 s" in html
    assert "50%" in html


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/notices/outages/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_an_administrator_edits_a_template_and_a_bad_one_is_shown_back_unsaved(town: City) -> None:
    client = signed_in(town.admin)
    assert "queue_near" in client.get("/notices/templates/").content.decode()
    bad = client.post("/notices/templates/queue_near/", {"text": "{hall}{number}号{who}", "note": ""})
    assert bad.status_code == 200
    assert "模板中有未知变量：who" in bad.content.decode()
    assert NoticeTemplate.objects.count() == 0
    good = client.post(
        "/notices/templates/queue_near/", {"text": "{hall}{number}号快到了，前面{ahead}位", "note": "短"}
    )
    assert good.status_code == 302
    assert list(NoticeTemplate.objects.values_list("version", "active", "note")) == [(1, True, "短")]
    client.post("/notices/templates/queue_near/activate/", {"version": "0"})
    assert NoticeTemplate.objects.filter(active=True).count() == 0


@pytest.mark.parametrize("persona", ["clerk", "planner", "agent"])
def test_people_who_may_not_edit_templates_cannot_open_the_editor(town: City, persona: str) -> None:
    client = signed_in(town.users[persona])
    assert client.get("/notices/templates/queue_near/").status_code == 403
    assert client.post("/notices/templates/queue_near/", {"text": "{hall}"}).status_code == 403
    assert NoticeTemplate.objects.count() == 0


def test_a_planner_registers_an_outage_on_the_page_and_restores_it(town: City) -> None:
    client = signed_in(town.planner)
    start = (tz.local_now() + timedelta(days=8)).replace(second=0, microsecond=0)
    form = {
        "kind": "planned",
        "reason": "线路检修",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "feeders": "F1",
        "areas": "",
    }
    asked = client.post("/notices/outages/new/", form)  # asked first: how many will be told
    assert asked.status_code == 200
    assert "将向 1 户发送停电通知（1 个台区）。确认登记并通知？" in asked.content.decode()
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)
    response = client.post("/notices/outages/new/", {**form, "confirmed": "1"})
    outage = Outage.objects.get()
    assert response.status_code == 302 and response.url == f"/notices/outages/{outage.pk}/"
    assert (outage.starts_at, outage.affected_accounts, outage.notices_queued) == (start, 1, 1)
    assert "线路检修" in signed_in(town.agent).get("/notices/outages/").content.decode()
    detail = client.get(f"/notices/outages/{outage.pk}/").content.decode()
    assert '<span class="chip">待发送 <b>1</b></span>' in detail and "queued" not in detail  # labels, not codes
    asked = client.post(f"/notices/outages/{outage.pk}/cancel/")  # asked first: nothing cancelled
    sentence = "取消后，受影响的 1 户将收到停电取消通知，尚未发出的停电通知撤回。确认取消这次停电？"
    assert asked.status_code == 200 and sentence in asked.content.decode()
    outage.refresh_from_db()
    assert outage.status == "announced"
    client.post(f"/notices/outages/{outage.pk}/cancel/", {"confirmed": "1"})
    outage.refresh_from_db()
    assert outage.status == "cancelled"


def test_a_short_notice_outage_on_the_page_shows_why_and_writes_nothing(town: City) -> None:
    start = tz.local_now() + timedelta(days=1)
    response = signed_in(town.planner).post(
        "/notices/outages/new/",
        {
            "kind": "planned",
            "reason": "线路检修",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
            "areas": "T1",
        },
    )
    assert response.status_code == 200
    assert "计划停电须提前7天通知" in response.content.decode()
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


@pytest.mark.parametrize("persona", ["clerk", "agent", "supervisor"])
def test_only_planners_and_administrators_open_the_outage_form(town: City, persona: str) -> None:
    assert signed_in(town.users[persona]).get("/notices/outages/new/").status_code == 403


def test_staff_of_another_company_do_not_see_our_outages(town: City) -> None:
    from gridcare.notices.services.outages import NewOutage, outage_register
    from gridcare.org.access import scope_for

    start = tz.now() + timedelta(hours=1)
    outage = outage_register(
        scope=scope_for(town.planner),
        actor=town.planner,
        data=NewOutage(
            kind="emergency", reason="抢修", starts_at=start, ends_at=start + timedelta(hours=2), areas=["T1"]
        ),
    )
    assert signed_in(town.agent).get(f"/notices/outages/{outage.pk}/").status_code == 200
    assert signed_in(town.foreign_clerk).get(f"/notices/outages/{outage.pk}/").status_code == 404
    assert "抢修" not in signed_in(town.foreign_clerk).get("/notices/outages/").content.decode()
