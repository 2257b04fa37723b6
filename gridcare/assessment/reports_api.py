"""The monthly reports in the API (ASSESS-7): the archived reports in the caller's reach and
each one's numbers (the same the page, the workbook and the PDF show)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.assessment import selectors_reports as reports
from gridcare.assessment.models import MonthlyReport
from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page
from gridcare.org.access import Capability, require
from gridcare.org.api import ErrorOut

router = Router(tags=["assessment"])


class ReportOut(Schema):
    id: int
    month: str  # YYYY-MM
    level: str  # unit, company
    subject_id: int
    subject: str
    generated_at: datetime
    page_url: str
    xlsx_url: str
    pdf_url: str


class ReportNumbersOut(ReportOut):
    numbers: dict[str, Any]


def _out(report: MonthlyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "month": f"{report.month:%Y-%m}",
        "level": report.level,
        "subject_id": report.subject_id,
        "subject": getattr(report, "subject_name", ""),
        "generated_at": report.generated_at,
        "page_url": reverse("assessment:report", args=[report.pk]),
        "xlsx_url": reverse("assessment:report_file", args=[report.pk, "xlsx"]),
        "pdf_url": reverse("assessment:report_file", args=[report.pk, "pdf"]),
    }


def _month(month: str) -> str:
    if not month:
        return ""
    parts = month.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or not 1 <= int(parts[1]) <= 12:
        raise InvalidInput(_("筛选条件有误。"), errors={"month": _("月份格式应为 YYYY-MM。")})
    return f"{int(parts[0]):04d}-{int(parts[1]):02d}"


@router.get("/assessment/reports", response={200: list[ReportOut], 403: ErrorOut, 422: ErrorOut})
def report_list(
    request: HttpRequest, response: HttpResponse, month: str = "", page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The archived monthly reports in the caller's reach (ASSESS_REPORTS: supervisors their
    unit's, planners and administrators the company's and every unit's), newest month first,
    ``month`` (YYYY-MM) to filter. Pages of ``?page=`` / ``?page_size=``; total in X-Total-Count."""
    scope = require(request.user, Capability.ASSESS_REPORTS)
    rows = list(reports.report_list(scope=scope, month=_month(month)))
    reports.name_reports(rows)
    return api_page(response, rows, page=page, page_size=page_size, dress=_out)


@router.get("/assessment/reports/{int:report_id}", response={200: ReportNumbersOut, 403: ErrorOut, 404: ErrorOut})
def report_numbers(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """One report with its numbers: headline figures against the month before, the breakdown by
    hall (a unit's) or unit (the company's), the 12-month trend, stars, ledger and post changes."""
    scope = require(request.user, Capability.ASSESS_REPORTS)
    report = reports.report_get_for_scope(scope=scope, report_id=report_id)
    reports.name_reports([report])
    return {**_out(report), "numbers": report.numbers}
