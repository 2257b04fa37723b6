"""Convention 6 on the dunning page: a refused dunning step or reconnection answers 200 with the
page (its filters kept) and that row's form as it was sent: the date typed stays, the Chinese
message is beside the date when it is about the date, else above the form; nothing is written.
Each row's form has ids of its own; a post without the capability is 403; a step that is taken
still redirects with its confirmation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from gridcare.billing.models import Bill, DunningStep, DunningStepKind
from gridcare.billing.services.arrears import dunning_record
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.core.tests.probes.routes import LOG_TABLES, row_counts
from gridcare.org.access import scope_for

TODAY = date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with mock.patch("gridcare.billing.office_views.business_date", return_value=TODAY):
        yield


@pytest.fixture
def office(town: City) -> Client:
    """A billing clerk of U1, signed in."""
    return signed_in(billing_clerk(town))


def _written() -> dict[str, int]:
    return {table: n for table, n in row_counts().items() if table not in LOG_TABLES}


def _field(html: str, field_id: str) -> str:
    found = re.search(rf'<div class="field[^"]*"><label for="{field_id}">.*?</div>', html, re.S)
    assert found, f"no field {field_id}"
    return found.group(0)


@pytest.fixture
def reminded(town: City) -> Bill:
    """Reminded, 12 days overdue: it waits for the dunning notice (stage "notice")."""
    bill = issued_bill(town.account, "2026-11", "80.00", date(2026, 12, 20))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 12, 21), actor=None)
    return bill


@pytest.fixture
def served(town: City) -> Bill:
    """A cut-off notice served on 2026-12-28: the cut-off may be recorded from 12-31 to 01-04."""
    bill = issued_bill(town.account, "2026-10", "90.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=None)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 28), actor=None)
    return bill


def test_a_date_before_the_bill_falls_due_comes_back_beside_the_date(
    town: City, office: Client, reminded: Bill
) -> None:
    before = _written()
    answer = office.post(
        f"/billing/dunning/bills/{reminded.pk}/step/?hall=H1&stage=notice", {"step": "notice", "on": "2026-12-15"}
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    on = _field(html, f"id_step{reminded.pk}_on")
    assert 'class="field has-error"' in on and 'value="2026-12-15"' in on
    assert '<span class="error">这一天账单尚未逾期（缴费截止日 2026-12-20）。</span>' in on
    # The same list (its filters) and the row's form posting to them again.
    assert f'action="/billing/dunning/bills/{reminded.pk}/step/?hall=H1&amp;stage=notice"' in html
    assert '<base href="/billing/dunning/">' in html  # the page's own links stay the page's
    assert _written() == before


def test_a_cutoff_outside_its_window_is_refused_beside_the_date(town: City, office: Client, served: Bill) -> None:
    before = _written()
    answer = office.post(
        f"/billing/dunning/bills/{served.pk}/step/?stage=cutoff", {"step": "cutoff", "on": "2026-12-30"}
    )
    assert answer.status_code == 200
    on = _field(answer.content.decode(), f"id_step{served.pk}_on")
    assert 'class="field has-error"' in on and 'value="2026-12-30"' in on
    assert "停电须在停电通知送达后第 3 至 7 天之间（2026-12-31 至 2027-01-04）。" in on
    assert _written() == before and not DunningStep.objects.filter(step="cutoff").exists()


def test_a_date_that_is_no_date_keeps_what_was_typed(town: City, office: Client, reminded: Bill) -> None:
    before = _written()
    answer = office.post(
        f"/billing/dunning/bills/{reminded.pk}/step/?stage=notice", {"step": "notice", "on": "2026-02-30"}
    )
    assert answer.status_code == 200
    on = _field(answer.content.decode(), f"id_step{reminded.pk}_on")
    assert 'value="2026-02-30"' in on and '<span class="error">输入一个有效的日期。</span>' in on
    assert _written() == before


def test_a_refusal_about_the_bill_is_above_its_form(town: City, office: Client, reminded: Bill) -> None:
    clerk = office
    url = f"/billing/dunning/bills/{reminded.pk}/step/?stage=notice"
    assert clerk.post(url, {"step": "notice", "on": "2026-12-28"}).status_code == 302
    before = _written()
    answer = clerk.post(url, {"step": "notice", "on": "2026-12-29"})  # the notice is recorded already
    assert answer.status_code == 200
    html = answer.content.decode()
    form = html[html.index(f'action="/billing/dunning/bills/{reminded.pk}/step/') :]
    message = re.search(r'<ul class="errorlist nonfield"><li>([^<]+)</li></ul>', form)
    assert message and message.group(1) == "催费步骤不能从“催费通知”进行到“催费通知”。"
    assert form.index("errorlist nonfield") < form.index(f'id="id_step{reminded.pk}_on"')
    assert 'value="2026-12-29"' in _field(html, f"id_step{reminded.pk}_on")
    assert _written() == before


def test_a_refused_row_not_on_the_page_shows_its_form_above_the_lists(
    town: City, office: Client, reminded: Bill
) -> None:
    issued_bill(town.account, "2026-09", "10.00", date(2026, 10, 25))  # the reminder stage's bill
    answer = office.post(
        f"/billing/dunning/bills/{reminded.pk}/step/?stage=reminder", {"step": "notice", "on": "2026-12-01"}
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    section = html[html.index('id="refused-step"') : html.index("待复电")]
    assert f"户号 {town.account.account_no} 2026-11 账单" in section
    assert 'value="2026-12-01"' in section and "这一天账单尚未逾期（缴费截止日 2026-12-20）。" in section


def test_a_step_that_is_taken_redirects_with_its_confirmation(town: City, office: Client, served: Bill) -> None:
    clerk = office
    answer = clerk.post(
        f"/billing/dunning/bills/{served.pk}/step/?stage=cutoff", {"step": "cutoff", "on": "2026-12-31"}
    )
    assert (answer.status_code, answer["Location"]) == (302, "/billing/dunning/")
    assert f"户号 {town.account.account_no}：已记录“停电”。" in clerk.get("/billing/dunning/").content.decode()
    assert DunningStep.objects.get(step="cutoff").done_on == date(2026, 12, 31)


@pytest.fixture
def reconnection(town: City, served: Bill) -> DunningStep:
    dunning_record(bill=served, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=None)
    data = PaymentIn(
        "counter_cash", "C-1", town.account.account_no, Decimal("500.00"), datetime(2027, 1, 1, 2, tzinfo=UTC)
    )
    payment_post(scope=scope_for(town.admin), actor=town.admin, data=data)
    return DunningStep.objects.get(step="reconnect")


def test_a_reconnection_time_that_is_no_time_keeps_what_was_typed(
    town: City, office: Client, reconnection: DunningStep
) -> None:
    before = _written()
    answer = office.post(f"/billing/dunning/reconnections/{reconnection.pk}/done/?hall=H1", {"at": "2027-01-01T25:10"})
    assert answer.status_code == 200
    at = _field(answer.content.decode(), f"id_reconnect{reconnection.pk}_at")
    assert 'class="field has-error"' in at and 'value="2027-01-01T25:10"' in at
    assert '<span class="error">输入一个有效的日期/时间。</span>' in at
    assert _written() == before


def test_a_reconnection_recorded_twice_is_refused_above_the_form(
    town: City, office: Client, reconnection: DunningStep
) -> None:
    clerk = office
    url = f"/billing/dunning/reconnections/{reconnection.pk}/done/"
    assert clerk.post(url, {"at": "2027-01-01T18:30"}).status_code == 302
    before = _written()
    answer = clerk.post(url, {"at": "2027-01-01T19:00"})
    assert answer.status_code == 200
    section = answer.content.decode()
    section = section[section.index('id="refused-reconnection"') :]  # done: no longer in the list
    assert '<ul class="errorlist nonfield"><li>复电已记录。</li></ul>' in section
    assert 'value="2027-01-01T19:00"' in section
    assert _written() == before


def test_a_post_without_the_billing_office_is_403_and_writes_nothing(
    town: City, reminded: Bill, reconnection: DunningStep
) -> None:
    before = _written()
    for persona in (town.clerk, town.supervisor):
        client = signed_in(persona)
        assert (
            client.post(
                f"/billing/dunning/bills/{reminded.pk}/step/", {"step": "notice", "on": "2026-12-28"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/billing/dunning/reconnections/{reconnection.pk}/done/", {"at": "2027-01-01T18:30"}
            ).status_code
            == 403
        )
    assert _written() == before


def test_each_rows_forms_have_ids_of_their_own(town: City, office: Client, reconnection: DunningStep) -> None:
    for period, due in (("2026-07", date(2026, 8, 25)), ("2026-08", date(2026, 9, 25))):
        bill = issued_bill(town.account, period, "10.00", due)
        dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=due.replace(day=26), actor=None)
    html = office.get("/billing/dunning/?stage=cutoff_notice").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    labels = re.findall(r'<label for="([^"]+)"', html)
    assert len(labels) == 3 and set(labels) <= set(ids)  # one reconnection, two cut-off notices
    assert f"id_reconnect{reconnection.pk}_at" in labels
