"""The monthly management report (ASSESS-7): its numbers equal the figures of the month, the
workbook and the PDF carry the same numbers, the worker writes last month's reports once the
month is rolled up (and only then, and once), and each post reads only the reports of its reach."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from reportlab.pdfbase.ttfonts import TTFontFile

from gridcare.assessment.models import MonthlyReport
from gridcare.assessment.report_files import sections, shown
from gridcare.assessment.selectors import figure_rows
from gridcare.assessment.services.reports import report_generate, report_numbers, reports_due
from gridcare.assessment.services.rollup import rollup_day
from gridcare.assessment.tests.conftest import Made
from gridcare.billing import pdf
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.org.models import Company, SupplyUnit

NOVEMBER = date(2026, 11, 1)


def _roll(first: date, last: date) -> None:
    day = first
    while day <= last:
        rollup_day(day)
        day += timedelta(days=1)


@pytest.fixture
def rolled(town: City, tickets: Made) -> Made:
    _roll(tickets.first, tickets.last)
    return tickets


def _headline(numbers: dict[str, Any]) -> dict[str, Any]:
    return {h["code"]: h["value"] for h in numbers["headline"]}


def test_the_numbers_are_the_month_figures_rounded_as_shown(town: City, rolled: Made) -> None:
    numbers = report_numbers(level="unit", key=town.unit.pk, month=NOVEMBER)
    [row] = [
        r
        for r in figure_rows(scope=scope_for(town.admin), start=NOVEMBER, end=date(2026, 11, 30), level="unit")
        if r.key == town.unit.pk
    ]
    f = row.figures
    head = _headline(numbers)
    assert head["tickets"] == f.tickets and head["served"] == f.served
    assert head["within_target"] == round(f.within_target * 100, 1)
    assert head["satisfaction_rate"] == round(f.satisfaction_rate * 100, 1)
    assert head["wait_mean"] == round(f.wait_mean, 1)
    assert (numbers["month"], numbers["level"], numbers["subject"]) == ("2026-11", "unit", "城区供电所")
    # October had nothing: the previous month's values are empty, counts zero.
    previous = {h["code"]: h["previous"] for h in numbers["headline"]}
    assert (previous["tickets"], previous["within_target"]) == (0, None)
    # The unit's halls: only 城区营业厅 is in 城区供电所, with the hall's own figures.
    [hall] = [
        r
        for r in figure_rows(scope=scope_for(town.admin), start=NOVEMBER, end=date(2026, 11, 30), level="hall")
        if r.key == town.hall.pk
    ]
    rows = {r["name"]: r["values"] for r in numbers["breakdown"]["rows"]}
    assert list(rows) == ["城区营业厅"]
    assert rows["城区营业厅"][0] == hall.figures.tickets
    # The trend: twelve months ending with November, November's tickets the unit's.
    assert numbers["trend"]["months"][0] == "2025-12" and numbers["trend"]["months"][-1] == "2026-11"
    tickets = next(s for s in numbers["trend"]["series"] if s["code"] == "tickets")
    assert tickets["values"] == [0] * 11 + [f.tickets]


def test_the_company_report_breaks_down_by_unit(town: City, rolled: Made) -> None:
    numbers = report_numbers(level="company", key=town.company.pk, month=NOVEMBER)
    units = [r["name"] for r in numbers["breakdown"]["rows"]]
    assert units == sorted(SupplyUnit.objects.filter(company=town.company).values_list("name", flat=True))
    assert _headline(numbers)["tickets"] == len(rolled.tickets)


def test_workbook_and_pdf_carry_the_same_numbers(town: City, rolled: Made) -> None:
    report = report_generate(level="unit", key=town.unit.pk, month=NOVEMBER)
    book = load_workbook(io.BytesIO(bytes(report.workbook)))
    for heading, header, rows in sections(report.numbers):
        sheet = book[heading[:31]]
        assert [c.value for c in sheet[3]] == list(header)
        written = [[c.value for c in line] for line in sheet.iter_rows(min_row=4)]
        assert written == rows  # an empty value is an empty cell (None when read back)
    document = bytes(report.pdf)
    assert document.startswith(b"%PDF")
    fonts = set(re.findall(rb"/BaseFont /(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)", document))
    assert b"GridcareSansSC" in fonts
    printed = {
        ord(c)
        for _h, header, rows in sections(report.numbers)
        for text in [*header, *(shown(v) for r in rows for v in r)]
        for c in str(text)
        if not c.isspace()
    }
    assert printed - set(TTFontFile(str(pdf.FONT_FILE)).charToGlyph) == set()


def test_the_worker_waits_for_the_month_then_writes_each_report_once(town: City, rolled: Made) -> None:
    done = reports_due(today=date(2026, 12, 1))
    assert (done.written, done.waiting) == ([], True)  # rolled up only to 2026-11-06
    assert MonthlyReport.objects.count() == 0
    _roll(rolled.last + timedelta(days=1), date(2026, 11, 30))
    done = reports_due(today=date(2026, 12, 1))
    subjects = Company.objects.count() + SupplyUnit.objects.count()
    assert len(done.written) == subjects and not done.waiting
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {NOVEMBER}
    first = {r.pk: r.generated_at for r in MonthlyReport.objects.all()}
    again = reports_due(today=date(2026, 12, 2))
    assert again.written == []
    assert {r.pk: r.generated_at for r in MonthlyReport.objects.all()} == first  # archived: not rewritten


@pytest.fixture
def archived(town: City, rolled: Made) -> dict[str, MonthlyReport]:
    _roll(rolled.last + timedelta(days=1), date(2026, 11, 30))
    reports_due(today=date(2026, 12, 1))
    return {
        "company": MonthlyReport.objects.get(level="company", subject_id=town.company.pk),
        "unit": MonthlyReport.objects.get(level="unit", subject_id=town.unit.pk),
        "other_unit": MonthlyReport.objects.get(level="unit", subject_id=town.other_unit.pk),
    }


SEES = {
    "admin": None,  # every report
    "planner": {"company", "unit", "other_unit"},
    "supervisor": {"unit"},
    "other_supervisor": {"other_unit"},
}


@pytest.mark.parametrize("persona", ["admin", "planner", "supervisor", "other_supervisor"])
def test_each_post_lists_and_opens_the_reports_of_its_reach(
    town: City, archived: dict[str, MonthlyReport], persona: str
) -> None:
    client = signed_in(getattr(town, persona))
    listed = client.get("/assessment/reports/")
    assert listed.status_code == 200
    ids = {r.pk for r in listed.context["page"]}
    expected = SEES[persona]
    if expected is None:
        assert ids == set(MonthlyReport.objects.values_list("pk", flat=True))
    else:
        assert ids == {archived[k].pk for k in expected}
    for key, report in archived.items():
        page = client.get(f"/assessment/reports/{report.pk}/")
        pdf_file = client.get(f"/assessment/reports/{report.pk}/pdf/")
        if expected is None or key in expected:
            assert page.status_code == 200
            assert "优质服务月度报告" in page.content.decode()
            assert pdf_file.status_code == 200 and pdf_file.content == bytes(report.pdf)
        else:
            assert (page.status_code, pdf_file.status_code) == (404, 404)


@pytest.mark.parametrize("persona", ["clerk", "guide", "manager", "agent", "kam", "community", "outsider"])
def test_posts_without_the_reports_capability_are_refused(
    town: City, archived: dict[str, MonthlyReport], persona: str
) -> None:
    client = signed_in(getattr(town, persona))
    page = 404 if persona == "outsider" else 403  # no staff post at all: the staff pages do not exist
    assert client.get("/assessment/reports/").status_code == page
    assert client.get(f"/assessment/reports/{archived['unit'].pk}/").status_code == page
    assert api_client(getattr(town, persona)).get("/api/v1/assessment/reports").status_code == 403


def test_the_page_shows_the_stored_numbers_and_a_wrong_format_is_a_404(
    town: City, archived: dict[str, MonthlyReport]
) -> None:
    client = signed_in(town.supervisor)
    report = archived["unit"]
    page = client.get(f"/assessment/reports/{report.pk}/").content.decode()
    tickets = _headline(report.numbers)["tickets"]
    assert f"<td>取号数</td><td>{tickets}</td>" in page
    assert 'id="report-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert client.get(f"/assessment/reports/{report.pk}/docx/").status_code == 404
    xlsx = client.get(f"/assessment/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content == bytes(report.workbook)


def test_the_api_lists_the_reach_and_gives_the_numbers(town: City, archived: dict[str, MonthlyReport]) -> None:
    client = api_client(town.supervisor)
    listed = client.get("/api/v1/assessment/reports?month=2026-11")
    assert listed.status_code == 200
    assert [(r["level"], r["subject"], r["month"]) for r in listed.json()] == [("unit", "城区供电所", "2026-11")]
    one = client.get(f"/api/v1/assessment/reports/{archived['unit'].pk}").json()
    assert one["numbers"] == archived["unit"].numbers
    assert client.get(f"/api/v1/assessment/reports/{archived['other_unit'].pk}").status_code == 404
    bad = client.get("/api/v1/assessment/reports?month=2026-13")
    assert (bad.status_code, bad.json()["errors"]) == (422, {"month": "月份格式应为 YYYY-MM。"})


def test_the_report_counts_the_complaints_as_the_analysis_does_and_the_actions(town: City) -> None:
    """U1: 2 服务态度 and 1 电费电价 in November, one in October; U2: 1 停送电 with no cause; the
    report of U1 and of the company, and one action of U1's supervisor evaluated in November."""
    from gridcare.assessment.models import ActionResult, ImprovementAction
    from gridcare.assessment.tests.complaints_helpers import at, complaint, more_accounts

    more_accounts(town)
    complaint(town, at(date(2026, 11, 3)), cause="service_attitude")
    complaint(town, at(date(2026, 11, 9)), cause="service_attitude")
    complaint(town, at(date(2026, 11, 30), 23, 59), complaint_class="business", cause="business_tariff")
    complaint(town, at(date(2026, 11, 12)), unit=town.other_unit, complaint_class="outage")
    complaint(town, at(date(2026, 10, 31), 23, 59), cause="service_conduct")
    owner = town.supervisor.staff
    common = {"owner": owner, "level": "unit", "subject_id": town.unit.pk, "figure": "wait_mean"}
    common |= {"expected_change": -2, "created_by": town.supervisor, "created_at": at(date(2026, 9, 1))}
    ImprovementAction.objects.create(
        title="增开窗口",
        started_on=date(2026, 9, 1),
        due_on=date(2026, 10, 31),
        result=ActionResult.EFFECTIVE,
        evaluated_at=at(date(2026, 11, 2)),
        **common,
    )
    ImprovementAction.objects.create(
        title="引导分流", started_on=date(2026, 11, 1), due_on=date(2026, 11, 20), **common
    )

    unit = report_numbers(level="unit", key=town.unit.pk, month=NOVEMBER)
    found = unit["complaints"]
    assert found["total"] == {
        "label": "合计",
        "complaints": 3,
        "customers": 4,
        "per_10k": "7500.00",
        "repeats": 0,
        "group": "",
    }
    assert [(x["label"], x["complaints"]) for x in found["by_class"]][:2] == [("服务投诉", 2), ("营业投诉", 1)]
    assert [(x["group"], x["label"], x["complaints"]) for x in found["by_cause"]] == [
        ("服务投诉", "服务态度", 2),
        ("营业投诉", "电费电价", 1),
    ]
    assert unit["actions"]["evaluated"] == [
        {"result": "effective", "label": "有效", "count": 1},
        {"result": "not_shown", "label": "效果不明显", "count": 0},
        {"result": "worse", "label": "变差", "count": 0},
    ]
    assert (unit["actions"]["running"], unit["actions"]["due"]) == (1, 1)
    company = report_numbers(level="company", key=town.company.pk, month=NOVEMBER)["complaints"]
    assert (company["total"]["complaints"], company["total"]["customers"]) == (4, 6)
    assert company["by_cause"][-1]["label"] == "（未填写原因）"
    tables = {heading: rows for heading, _header, rows in sections(unit)}
    assert tables["投诉分析"][:3] == [
        ["合计", 3, "7500.00", 0],
        ["服务投诉", 2, "5000.00", 0],
        ["营业投诉", 1, "2500.00", 0],
    ]
    assert tables["投诉分析"][-2:] == [
        ["服务投诉 · 服务态度", 2, "5000.00", 0],
        ["营业投诉 · 电费电价", 1, "2500.00", 0],
    ]
    assert tables["改进措施"] == [
        ["本月评估：有效", 1],
        ["本月评估：效果不明显", 0],
        ["本月评估：变差", 0],
        ["月末进行中", 1],
        ["本月到期", 1],
    ]


def test_the_report_counts_the_months_survey_invitations_and_answers(town: City) -> None:
    """Two invitations this month to U1's customer (after a call-back, at the pad), one answered;
    one to U2's customer; the unit's and the company's sections, and a month with none."""
    from gridcare.assessment.services.surveys import survey_answer, survey_invite_offer
    from gridcare.assessment.tests.surveys_helpers import published
    from gridcare.core.timezone import business_date

    published(town.supervisor)
    first = survey_invite_offer(channel="callback", account_id=town.account.pk, source_ref="WO1")
    survey_invite_offer(channel="pad", account_id=town.account.pk, source_ref="ticket:1")
    survey_invite_offer(channel="pad", account_id=town.other_unit_account.pk, source_ref="ticket:2")
    assert first is not None
    survey_answer(token=first.token, answers={"q1": 8, "q2": "营业厅"})
    month = business_date().replace(day=1)
    unit = report_numbers(level="unit", key=town.unit.pk, month=month)["surveys"]
    assert unit == {
        "by_channel": [
            {"channel": "sms", "label": "短信链接", "count": 0},
            {"channel": "pad", "label": "评价器", "count": 1},
            {"channel": "callback", "label": "回访后", "count": 1},
        ],
        "sent": 2,
        "answered_of_sent": 1,
        "rate": "50.0",
        "answered": 1,
    }
    company = report_numbers(level="company", key=town.company.pk, month=month)["surveys"]
    assert (company["sent"], company["answered_of_sent"], company["rate"], company["answered"]) == (3, 1, "33.3", 1)
    numbers = report_numbers(level="unit", key=town.unit.pk, month=month)
    tables = {heading: rows for heading, _header, rows in sections(numbers)}
    assert tables["满意度调查"] == [
        ["发出邀请：短信链接", 0],
        ["发出邀请：评价器", 1],
        ["发出邀请：回访后", 1],
        ["本月邀请已答", 1],
        ["本月邀请回复率（%）", "50.0"],
        ["本月收回答卷", 1],
    ]
    earlier = report_numbers(level="unit", key=town.unit.pk, month=date(2026, 1, 1))["surveys"]
    assert (earlier["sent"], earlier["rate"], earlier["answered"]) == (0, None, 0)
