"""Who sees which key account: a 大客户经理 their own (another's is 404, page and API alike), a
台区经理 their 台区', the unit's supervisor the unit's, the other unit's supervisor none of them;
posts without the capability get 403; the export and API show the same rows; a refused write
changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gridcare.core.testing import City, api_client, signed_in, streamed
from gridcare.core.timezone import business_date
from gridcare.keyaccounts.models import EmergencyPlan, Visit
from gridcare.keyaccounts.services.plans import PlanData, plan_create
from gridcare.keyaccounts.services.visits import visit_plan
from gridcare.keyaccounts.tests.portfolio_helpers import Portfolio, portfolio_city
from gridcare.org.access import scope_for

pytestmark = pytest.mark.django_db
SOON = (business_date() + timedelta(days=5)).isoformat()


def _nos(p: Portfolio) -> dict[str, str]:
    return {"mine": p.mine.account_no, "others": p.others.account_no, "far": p.far.account_no}


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("kam", {"mine"}),
        ("supervisor", {"mine", "others"}),
        ("other_supervisor", {"far"}),
        ("admin", {"mine", "others", "far"}),
    ],
)
def test_each_post_sees_its_portfolio_on_the_page_the_export_and_the_api(
    town: City, persona: str, sees: set[str]
) -> None:
    p = portfolio_city(town)
    user = town.users[persona]
    page = signed_in(user).get("/key-accounts/").content.decode()
    export = streamed(signed_in(user).get("/key-accounts/export/?format=csv")).decode()
    listed = {row["account_no"] for row in api_client(user).get("/api/v1/key-accounts/portfolio").json()}
    for key, no in _nos(p).items():
        assert (no in page, no in export, no in listed) == ((key in sees),) * 3, (persona, key)
        status = signed_in(user).get(f"/key-accounts/{no}/").status_code
        assert status == (200 if key in sees else 404), (persona, key)
        assert api_client(user).get(f"/api/v1/key-accounts/portfolio/{no}").status_code == (200 if key in sees else 404)


@pytest.mark.parametrize("persona", ["clerk", "agent", "planner", "manager"])
def test_posts_without_the_capability_are_refused(town: City, persona: str) -> None:
    p = portfolio_city(town)
    client = signed_in(town.users[persona])
    for path in (
        "/key-accounts/",
        "/key-accounts/needs/",
        "/key-accounts/plans/due/",
        f"/key-accounts/{p.mine.account_no}/",
    ):
        assert client.get(path).status_code == 403, (persona, path)
    assert client.get("/key-accounts/assignments/").status_code == 403
    assert api_client(town.users[persona]).get("/api/v1/key-accounts/portfolio").status_code == 403


def test_a_manager_cannot_plan_visit_or_write_a_plan_for_another_managers_account(town: City) -> None:
    p = portfolio_city(town)
    api = api_client(town.kam)
    no = p.others.account_no
    assert (
        api.post(
            f"/api/v1/key-accounts/portfolio/{no}/visits",
            {"day": SOON, "purpose": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    body = {
        "critical_loads": [{"name": "x", "kw": "1", "tolerance_minutes": 0}],
        "contacts": [{"name": "a", "role": "b", "phone": "13900001111"}],
    }
    assert (
        api.post(f"/api/v1/key-accounts/portfolio/{no}/plans", body, content_type="application/json").status_code == 404
    )
    theirs = visit_plan(scope=scope_for(p.other_kam), actor=p.other_kam, account=p.others, day=SOON, purpose="走访")
    assert signed_in(town.kam).get(f"/key-accounts/visits/{theirs.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/key-accounts/visits/{theirs.pk}/cancel", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    plan = plan_create(
        scope=scope_for(p.other_kam),
        actor=p.other_kam,
        account=p.others,
        data=PlanData(critical_loads=body["critical_loads"], contacts=body["contacts"]),
    )
    assert signed_in(town.kam).get(f"/key-accounts/plans/{plan.pk}/").status_code == 404
    assert (Visit.objects.get(pk=theirs.pk).status, EmergencyPlan.objects.count()) == ("planned", 1)


def test_a_community_manager_reads_but_does_not_visit(town: City) -> None:
    p = portfolio_city(town)
    client = signed_in(town.community)
    assert client.get(f"/key-accounts/{p.mine.account_no}/").status_code == 404  # not in their 台区
    assert client.get("/key-accounts/").status_code == 200
    assert client.get("/key-accounts/visits/").status_code == 403
    assert client.get("/key-accounts/assignments/").status_code == 403


def test_the_api_refuses_bad_facts_with_422_on_the_field(town: City) -> None:
    p = portfolio_city(town)
    api = api_client(town.kam)
    made = api.post(
        f"/api/v1/key-accounts/portfolio/{p.mine.account_no}/visits",
        {"day": SOON, "purpose": "例行"},
        content_type="application/json",
    )
    assert made.status_code == 201
    visit_id = made.json()["id"]
    body = {
        "impact_grade": "major",
        "satisfaction": "satisfied",
        "load_composition": [{"use": "production", "percent": 150}],
    }
    answer = api.post(
        f"/api/v1/key-accounts/visits/{visit_id}/record", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"load_composition"}
    assert Visit.objects.get(pk=visit_id).status == "planned"


def test_the_account_page_links_its_diagnosis_and_findings_for_those_who_may_diagnose(town: City) -> None:
    p = portfolio_city(town)
    no = p.mine.account_no
    links = (f'href="/key-accounts/{no}/diagnosis/"', f'href="/key-accounts/findings/?account_no={no}"')
    for persona in ("kam", "supervisor", "admin"):
        page = signed_in(town.users[persona]).get(f"/key-accounts/{no}/").content.decode()
        assert all(link in page for link in links), persona
        assert signed_in(town.users[persona]).get(f"/key-accounts/{no}/diagnosis/").status_code == 200, persona
