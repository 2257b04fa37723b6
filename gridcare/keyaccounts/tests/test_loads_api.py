"""The load-data, diagnosis and findings API per post (KEY-3/4): who may, what they see, and
that a refusal writes nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcare.core.testing import City, api_client
from gridcare.keyaccounts.models import Finding, LoadImport
from gridcare.keyaccounts.selectors_loads import account_diagnosis
from gridcare.keyaccounts.services.remote import remote_check
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    return town


def upload(town: City) -> SimpleUploadedFile:
    lines = ["户号,时间,有功功率(kW)"]
    for m in range(0, 1440, 15):
        kw = 100 if 480 <= m < 660 else 40
        lines.append(f"{town.account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{kw}")
    return SimpleUploadedFile("负荷.csv", ("\n".join(lines) + "\n").encode())


def test_import_diagnosis_and_findings_for_the_manager(town: City) -> None:
    client = api_client(town.kam)
    answer = client.post("/api/v1/key-accounts/loads", {"file": upload(town)})
    assert answer.status_code == 201, answer.content
    assert (answer.json()["status"], answer.json()["rows"]) == ("imported", 96)
    assert client.get("/api/v1/key-accounts/loads").json()[0]["id"] == answer.json()["id"]
    no = town.account.account_no
    got = client.get(f"/api/v1/key-accounts/{no}/diagnosis?start={DAY}&end={DAY}")
    assert got.status_code == 200, got.content
    body = got.json()
    expected = account_diagnosis(account=town.account, first=DAY, last=DAY)
    assert body["energy_kwh"] == expected.profile.energy_kwh == 1140.0  # 3 h × 100 kW + 21 h × 40 kW
    assert body["max_kw"] == 100.0 and body["load_factor"] == pytest.approx(0.475)
    assert datetime.fromisoformat(body["max_at"]) == expected.peak_at
    assert body["readings"] == body["expected"] == 96
    remote_check(day=DAY)
    (finding,) = client.get("/api/v1/key-accounts/findings").json()
    assert finding["kind"] == "overload" and finding["status"] == "open"
    moved = client.post(
        f"/api/v1/key-accounts/findings/{finding['id']}/status",
        {"status": "contacted", "note": "已电话联系"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status_label"] == "已联系"


def test_refusals_per_post_write_nothing(town: City) -> None:
    no = town.account.account_no
    assert api_client(town.clerk).post("/api/v1/key-accounts/loads", {"file": upload(town)}).status_code == 403
    assert api_client(town.community).get(f"/api/v1/key-accounts/{no}/diagnosis").status_code == 403
    assert api_client(town.other_supervisor).get(f"/api/v1/key-accounts/{no}/diagnosis").status_code == 404
    assert api_client(town.planner).get(f"/api/v1/key-accounts/{no}/diagnosis").status_code == 200
    assert api_client(town.supervisor).get(f"/api/v1/key-accounts/{no}/diagnosis").status_code == 200
    bad = api_client(town.kam).get(f"/api/v1/key-accounts/{no}/diagnosis?start=2026-13-01")
    assert bad.status_code == 422 and "start" in bad.json()["errors"]
    assert LoadImport.objects.count() == 0
    api_client(town.kam).post("/api/v1/key-accounts/loads", {"file": upload(town)})
    remote_check(day=DAY)
    finding = Finding.objects.get()
    assert api_client(town.other_supervisor).get("/api/v1/key-accounts/findings").json() == []
    refused = api_client(town.planner).post(
        f"/api/v1/key-accounts/findings/{finding.pk}/status", {"status": "contacted"}, content_type="application/json"
    )
    assert refused.status_code == 403
    hidden = api_client(town.other_supervisor).post(
        f"/api/v1/key-accounts/findings/{finding.pk}/status", {"status": "contacted"}, content_type="application/json"
    )
    assert hidden.status_code == 404
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_refused_file_is_a_422_naming_its_import(town: City) -> None:
    bad = SimpleUploadedFile("bad.csv", f"户号,时间,有功功率(kW)\n{town.account.account_no},{DAY} 00:00,-1\n".encode())
    answer = api_client(town.kam).post("/api/v1/key-accounts/loads", {"file": bad})
    assert answer.status_code == 422
    refused = LoadImport.objects.get()
    assert refused.status == "refused" and str(refused.pk) in answer.json()["errors"]["file"]
    detail = api_client(town.kam).get(f"/api/v1/key-accounts/loads/{refused.pk}").json()
    assert [p["kind"] for p in detail["problem_list"]] == ["negative"]
    assert api_client(town.other_supervisor).get(f"/api/v1/key-accounts/loads/{refused.pk}").status_code == 404
