"""Reads of the archived monthly reports (ASSESS-7) in a caller's reach."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridcare.assessment.access import reports_filter
from gridcare.assessment.models import MonthlyReport
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Scope
from gridcare.org.selectors import names_of


def report_list(*, scope: Scope, month: str = "") -> QuerySet[MonthlyReport]:
    """The reports ``scope`` reads, newest month first, the company's before its units'
    (without their files: a list never loads the workbooks and PDFs)."""
    rows = MonthlyReport.objects.filter(reports_filter(scope)).defer("workbook", "pdf", "numbers")
    if month:
        year, number = month.split("-")
        rows = rows.filter(month__year=int(year), month__month=int(number))
    return rows.order_by("-month", "level", "subject_id")


def name_reports(rows: list[MonthlyReport]) -> None:
    """Sets ``subject_name`` on each report (its unit's or company's name), in two queries."""
    names: dict[str, dict[int, str]] = {}
    for level in ("unit", "company"):
        names[level] = names_of(level, [r.subject_id for r in rows if r.level == level])
    for r in rows:
        r.subject_name = names[r.level].get(r.subject_id, "—")  # type: ignore[attr-defined]


def report_months(*, scope: Scope) -> list[str]:
    months = MonthlyReport.objects.filter(reports_filter(scope)).values_list("month", flat=True).distinct()
    return sorted({f"{m:%Y-%m}" for m in months}, reverse=True)


def report_get_for_scope(*, scope: Scope, report_id: int) -> MonthlyReport:
    report = None
    if 0 < report_id < 2**63:
        report = MonthlyReport.objects.filter(reports_filter(scope), pk=report_id).first()
    if report is None:
        raise NotFound(_("没有这份月度报告，或不在您的范围内。"))
    return report
