"""The 后台任务 pages (administrators): every job with its last and next run, a job's runs (paged,
sorted by their columns, exported as they are listed), and its confirmed "run now". Thin: check
access, call a selector or service, render."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError
from gridcare.core.paging import Sorting, export_response, paginate, sort_rows
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.core.views import flash_error, staff_required
from gridcare.jobs import selectors, services
from gridcare.jobs.access import job_get_for_scope
from gridcare.jobs.models import JobRun, Outcome
from gridcare.jobs.registry import JobSpec
from gridcare.jobs.rules import duration_words
from gridcare.org.access import Capability, request_scope, require

RUNS_PER_PAGE = 20

# A job's runs, their sortable columns (?sort=key or -key); otherwise the newest first.
RUN_SORTS: dict[str, tuple[str, ...]] = {
    "started": ("started_at", "id"),
    "finished": ("finished_at", "id"),
    "duration": ("duration_ms", "-started_at", "-id"),
    "trigger": ("trigger", "-started_at", "-id"),
    "status": ("outcome", "-started_at", "-id"),
}


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.JOBS)
    return render(request, "jobs/index.html", {"rows": selectors.job_rows()})


def _runs_listed(request: HttpRequest, name: str) -> tuple[JobSpec, QuerySet[JobRun], Sorting]:
    """The job `name` (administrators only) and its runs, sorted: the page shows them in pages,
    the export whole."""
    spec = job_get_for_scope(scope=request_scope(request), name=name)
    runs, sorting = sort_rows(request, selectors.job_runs(name=spec.name), RUN_SORTS)
    return spec, runs, sorting


@staff_required
def detail(request: HttpRequest, name: str) -> HttpResponse:
    spec, runs, sorting = _runs_listed(request, name)
    row = next(r for r in selectors.job_rows() if r.name == spec.name)
    context = {
        "row": row,
        "page": paginate(request, runs, size=RUNS_PER_PAGE),
        "sorting": sorting,
        "export_url": reverse("jobs:runs_export", args=[spec.name]),
    }
    return render(request, "jobs/detail.html", context)


def _time(at: datetime | None) -> str:
    """A run's time as the page shows it (Shanghai, to the second)."""
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if at else ""


def _run_lines(runs: Iterable[JobRun]) -> Iterator[list[str]]:
    """One row per run, the columns of the page."""
    for r in runs:
        by = f"（{r.requested_by.get_username()}）" if r.requested_by else ""
        yield [
            _time(r.started_at),
            _time(r.finished_at),
            duration_words(r.duration_ms),
            f"{r.get_trigger_display()}{by}",
            str(r.get_outcome_display()),
            selectors.error_words(r) if r.outcome == Outcome.FAILED else r.message,
        ]


@staff_required
def runs_export(request: HttpRequest, name: str) -> HttpResponseBase:
    """A job's runs as the page sorts them, whole, as CSV or ``format=xlsx``."""
    spec, runs, _sorting = _runs_listed(request, name)
    header = [_("开始时间"), _("结束时间"), _("用时"), _("方式"), _("结果"), _("说明")]
    lines = _run_lines(runs.iterator(chunk_size=2000))
    file_name = f"job-runs-{spec.name}-{business_date().isoformat()}"
    return export_response(header, lines, name=file_name, fmt=request.GET.get("format", ""))


@staff_required
def run(request: HttpRequest, name: str) -> HttpResponse:
    """GET asks to confirm; POST queues the run for the next free worker."""
    spec = job_get_for_scope(scope=request_scope(request), name=name)
    if request.method != "POST":
        return render(request, "jobs/run_confirm.html", {"label": spec.label, "name": spec.name})
    try:
        services.job_run_request(name=spec.name, actor=request.user)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(
            request, _("已请求立即运行「%(job)s」，后台进程几秒内开始；刷新本页查看结果。") % {"job": spec.label}
        )
    return redirect("jobs:detail", name=spec.name)
