"""The 后台任务 pages (administrators): every job with its last and next run, a job's recent
runs (paged), and its confirmed "run now". Thin: check access, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError
from gridcare.core.views import flash_error, staff_required
from gridcare.jobs import selectors, services
from gridcare.jobs.access import job_get_for_scope
from gridcare.org.access import Capability, request_scope, require

RUNS_PER_PAGE = 20


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.JOBS)
    return render(request, "jobs/index.html", {"rows": selectors.job_rows()})


@staff_required
def detail(request: HttpRequest, name: str) -> HttpResponse:
    spec = job_get_for_scope(scope=request_scope(request), name=name)
    row = next(r for r in selectors.job_rows() if r.name == spec.name)
    page = Paginator(selectors.job_runs(name=spec.name), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "jobs/detail.html", {"row": row, "page": page})


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
