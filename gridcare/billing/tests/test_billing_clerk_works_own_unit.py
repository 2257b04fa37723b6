from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcare.billing.models import BillRun, ExceptionStatus, IntervalReading, Reading, ReadingException, ReadingImport
from gridcare.billing.services.readings import intervals_import, readings_import
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for


@pytest.mark.parametrize(
    ("persona", "status"),
    [("admin", 200), ("billing", 200), ("clerk", 403), ("supervisor", 403), ("outsider", 404)],
)
def test_billing_office_pages_per_persona(town: City, persona: str, status: int) -> None:
    users = {**town.users, "billing": billing_clerk(town)}
    client = signed_in(users[persona])
    for url in (
        "/billing/runs/",
        "/billing/readings/",
        "/billing/dunning/",
        "/billing/reconciliations/",
        "/billing/debit/",
    ):
        assert client.get(url).status_code == status, url


def test_a_billing_clerk_starts_a_run_for_their_own_unit(town: City) -> None:
    client = signed_in(billing_clerk(town))
    answer = client.post("/billing/runs/", {"period": "2026-10", "unit": "", "confirmed": "1"})
    run = BillRun.objects.get()
    assert (answer.status_code, run.unit, run.scope_key) == (302, town.unit, "U1")
    assert client.get(f"/billing/runs/{run.pk}/").status_code == 200


def test_a_billing_clerk_cannot_start_another_units_run(town: City) -> None:
    client = signed_in(billing_clerk(town))
    for confirmed in ("", "1"):  # refused when asked and when confirmed
        answer = client.post("/billing/runs/", {"period": "2026-10", "unit": "U2", "confirmed": confirmed})
        assert answer.status_code == 200
        assert "您只能办理本供电单位（U1）的业务。" in answer.content.decode()
        assert 'name="confirmed"' not in answer.content.decode()
    assert BillRun.objects.count() == 0


def test_another_units_run_and_the_company_run_are_not_found_for_a_billing_clerk(town: City) -> None:
    theirs = BillRun.objects.create(period="2026-10", unit=town.other_unit, scope_key="U2")
    company = BillRun.objects.create(period="2026-10", scope_key="*")
    mine = BillRun.objects.create(period="2026-10", unit=town.unit, scope_key="U1")
    client = signed_in(billing_clerk(town))
    assert [client.get(f"/billing/runs/{r.pk}/").status_code for r in (theirs, company, mine)] == [404, 404, 200]
    listed = client.get("/billing/runs/").context["page"]
    assert [r.pk for r in listed] == [mine.pk]
    admin = signed_in(town.admin)
    assert [admin.get(f"/billing/runs/{r.pk}/").status_code for r in (theirs, company, mine)] == [200, 200, 200]


def _monthly(*account_nos: str) -> bytes:
    lines = ["户号,账期,抄表日期,上次示数,本次示数"] + [f"{no},2026-10,2026-10-28,10,60" for no in account_nos]
    return ("\n".join(lines) + "\n").encode()


def test_a_billing_clerk_imports_readings_of_their_own_unit(town: City) -> None:
    tariffs()
    clerk = billing_clerk(town)
    batch = readings_import(
        file_name="r.csv", content=_monthly(town.account.account_no), actor=clerk, scope=scope_for(clerk)
    )
    assert (batch.rows, Reading.objects.get().kwh) == (1, Decimal("50.00"))


def test_a_file_with_another_units_account_is_refused_whole_naming_the_line(town: City) -> None:
    clerk = billing_clerk(town)
    content = _monthly(town.account.account_no, town.other_unit_account.account_no, town.foreign_account.account_no)
    with pytest.raises(InvalidInput) as refused:
        readings_import(file_name="r.csv", content=content, actor=clerk, scope=scope_for(clerk))
    assert refused.value.errors == {
        "第3行": f"户号 {town.other_unit_account.account_no} 不属于您的供电单位，无权导入",
        "第4行": f"户号 {town.foreign_account.account_no} 不存在",
    }
    assert (Reading.objects.count(), ReadingImport.objects.count()) == (0, 0)
    # The page shows the same message and imports nothing.
    upload = SimpleUploadedFile("r.csv", content)
    page = signed_in(clerk).post("/billing/readings/", {"file": upload})
    assert f"第3行：户号 {town.other_unit_account.account_no} 不属于您的供电单位，无权导入" in page.content.decode()
    assert Reading.objects.count() == 0
    # The company-wide command imports what the clerk may not.
    readings_import(file_name="r.csv", content=_monthly(town.other_unit_account.account_no), actor=None)
    assert Reading.objects.count() == 1


def test_interval_data_of_another_unit_are_refused_whole(town: City) -> None:
    clerk = billing_clerk(town)
    content = (
        f"户号,开始时间,电量\n{town.account.account_no},2026-10-01 00:00,1.25\n"
        f"{town.other_unit_account.account_no},2026-10-01 00:00,1.25\n"
    ).encode()
    with pytest.raises(InvalidInput) as refused:
        intervals_import(file_name="c.csv", content=content, actor=clerk, scope=scope_for(clerk))
    assert refused.value.errors == {"第3行": f"户号 {town.other_unit_account.account_no} 不属于您的供电单位，无权导入"}
    assert (IntervalReading.objects.count(), ReadingImport.objects.count()) == (0, 0)


def test_a_billing_clerk_resolves_exceptions_of_their_unit_only(town: City) -> None:
    tariffs()
    mine = reading(billable(town.account), "2026-10", "900", status="held")
    theirs = reading(billable(town.other_unit_account), "2026-10", "900", status="held")
    mine_exc = ReadingException.objects.create(reading=mine, kind="spike")
    their_exc = ReadingException.objects.create(reading=theirs, kind="spike")
    client = signed_in(billing_clerk(town))
    listed = client.get("/billing/readings/").context["exceptions"]
    assert [e.pk for e in listed] == [mine_exc.pk]
    assert client.post(f"/billing/readings/exceptions/{their_exc.pk}/", {"action": "accepted"}).status_code == 404
    assert client.post(f"/billing/readings/exceptions/{mine_exc.pk}/", {"action": "accepted"}).status_code == 302
    their_exc.refresh_from_db()
    mine_exc.refresh_from_db()
    assert (mine_exc.status, their_exc.status) == (ExceptionStatus.ACCEPTED, ExceptionStatus.OPEN)
    assert list(Reading.objects.order_by("account_id").values_list("status", flat=True)) == ["valid", "held"]


def test_the_home_page_offers_a_billing_clerk_the_billing_office_pages(town: City) -> None:
    page = signed_in(billing_clerk(town)).get("/").content.decode()
    for label in ("抄核收出账", "抄表数据与异常", "催费与停复电", "渠道对账", "银行代扣"):
        assert label in page
    assert "催费与停复电" not in signed_in(town.clerk).get("/").content.decode()


def test_a_refused_run_start_by_a_counter_clerk_changes_nothing(town: City) -> None:
    assert signed_in(town.clerk).post("/billing/runs/", {"period": "2026-10", "unit": "U1"}).status_code == 403
    assert BillRun.objects.count() == 0
