import uuid
from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import BillRun, Payment, Reading
from gridcare.billing.tests.helpers import billable, issued_bill, tariffs
from gridcare.core.testing import City, signed_in


@pytest.mark.parametrize(
    ("persona", "status"), [("admin", 200), ("clerk", 403), ("supervisor", 403), ("outsider", 404)]
)
def test_only_administrators_reach_the_bill_run_page(town: City, persona: str, status: int) -> None:
    assert signed_in(town.users[persona]).get("/billing/runs/").status_code == status


def test_starting_a_run_from_the_page_opens_it_and_shows_its_progress(town: City) -> None:
    client = signed_in(town.admin)
    asked = client.post("/billing/runs/", {"period": "2026-10", "unit": ""})
    text = asked.content.decode()
    assert asked.status_code == 200 and BillRun.objects.count() == 0  # asked first, nothing started
    sentence = "将为全部供电单位 2026-10 账期出账：在册 3 户，0 户已有抄表数据将生成账单（已出账 0 户不会重复），0 条异常抄表暂缓。确认开始出账？"
    assert sentence in text
    assert '<input type="hidden" name="period" value="2026-10">' in text and 'name="confirmed" value="1"' in text
    answer = client.post("/billing/runs/", {"period": "2026-10", "unit": "", "confirmed": "1"})
    run = BillRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/billing/runs/{run.pk}/"
    page = client.get(f"/billing/runs/{run.pk}/")
    assert page.status_code == 200
    assert "计算中" in page.content.decode()
    assert list(run.events.values_list("type", flat=True)) == ["started"]


def test_a_clerk_cannot_start_a_run(town: City) -> None:
    assert signed_in(town.clerk).post("/billing/runs/", {"period": "2026-10"}).status_code == 403
    assert BillRun.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 200),
        ("agent", 200),
        ("supervisor", 200),
        ("other_supervisor", 404),
        ("planner", 403),  # a post without bills: forbidden (the account is in reach)
        ("foreign_clerk", 404),
    ],
)
def test_bill_history_page_per_persona(town: City, persona: str, status: int) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    answer = signed_in(town.users[persona]).get(f"/billing/accounts/{town.account.account_no}/")
    assert answer.status_code == status
    if status == 200:
        assert "88.00" in answer.content.decode()


def test_bill_and_receipt_are_pdfs(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    client = signed_in(town.clerk)
    client.post(
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())},
    )
    payment = Payment.objects.get()
    for url in (
        f"/billing/accounts/{town.account.account_no}/bills/2026-10.pdf",
        f"/billing/accounts/{town.account.account_no}/receipts/{payment.pk}.pdf",
    ):
        answer = client.get(url)
        assert (answer.status_code, answer["Content-Type"], answer.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert (
        signed_in(town.foreign_clerk).get(f"/billing/accounts/{town.account.account_no}/bills/2026-10.pdf").status_code
        == 404
    )


def test_a_guide_cannot_take_a_counter_payment(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))
    signed_in(town.guide).post(
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())},
    )
    assert Payment.objects.count() == 0


def test_the_arrears_ledger_shows_only_the_viewers_unit(town: City) -> None:
    issued_bill(town.account, "2026-01", "10.00", date(2026, 2, 25))
    issued_bill(town.other_unit_account, "2026-01", "20.00", date(2026, 2, 25))
    mine = signed_in(town.supervisor).get("/billing/arrears/?by=unit").content.decode()
    assert "城区供电所" in mine and "乡镇供电所" not in mine


def test_an_administrator_imports_readings_from_the_page(town: City) -> None:
    tariffs()
    billable(town.account)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "r.csv", f"户号,账期,抄表日期,上次示数,本次示数\n{town.account.account_no},2026-10,2026-10-28,10,60\n".encode()
    )
    answer = signed_in(town.admin).post("/billing/readings/", {"file": upload})
    assert answer.status_code == 302
    assert Reading.objects.get().kwh == Decimal("50.00")
