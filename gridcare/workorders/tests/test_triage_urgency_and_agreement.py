"""The agent overrides the suggested urgency like type and class (danger words still force urgent),
the suggestion is stored beside the final choice, and the agreement between them (type, class,
urgency; last 30 days and in all) is a live figure on the work-order figures page (WO-6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client

from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders.models import OrderEvent, TriageOverride, WorkOrder
from gridcare.workorders.selectors import Agreement, figures
from gridcare.workorders.tests.conftest import Clock, take


def _create(client: Client, **body: object) -> Any:
    return client.post("/api/v1/workorders", {"channel": "phone_95598", **body}, "application/json")


def test_the_agents_urgency_is_kept_beside_the_suggestion(town: City, clock: Clock) -> None:
    response = _create(api_client(town.agent), text="家里停电了", urgency="high", account_no=town.account.account_no)
    assert response.status_code == 201
    body = response.json()
    assert (body["type"], body["urgency"], body["suggestion"]["urgency"]) == ("fault", "high", "normal")
    order = WorkOrder.objects.get()
    assert (order.suggested_type, order.suggested_class, order.suggested_urgency, order.urgency) == (
        "fault",
        "",
        "normal",
        "high",
    )
    override = TriageOverride.objects.get()
    assert (override.suggested_type, override.chosen_type, override.suggested_urgency, override.chosen_urgency) == (
        "fault",
        "fault",
        "normal",
        "high",
    )
    event = order.events.get(type=OrderEvent.Type.TRIAGE_OVERRIDDEN)
    assert event.parameters == {
        "suggested": "fault",
        "chosen": "fault",
        "suggested_urgency": "normal",
        "chosen_urgency": "high",
    }


def test_danger_words_stay_urgent_whatever_the_agent_chose(town: City, clock: Clock) -> None:
    for chosen in ("low", "normal"):
        order = take(town.agent, text="门口电线掉在地上冒火花", urgency=chosen)
        assert (order.urgency, order.suggested_urgency) == ("high", "high")
    assert not TriageOverride.objects.exists()


def test_without_a_choice_the_rule_decides_for_the_final_type(town: City, clock: Clock) -> None:
    order = take(town.agent, text="请问电费怎么交", type="opinion")
    assert (order.type, order.urgency, order.suggested_type, order.suggested_urgency) == (
        "opinion",
        "low",
        "inquiry",
        "low",
    )


def test_an_unknown_urgency_is_refused_and_nothing_is_written(town: City, clock: Clock) -> None:
    response = _create(api_client(town.agent), text="家里停电了", urgency="asap")
    assert response.status_code == 422
    assert response.json()["errors"] == {"urgency": "紧急程度不在允许范围内。"}
    assert (WorkOrder.objects.count(), OrderEvent.objects.count(), TriageOverride.objects.count()) == (0, 0, 0)


def test_the_intake_page_takes_the_urgency(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    response = client.post(
        "/workorders/new/", {"channel": "phone_95598", "text": "营业厅工作人员态度很差", "urgency": "low"}
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert (order.type, order.complaint_class, order.urgency, order.suggested_urgency) == (
        "complaint",
        "service",
        "low",
        "normal",
    )
    assert 'name="urgency"' in client.get("/workorders/new/").content.decode()


def _history(town: City, clock: Clock) -> None:
    """Forty days ago: one order filed as suggested, and one from before suggestions were kept.
    In the last 30 days: one filed as suggested, a complaint re-classed, a fault made urgent, an
    inquiry filed as an opinion."""
    now = clock.at
    clock.set(now - timedelta(days=40))
    take(town.agent, text="营业厅工作人员态度很差")
    legacy = take(town.agent, text="家里停电了", type="inquiry")
    WorkOrder.objects.filter(pk=legacy.pk).update(suggested_type="", suggested_class="", suggested_urgency="")
    clock.set(now - timedelta(days=3))
    take(town.agent, text="这个月电费突然多了八百元，肯定是抄错表了")
    take(town.agent, text="营业厅工作人员态度很差", type="complaint", complaint_class="business")
    take(town.agent, text="家里停电了", urgency="high")
    take(town.agent, text="请问电费怎么交", type="opinion")
    clock.set(now)


def test_the_agreement_is_computed_from_the_stored_orders(town: City, clock: Clock) -> None:
    _history(town, clock)
    f = figures(scope=scope_for(town.agent), start=clock.at - timedelta(days=30), end=clock.at)
    assert f.agreement_recent == Agreement(orders=4, type_agreed=3, complaints=2, class_agreed=1, urgency_agreed=3)
    assert f.agreement_all == Agreement(orders=5, type_agreed=4, complaints=3, class_agreed=2, urgency_agreed=4)


def test_the_figures_page_shows_the_agreement_live(town: City, clock: Clock) -> None:
    _history(town, clock)
    client = signed_in(town.agent)
    html = client.get("/workorders/figures/").content.decode()
    section = html[html.index('id="triage-agreement"') :]
    rows = section[: section.index("</tbody>")]
    assert '<tr><th>工单类型</th>\n      <td>75% <small class="muted">3/4</small></td>' in rows
    assert '<td>80% <small class="muted">4/5</small></td></tr>' in rows
    assert '<td>50% <small class="muted">1/2</small></td>' in rows  # complaint class, last 30 days
    assert '<td>67% <small class="muted">2/3</small></td></tr>' in rows  # complaint class, in all
    # One more order filed as suggested moves the figure at once.
    take(town.agent, text="请问电费怎么交")
    again = client.get("/workorders/figures/").content.decode()
    assert '<td>80% <small class="muted">4/5</small></td>' in again[again.index('id="triage-agreement"') :]
