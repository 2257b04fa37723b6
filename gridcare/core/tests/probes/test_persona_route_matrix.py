"""Every persona of the City against every page and every API operation (issue 11).

For each page route (GET, parameters filled from the probes' world) and each API operation:
never a server error; nobody signed in is sent to the sign-in page (pages) or answered 401 (API);
the outsider (no post) and the other company's clerk see nothing of the company — a refusal, a
redirect, or a 200 that names none of the city's accounts, customers, halls or orders. Where the
README says who may open a page, EXPECTED names them: those get 200, everyone else a refusal.
The administrators-only writes (calendar, jobs, sign-in security) are tried as every persona.
A (route, persona) that fails today is in KNOWN_FAILURES (strict xfail; remove it once fixed).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from config.api import api
from gridcare.core.models import ApiToken, CalendarChange
from gridcare.core.testing import api_client
from gridcare.core.tests.probes.routes import LOG_TABLES, Route, body_of, changed, page_routes, row_counts
from gridcare.core.tests.probes.world import PERSONAS, World
from gridcare.jobs.models import Job

OUTSIDERS = {"outsider", "foreign_clerk"}
HALL_STAFF = {"clerk", "guide", "manager"}  # of hall H1, the hall the pages are asked for

# Pages whose access the README states: route → the personas that get 200 (the rest a refusal).
EXPECTED: dict[str, set[str]] = {
    # 账号安全 and 后台任务: administrators only.
    "security:locks": {"admin"},
    "security:unlock": {"admin"},
    "security:tokens": {"admin"},
    "security:events": {"admin"},
    "jobs:index": {"admin"},
    "jobs:detail": {"admin"},
    "jobs:run": {"admin"},
    # The working-day calendar: administrators edit, supervisors may look (saving is tried below).
    "calendar:list": {"admin", "supervisor", "other_supervisor"},
    "calendar:year": {"admin", "supervisor", "other_supervisor"},
    # The service hall's screens (README table "who"), for hall H1 of unit U1.
    # (The kiosk, board and pad are becoming paired devices, SEC-3: their own tests say who.)
    "halls:terminals": HALL_STAFF | {"supervisor", "admin"},
    "halls:floor": {"manager", "supervisor", "admin"},
    "halls:figures": {"manager", "supervisor", "admin"},
    "halls:figures_export": {"manager", "supervisor", "admin"},
    "halls:setup": {"manager", "admin"},
    # The archive-quality worklist: hall managers, supervisors, community and key-account managers.
    "customers:worklist": {"manager", "other_manager", "supervisor", "other_supervisor", "community", "kam", "admin"},
    "customers:worklist_export": {
        "manager",
        "other_manager",
        "supervisor",
        "other_supervisor",
        "community",
        "kam",
        "admin",
    },
    # Billing office pages: administrators and billing clerks (the City has no billing clerk).
    "billing:runs": {"admin"},
    "billing:run": {"admin"},
    "billing:readings": {"admin"},
    "billing:dunning": {"admin"},
    "billing:dunning_export": {"admin"},
    "billing:reconciliations": {"admin"},
    "billing:debit_batches": {"admin"},
    "billing:tariffs": {"admin"},
    "billing:tariff_new": {"admin"},
    # An account's bills and payments: counter, hall, 95598, key-account, community, supervision
    # and billing posts, for accounts in reach (U1's supervisor, not U2's; not the planner).
    "billing:account": HALL_STAFF | {"other_manager", "agent", "supervisor", "kam", "community", "admin"},
    "billing:bill_pdf": HALL_STAFF | {"other_manager", "agent", "supervisor", "kam", "community", "admin"},
    "billing:receipt_pdf": HALL_STAFF | {"other_manager", "agent", "supervisor", "kam", "community", "admin"},
    # Notice wording: administrators and supervisors; outages: planners (and administrators).
    "notices:template_edit": {"admin", "supervisor", "other_supervisor"},
    "notices:outage_new": {"planner", "admin"},
}

# Pages anybody may open, signed in or not.
PUBLIC = {"login", "set_language", "halls:device_pair"}

# (route or "METHOD /api/path", persona) → what fails today; issue 11, being fixed in the app named.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _param(key: str, thing: Any, persona: str) -> Any:
    marks = []
    if (key, persona) in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=f"issue 11: {KNOWN_FAILURES[(key, persona)]}"))
    return pytest.param(thing, persona, marks=marks, id=f"{key}-{persona}")


def _client(probe: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(probe.town.users[persona])
    return client


def _markers(probe: World) -> list[str]:
    """What of the city a page must not show to the outsiders."""
    town = probe.town
    return [
        town.account.account_no,
        town.other_unit_account.account_no,
        town.account.customer.name,
        town.other_unit_account.customer.name,
        town.hall.name,
        town.other_hall.name,
        probe.order.number,
    ]


def _shows_the_city(probe: World, body: bytes) -> list[str]:
    text = body.decode(errors="replace")
    return [m for m in _markers(probe) if m in text]


@pytest.mark.parametrize(("route", "persona"), [_param(r.name, r, p) for r in page_routes() for p in PERSONAS])
def test_page_access(route: Route, persona: str, probe: World) -> None:
    url = route.fill("real", probe.real(route.name))
    answer = _client(probe, persona).get(url)
    status = answer.status_code
    assert status < 500, (url, status)
    if route.name in PUBLIC:
        return
    if persona == "anonymous":
        if status != 405:  # a POST-only route says so first
            assert status == 302, (url, status)
            assert answer["Location"].startswith(resolve_url(settings.LOGIN_URL)), answer["Location"]
        return
    if persona in OUTSIDERS:
        assert status in (200, 302, 403, 404, 405), (url, status)
        if status == 200:
            assert not _shows_the_city(probe, body_of(answer)), url
    if route.name in EXPECTED:
        allowed = EXPECTED[route.name]
        if persona in allowed:
            assert status == 200, (url, status)
        else:
            assert status in (302, 403, 404), (url, status)


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def _api_url(path: str, probe: World) -> str:
    real = probe.real("api")
    real["number"] = probe.order.number
    for name, value in real.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{reference}", "NOSUCHREF").replace("{outage_id}", str(probe.outage.pk))


def _api_client(probe: World, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    return api_client(probe.town.users[persona])


# Operations that take other credentials than a signed-in person's.
OWN_AUTH = {
    ("POST", "/api/v1/auth/token"),  # a username and password
    ("POST", "/api/v1/notices/receipts"),  # the gateway's signature
    ("POST", "/api/v1/devices/pair"),  # a hall device's one-time code
}
# Anyone signed in may end their own token (204).
SIGN_OUT = ("POST", "/api/v1/auth/logout")


@pytest.mark.parametrize(
    ("operation", "persona"), [_param(f"{m} {p}", (m, p), persona) for m, p in _operations() for persona in PERSONAS]
)
def test_api_access(operation: tuple[str, str], persona: str, probe: World) -> None:
    method, path = operation
    url = _api_url(path, probe)
    client = _api_client(probe, persona)
    before = row_counts()
    if method == "GET":
        answer = client.get(url)
    else:
        answer = client.generic(method, url, data="{}", content_type="application/json")
    status = answer.status_code
    assert status < 500, (method, url, status, answer.content[:200])
    if operation in OWN_AUTH:
        return
    if persona == "anonymous":
        assert status == 401, (method, url, status)
        assert set(answer.json()) == {"detail", "errors"}
    elif persona in OUTSIDERS and operation != SIGN_OUT:
        assert status in (200, 401, 403, 404, 422), (method, url, status)
        if status == 200:
            assert method == "GET" and not _shows_the_city(probe, answer.content), (method, url, answer.content[:200])
    if persona in OUTSIDERS | {"anonymous"}:
        writes = {t: d for t, d in changed(before, row_counts()).items() if t not in LOG_TABLES}
        assert not writes, (method, url, writes)


def _admin_only_state() -> tuple[Any, ...]:
    return (
        list(Job.objects.order_by("pk").values()),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        CalendarChange.objects.count(),
    )


def _calendar_body(probe: World) -> str:
    answer = api_client(probe.town.admin).get("/api/v1/calendar/years/2026")
    assert answer.status_code == 200, answer.content
    return json.dumps(answer.json())


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_only_administrators_save_the_calendar_run_jobs_and_unlock(persona: str, probe: World) -> None:
    """What an administrator would post, posted by everyone else: refused, nothing changed."""
    page = _client(probe, persona)
    api_caller = _api_client(probe, persona)
    year = _calendar_body(probe)
    token = probe.token_id
    before = (_admin_only_state(), row_counts())
    posts = {
        "/jobs/send_notices/run/": {},
        "/security/unlock/": {"kind": "account", "value": "clerk", "confirm": "1"},
        f"/security/tokens/{token}/revoke/": {"confirm": "1"},
        "/calendar/2026/": {
            "source": "国办发明电〔2025〕7号",
            "h-TOTAL_FORMS": "0",
            "m-TOTAL_FORMS": "0",
            "confirm": "1",
        },
    }
    for url, body in posts.items():
        answer = page.post(url, data=body)
        assert answer.status_code in (302, 403, 404), (url, answer.status_code)
        if answer.status_code == 302:
            assert answer["Location"].startswith(resolve_url(settings.LOGIN_URL)), (url, answer["Location"])
    put = api_caller.put("/api/v1/calendar/years/2026", data=year, content_type="application/json")
    assert put.status_code in (401, 403, 404), put.content
    after = (_admin_only_state(), row_counts())
    assert after[0] == before[0]
    assert not {t: d for t, d in changed(before[1], after[1]).items() if t not in LOG_TABLES}
