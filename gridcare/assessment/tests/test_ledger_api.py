"""/api/v1/assessment/post-states and /ledger (issue 14): in the OpenAPI document, the pages'
rules as JSON in the house error shape; two-person approval and the double click as on the page."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from config.api import api
from gridcare.assessment.models import LedgerEntry, LedgerEvent, PostState
from gridcare.assessment.tests.test_posts_standby import verify_against
from gridcare.core.testing import City, api_client
from gridcare.workorders.tests.conftest import Clock


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


PROPOSAL = {
    "employee_no": "T0001",
    "kind": "penalty",
    "points": 3,
    "amount": "50.00",
    "reason": "未按规范唱收唱付",
    "source_kind": "supervisor_finding",
    "period": "2026-11",
}


def test_the_operations_are_in_the_openapi_document() -> None:
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert set(paths["/api/v1/assessment/post-states"]) == {"get", "post"}
    assert set(paths["/api/v1/assessment/ledger"]) == {"get", "post"}
    for action in ("approve", "reject", "withdraw"):
        assert set(paths[f"/api/v1/assessment/ledger/{{entry_id}}/{action}"]) == {"post"}


def test_a_proposal_approved_by_a_second_person_and_clicked_twice(town: City) -> None:
    made = _post(api_client(town.manager), "/api/v1/assessment/ledger", PROPOSAL)
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["points"], body["amount"], body["status"], body["proposed_by"]) == (-3, "50.00", "proposed", "manager")
    url = f"/api/v1/assessment/ledger/{body['id']}/approve"
    supervisor = api_client(town.supervisor)
    first = _post(supervisor, url, {"note": "同意"})
    assert first.status_code == 200 and first.json()["status"] == "approved"
    again = _post(supervisor, url, {"note": "同意"})
    assert again.status_code == 200 and again.json() == first.json()
    assert LedgerEvent.objects.count() == 2
    late = _post(api_client(town.admin), f"/api/v1/assessment/ledger/{body['id']}/reject", {"note": "不同意"})
    assert late.status_code == 409
    assert late.json() == {"detail": "这条奖惩记录已“已批准”，不能再办理。", "errors": {}}
    assert LedgerEvent.objects.count() == 2


def test_the_proposer_is_refused_in_the_house_shape(town: City) -> None:
    client = api_client(town.supervisor)
    entry = _post(client, "/api/v1/assessment/ledger", PROPOSAL).json()
    answer = _post(client, f"/api/v1/assessment/ledger/{entry['id']}/approve", {})
    assert answer.status_code == 403
    assert answer.json() == {"detail": "提出人不能审批自己提出的奖惩，请由另一位审批人办理。", "errors": {}}
    assert LedgerEntry.objects.get().status == "proposed"


def test_bad_input_is_a_422_on_its_field_and_writes_nothing(town: City) -> None:
    client = api_client(town.manager)
    answer = _post(client, "/api/v1/assessment/ledger", {**PROPOSAL, "points": -3, "period": "11/2026"})
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": "奖惩记录有误。",
        "errors": {"points": "请填写分值的绝对值，处罚自动记为负分。", "period": "考核月份格式应为 2026-11。"},
    }
    assert _post(client, "/api/v1/assessment/ledger", {**PROPOSAL, "amount": "NaN"}).status_code == 422
    assert _post(client, "/api/v1/assessment/ledger", {**PROPOSAL, "kind": "bonus"}).status_code == 422
    assert _post(client, "/api/v1/assessment/ledger", {**PROPOSAL, "employee_no": "T0001\x00"}).status_code == 422
    listed = client.get("/api/v1/assessment/ledger?period=2026-13")
    assert listed.status_code == 422 and listed.json()["errors"] == {"period": "考核月份格式应为 2026-11。"}
    assert (LedgerEntry.objects.count(), LedgerEvent.objects.count()) == (0, 0)
    huge = _post(api_client(town.supervisor), f"/api/v1/assessment/ledger/{2**70}/approve", {})
    assert huge.status_code == 404


def test_the_post_states_api_lifts_standby_only_for_a_supervisor_with_the_retraining(town: City, clock: Clock) -> None:
    verify_against(town, town.clerk)
    body = {"employee_no": "T0001", "state": "on_duty", "reason": "复训合格"}
    refused = _post(api_client(town.manager), "/api/v1/assessment/post-states", {**body, "retraining": "已复训"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "待岗人员须经复训后由监察考核员恢复上岗。"
    client = api_client(town.supervisor)
    missing = _post(client, "/api/v1/assessment/post-states", body)
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"retraining": "恢复上岗前请填写复训情况。"}
    assert list(PostState.objects.values_list("state", flat=True)) == ["standby"]
    done = _post(client, "/api/v1/assessment/post-states", {**body, "retraining": "服务规范复训 4 学时"})
    assert done.status_code == 201
    assert (done.json()["employee_no"], done.json()["state"], done.json()["state_label"]) == (
        "T0001",
        "on_duty",
        "在岗",
    )
    listed = client.get("/api/v1/assessment/post-states?state=standby")
    assert listed.json() == [] and listed["X-Total-Count"] == "0"
