"""月度报告 (ASSESS-7): the archived monthly reports of the units and the company in the
caller's reach (``Capability.ASSESS_REPORTS``), each a page with charts, and its Excel workbook
and PDF as archived on the 1st. The three are made from the same stored numbers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridcare.assessment import selectors_reports as reports
from gridcare.assessment.report_files import sections, shown, title
from gridcare.core.paging import paginate
from gridcare.core.views import staff_required
from gridcare.org.access import Capability, require


@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    scope = require(request.user, Capability.ASSESS_REPORTS)
    month = request.GET.get("month", "")
    months = reports.report_months(scope=scope)
    chosen = month if month in months else ""
    page = paginate(request, reports.report_list(scope=scope, month=chosen))
    reports.name_reports(list(page))
    context = {"page": page, "months": months, "month": chosen, "here": "reports"}
    return render(request, "assessment/reports.html", context)


@staff_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    scope = require(request.user, Capability.ASSESS_REPORTS)
    report = reports.report_get_for_scope(scope=scope, report_id=report_id)
    numbers = report.numbers
    tables = [
        {"heading": heading, "header": header, "rows": [[shown(v) for v in row] for row in rows]}
        for heading, header, rows in sections(numbers)
    ]
    context = {
        "report": report,
        "title": title(numbers),
        "numbers": numbers,
        "tables": tables,
        "chart": {"trend": numbers["trend"], "breakdown": numbers["breakdown"]},
        "here": "reports",
    }
    return render(request, "assessment/report.html", context)


@staff_required
def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    scope = require(request.user, Capability.ASSESS_REPORTS)
    report = reports.report_get_for_scope(scope=scope, report_id=report_id)
    name = f"report-{report.month:%Y%m}-{report.level}-{report.subject_id}"
    if fmt == "pdf":
        response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            bytes(report.workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        from gridcare.core.exceptions import NotFound

        raise NotFound(_("没有这种格式的报告文件。"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
