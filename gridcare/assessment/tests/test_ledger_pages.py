"""奖惩台账's pages (issue 14): totals per person and month are exact Decimal yuan of the approved
entries only; filters by person, month and status (a wrong month refused beside its field); the
export holds exactly the rows of the list in its order; the proposal form keeps what was typed;
the second person's buttons; the pages read in English."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from openpyxl import load_workbook

from gridcare.assessment.models import LedgerEntry, LedgerEvent
from gridcare.assessment.selectors import LedgerTotal
from gridcare.assessment.services.ledger import NewEntry, ledger_approve, ledger_propose, ledger_reject
from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs
from gridcare.org.access import scope_for


def _propose(town: City, no: str, kind: str, points: int, amount: str | None, period: str) -> LedgerEntry:
    data = NewEntry(no, kind, points, amount, "服务质量", "supervisor_finding", period)
    return ledger_propose(scope=scope_for(town.manager), actor=town.manager, data=data)


@pytest.fixture
def book(town: City) -> list[LedgerEntry]:
    """Entries for the clerk (T0001) and the guide (T0002) over two months: amounts whose float
    sum is not exact (0.10 + 0.20), one rejected and one waiting (neither counts)."""
    approver = scope_for(town.supervisor)
    made = [
        _propose(town, "T0001", "reward", 5, "0.10", "2026-11"),
        _propose(town, "T0001", "reward", 3, "0.20", "2026-11"),
        _propose(town, "T0001", "penalty", 10, "1234567.89", "2026-11"),
        _propose(town, "T0001", "reward", 2, None, "2026-12"),
        _propose(town, "T0002", "reward", 0, "99.99", "2026-11"),
    ]
    for entry in made:
        ledger_approve(scope=approver, actor=town.supervisor, entry_id=entry.pk)
    rejected = _propose(town, "T0002", "reward", 50, "500.00", "2026-11")
    ledger_reject(scope=approver, actor=town.supervisor, entry_id=rejected.pk, note="证据不足")
    waiting = _propose(town, "T0001", "reward", 7, "7.00", "2026-11")
    return [*made, rejected, waiting]


def test_totals_per_person_and_month_are_exact_and_count_only_approved(town: City, book: list[LedgerEntry]) -> None:
    page = signed_in(town.supervisor).get("/assessment/ledger/")
    assert page.context["totals"] == [
        LedgerTotal("T0001", "clerk", "2026-11", 3, -2, Decimal("1234568.19")),
        LedgerTotal("T0001", "clerk", "2026-12", 1, 2, Decimal("0.00")),
        LedgerTotal("T0002", "guide", "2026-11", 1, 0, Decimal("99.99")),
    ]
    assert page.context["grand"] == LedgerTotal("", "", "", 5, 0, Decimal("1234668.18"))
    assert page.context["page"].total == 7
    filtered = signed_in(town.supervisor).get("/assessment/ledger/?staff=T0001&period=2026-11")
    assert [t.amount for t in filtered.context["totals"]] == [Decimal("1234568.19")]
    assert filtered.context["page"].total == 4


def test_filters_by_status_and_a_wrong_month_is_refused_beside_its_field(town: City, book: list[LedgerEntry]) -> None:
    client = signed_in(town.supervisor)
    waiting = client.get("/assessment/ledger/?status=proposed")
    assert [e.pk for e in waiting.context["page"]] == [book[-1].pk]
    wrong = client.get("/assessment/ledger/?period=2026-13&staff=T0001")
    assert wrong.status_code == 200
    assert wrong.context["filters"].errors == {"period": ["考核月份格式应为 2026-11。"]}
    assert wrong.context["page"].total == 5  # the person's filter still applies, the month's not
    assert 'value="2026-13"' in wrong.content.decode()
    foreign = client.get("/assessment/ledger/?staff=T0012")  # the other company's clerk: not offered
    assert "staff" in foreign.context["filters"].errors


@pytest.mark.parametrize("query", ["", "sort=-amount", "sort=points&status=approved", "staff=T0002&sort=period"])
def test_the_export_holds_the_rows_of_the_list_in_its_order(town: City, book: list[LedgerEntry], query: str) -> None:
    client = signed_in(town.supervisor)
    page = client.get(f"/assessment/ledger/?{query}")
    shown = [(e.staff.employee_no, e.period, e.points, e.amount, e.get_status_display()) for e in page.context["page"]]
    sheet = load_workbook(io.BytesIO(streamed(client.get(f"/assessment/ledger/export/?{query}&format=xlsx")))).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:6] == ("工号", "姓名", "考核月份", "类别", "分值", "金额（元）")
    exported = [(r[0], r[2], r[4], None if r[5] in ("", None) else Decimal(str(r[5])), r[9]) for r in lines[1:]]
    assert exported == shown
    csv_lines = streamed(client.get(f"/assessment/ledger/export/?{query}&format=csv")).decode("utf-8-sig").splitlines()
    assert len(csv_lines) == len(shown) + 1


def _counts() -> tuple[Any, ...]:
    return LedgerEntry.objects.count(), LedgerEvent.objects.count()


def test_the_proposal_form_keeps_what_was_typed_and_marks_the_fields(town: City) -> None:
    client = signed_in(town.manager)
    body = {
        "staff": "T0001",
        "kind": "penalty",
        "points": "-5",
        "amount": "12.345",
        "period": "2026-13",
        "source_kind": "other",
        "source_ref": "2026110100000012",
        "reason": "",
    }
    answer = client.post("/assessment/ledger/new/", body)
    assert answer.status_code == 200
    form = answer.context["form"]
    assert form.errors == {
        "points": ["请填写分值的绝对值，处罚自动记为负分。"],
        "amount": ["金额最多保留两位小数。"],
        "period": ["考核月份格式应为 2026-11。"],
        "reason": ["请填写事由。"],
    }
    text = answer.content.decode()
    assert 'value="12.345"' in text and 'value="2026110100000012"' in text and 'value="2026-13"' in text
    assert _counts() == (0, 0)
    done = client.post(
        "/assessment/ledger/new/", {**body, "points": "5", "amount": "12.35", "period": "2026-11", "reason": "迟到"}
    )
    assert done.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.points, entry.amount, entry.status) == (-5, Decimal("12.35"), "proposed")
    assert done["Location"] == f"/assessment/ledger/{entry.pk}/"


def test_the_second_person_sees_the_buttons_and_the_proposer_only_withdraws(town: City) -> None:
    entry = _propose(town, "T0001", "reward", 5, None, "2026-11")
    mine = signed_in(town.manager).get(f"/assessment/ledger/{entry.pk}/").content.decode()
    theirs = signed_in(town.supervisor).get(f"/assessment/ledger/{entry.pk}/").content.decode()
    assert 'id="withdraw"' in mine and 'id="approve"' not in mine
    assert 'id="approve"' in theirs and 'id="reject"' in theirs and 'id="withdraw"' not in theirs
    client = signed_in(town.supervisor)
    refused = client.post(f"/assessment/ledger/{entry.pk}/reject/", {"note": ""}, follow=True)
    assert "驳回时请填写意见。" in refused.content.decode()
    assert LedgerEntry.objects.get().status == "proposed"
    client.post(f"/assessment/ledger/{entry.pk}/approve/", {"note": "同意", "back": "list"})
    again = client.post(f"/assessment/ledger/{entry.pk}/approve/", {"note": "同意"}, follow=True)
    assert again.status_code == 200
    assert list(LedgerEvent.objects.values_list("type", flat=True)) == ["proposed", "approved"]
    assert "supervisor 批准，意见：同意" in again.content.decode()
    assert client.post(f"/assessment/ledger/{entry.pk}/promote/").status_code == 404


def test_the_ledger_pages_read_in_english(town: City, book: list[LedgerEntry]) -> None:
    client = signed_in(town.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _data_runs()
    urls = ["/assessment/ledger/", "/assessment/ledger/new/", f"/assessment/ledger/{book[-2].pk}/", "/assessment/"]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - data) == [], url
    text = _english_text(client, f"/assessment/ledger/{book[-2].pk}/") or ""
    assert "manager proposed a Reward of 50 points, amount ¥500.00, counted in 2026-11" in text
    assert "supervisor rejected, comment: 证据不足" in text
