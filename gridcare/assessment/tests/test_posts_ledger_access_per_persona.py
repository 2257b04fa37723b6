"""Every persona of the City against every page and endpoint of 岗位管理 and 奖惩台账 (issue 14):
supervisors see their unit's people, hall managers their hall's, planners and administrators the
company's (administrators every company's), every other post only itself; the outsider nothing.
Changing a post state asks POST_STATE_EDIT, proposing LEDGER_PROPOSE, deciding LEDGER_APPROVE;
whoever is refused changes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from gridcare.assessment.models import LedgerEntry, LedgerEvent, PostEvent, PostState
from gridcare.assessment.services.ledger import NewEntry, ledger_propose
from gridcare.core.testing import PERSONAS, City, api_client, signed_in, streamed
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

# Whom each persona sees (by persona name); the outsider nobody.
SEES: dict[str, set[str]] = {
    "clerk": {"clerk"},
    "guide": {"guide"},
    "manager": {"clerk", "guide", "manager"},
    "other_manager": {"other_manager"},
    "agent": {"agent"},
    "supervisor": {"clerk", "guide", "manager", "supervisor", "kam", "community"},
    "other_supervisor": {"other_manager", "other_supervisor"},
    "kam": {"kam"},
    "community": {"community"},
    "planner": {
        "clerk",
        "guide",
        "manager",
        "other_manager",
        "agent",
        "supervisor",
        "other_supervisor",
        "kam",
        "community",
        "planner",
        "admin",
    },
    "admin": {
        "clerk",
        "guide",
        "manager",
        "other_manager",
        "agent",
        "supervisor",
        "other_supervisor",
        "kam",
        "community",
        "planner",
        "admin",
        "foreign_clerk",
    },
    "foreign_clerk": {"foreign_clerk"},
    "outsider": set(),
}
EDITORS = {"manager", "supervisor", "admin", "other_manager", "other_supervisor"}  # POST_STATE_EDIT, LEDGER_PROPOSE
APPROVERS = {"supervisor", "other_supervisor", "admin"}  # LEDGER_APPROVE


def _no(town: City, persona: str) -> str:
    return Staff.objects.get(user=town.users[persona]).employee_no


def _state() -> tuple[Any, ...]:
    return (
        list(PostState.objects.order_by("id").values_list("staff_id", "state")),
        PostEvent.objects.count(),
        list(LedgerEntry.objects.order_by("id").values_list("id", "status", "decided_by_id")),
        LedgerEvent.objects.count(),
    )


@pytest.fixture
def entry(town: City) -> LedgerEntry:
    """A reward for the clerk of H1, proposed by H1's manager, one for every other person by the
    administrator (so each persona's list shows whom it sees)."""
    first = ledger_propose(
        scope=scope_for(town.manager),
        actor=town.manager,
        data=NewEntry(_no(town, "clerk"), "reward", 5, "100.00", "客户表扬", "praise_order", "2026-11"),
    )
    for persona in SEES["admin"] - {"clerk", "admin"}:
        ledger_propose(
            scope=scope_for(town.admin),
            actor=town.admin,
            data=NewEntry(_no(town, persona), "penalty", 1, None, "迟到", "supervisor_finding", "2026-11"),
        )
    return first


def _names(town: City, numbers: list[str]) -> set[str]:
    by_no = {_no(town, p): p for p in SEES["admin"]}
    return {by_no[n] for n in numbers}


def _client(town: City, persona: str) -> Client:
    return signed_in(town.users[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_post_list_its_export_and_the_api_show_whom_the_post_sees(town: City, persona: str) -> None:
    client = _client(town, persona)
    page = client.get("/assessment/posts/")
    if persona == "outsider":
        assert page.status_code == 404
        assert client.get("/assessment/posts/export/").status_code == 404
        assert api_client(town.users[persona]).get("/api/v1/assessment/post-states").json() == []
        return
    assert page.status_code == 200
    assert _names(town, [row.employee_no for row in page.context["page"]]) == SEES[persona]
    assert page.context["page"].total == len(SEES[persona])
    lines = streamed(client.get("/assessment/posts/export/?format=csv")).decode("utf-8-sig").splitlines()
    assert _names(town, [line.split(",")[0] for line in lines[1:]]) == SEES[persona]
    answer = api_client(town.users[persona]).get("/api/v1/assessment/post-states?page_size=100")
    assert answer.status_code == 200 and answer["X-Total-Count"] == str(len(SEES[persona]))
    assert _names(town, [row["employee_no"] for row in answer.json()]) == SEES[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persons_post_page_opens_for_those_who_see_them(town: City, persona: str) -> None:
    client = _client(town, persona)
    for other in SEES["admin"]:
        status = client.get(f"/assessment/posts/{_no(town, other)}/").status_code
        assert status == (200 if other in SEES[persona] else 404), (persona, other, status)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_ledger_its_export_and_the_api_show_the_entries_of_whom_the_post_sees(
    town: City, entry: LedgerEntry, persona: str
) -> None:
    client = _client(town, persona)
    page = client.get("/assessment/ledger/")
    expected = SEES[persona] - {"admin"}  # nobody proposed anything about the administrator
    if persona == "outsider":
        assert page.status_code == 404
        assert client.get("/assessment/ledger/export/").status_code == 404
        assert api_client(town.users[persona]).get("/api/v1/assessment/ledger").json() == []
        return
    assert page.status_code == 200
    assert _names(town, [e.staff.employee_no for e in page.context["page"]]) == expected
    sheet = load_workbook(io.BytesIO(streamed(client.get("/assessment/ledger/export/?format=xlsx")))).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert _names(town, [str(r[0]) for r in rows]) == expected
    answer = api_client(town.users[persona]).get("/api/v1/assessment/ledger?page_size=100")
    assert _names(town, [row["employee_no"] for row in answer.json()]) == expected
    status = client.get(f"/assessment/ledger/{entry.pk}/").status_code
    assert status == (200 if "clerk" in SEES[persona] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_editors_open_the_proposal_form(town: City, persona: str) -> None:
    status = _client(town, persona).get("/assessment/ledger/new/").status_code
    assert status == (200 if persona in EDITORS else 404 if persona == "outsider" else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_changing_the_clerks_post_by_page_and_api(town: City, persona: str) -> None:
    clerk = _no(town, "clerk")
    body = {"state": "training", "reason": "岗前培训"}
    before = _state()
    page = _client(town, persona).post(f"/assessment/posts/{clerk}/", {**body, "confirmed": "1"})
    may = persona in EDITORS and "clerk" in SEES[persona]
    if may:
        assert page.status_code == 302
        assert list(PostState.objects.values_list("state", flat=True)) == ["training"]
        PostState.objects.all().delete()
        PostEvent.objects.all().delete()
    else:
        assert page.status_code == (403 if "clerk" in SEES[persona] else 404)
        assert _state() == before
    answer = api_client(town.users[persona]).post(
        "/api/v1/assessment/post-states", json.dumps({"employee_no": clerk, **body}), content_type="application/json"
    )
    expected = 201 if may else 404 if persona in EDITORS else 403
    assert answer.status_code == expected, answer.content
    if not may:
        assert _state() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_proposing_by_page_and_api(town: City, persona: str) -> None:
    clerk = _no(town, "clerk")
    body = {
        "kind": "reward",
        "points": "5",
        "amount": "",
        "period": "2026-11",
        "source_kind": "praise_order",
        "reason": "客户表扬",
    }
    before = _state()
    page = _client(town, persona).post("/assessment/ledger/new/", {**body, "staff": clerk})
    may = persona in EDITORS and "clerk" in SEES[persona]
    if may:
        assert page.status_code == 302
    elif persona in EDITORS:  # the clerk is not offered: refused on the picker, nothing written
        assert page.status_code == 200 and "staff" in page.context["form"].errors
    else:
        assert page.status_code == (404 if persona == "outsider" else 403)
    assert LedgerEntry.objects.count() == (1 if may else 0)
    LedgerEvent.objects.all().delete()
    LedgerEntry.objects.all().delete()
    api_body = {**body, "points": 5, "amount": None, "employee_no": clerk}
    answer = api_client(town.users[persona]).post(
        "/api/v1/assessment/ledger", json.dumps(api_body), content_type="application/json"
    )
    assert answer.status_code == (201 if may else 422 if persona in EDITORS else 403), answer.content
    if persona in EDITORS and not may:
        assert answer.json()["errors"] == {"employee_no": "请选择您管辖范围内的员工。"}
    assert LedgerEntry.objects.count() == (1 if may else 0)
    assert _state()[:2] == before[:2]


@pytest.mark.parametrize("persona", PERSONAS)
def test_approving_by_page_and_api(town: City, entry: LedgerEntry, persona: str) -> None:
    before = _state()
    page = _client(town, persona).post(f"/assessment/ledger/{entry.pk}/approve/", {"note": "同意"})
    sees = "clerk" in SEES[persona]
    may = persona in APPROVERS and sees
    if may:
        assert page.status_code == 302
        entry.refresh_from_db()
        assert (entry.status, entry.decided_by) == ("approved", town.users[persona])
        LedgerEntry.objects.filter(pk=entry.pk).update(status="proposed", decided_by=None, decided_at=None)
        LedgerEvent.objects.filter(entry=entry, type="approved").delete()
    else:
        assert page.status_code == (403 if sees else 404)
    assert _state() == before
    answer = api_client(town.users[persona]).post(
        f"/api/v1/assessment/ledger/{entry.pk}/approve", json.dumps({"note": "同意"}), content_type="application/json"
    )
    assert answer.status_code == (200 if may else 404 if persona in APPROVERS else 403), answer.content
    if may:
        assert answer.json()["status"] == "approved"
    else:
        assert _state() == before
