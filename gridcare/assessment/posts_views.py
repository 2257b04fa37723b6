"""岗位管理 (ASSESS-3, WO-7): the people in the caller's reach with their current post state,
each person's history, and the change of state (asked first). Every post sees its own row."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.assessment import selectors
from gridcare.assessment.access import staff_get_for_scope
from gridcare.assessment.forms import PostChangeForm
from gridcare.assessment.models import PostStatus
from gridcare.assessment.services import posts
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import Confirmation, ask_first, confirmation, page_get, page_user, staff_required
from gridcare.org.access import Capability, Scope, can, request_scope, require


def _listed(request: HttpRequest, scope: Scope) -> tuple[Any, Any, str]:
    state = request.GET.get("state", "")
    state = state if state in PostStatus.values else ""
    rows, sorting = sort_rows(request, selectors.post_list(scope=scope, state=state), selectors.POST_SORTS)
    return rows, sorting, state


@staff_required
def post_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows, sorting, state = _listed(request, scope)
    context = {
        "page": paginate(request, rows).map(selectors.post_row),
        "sorting": sorting,
        "state": state,
        "counts": selectors.post_counts(scope=scope),
        "can_edit": can(scope, Capability.POST_STATE_EDIT),
    }
    return render(request, "assessment/posts.html", context)


POST_EXPORT_HEADER = ("工号", "姓名", "岗位", "所在单位", "岗位状态", "起始时间")


def post_line(row: selectors.PostRow) -> list[Any]:
    return [row.employee_no, row.name, row.role, row.place, row.state_label, row.since or ""]


@staff_required
def post_export(request: HttpRequest) -> HttpResponseBase:
    scope = request_scope(request)
    rows, _sorting, _state = _listed(request, scope)
    header = [_(h) for h in POST_EXPORT_HEADER]
    lines = (post_line(selectors.post_row(person)) for person in rows.iterator())
    return export_response(header, lines, name=f"posts-{business_date():%Y%m%d}", fmt=request.GET.get("format", "csv"))


@staff_required
def post_detail(request: HttpRequest, employee_no: str) -> HttpResponse:
    """A person's post state and history; with POST_STATE_EDIT, the change (asked first)."""
    scope, person = page_get(request, staff_get_for_scope, employee_no=employee_no)
    form = PostChangeForm(request.POST or None)
    confirm: Confirmation | None = None
    if request.method == "POST":
        require(scope, Capability.POST_STATE_EDIT)
        if form.is_valid():
            data = {k: form.cleaned_data.get(k) or "" for k in ("state", "reason", "retraining")}
            change: dict[str, Any] = {"scope": scope, "actor": page_user(request), "staff": person, **data}
            confirm, done = ask_first(
                request,
                ask=lambda: confirmation(
                    request, sentence=posts.post_state_preview(**change).sentence, button=_("确认变更")
                ),
                act=lambda: posts.post_state_set(**change),
                form=form,
                success=lambda row: (
                    _("已将 %(name)s 的岗位状态改为“%(state)s”。")
                    % {"name": person.name, "state": PostStatus(row.state).label}
                ),
            )
            if done is not None:
                return redirect("assessment:post_detail", employee_no=person.employee_no)
    current = selectors.current_post(person)
    context = {
        "person": person,
        "state": selectors.post_state_of(person),
        "state_label": PostStatus(selectors.post_state_of(person)).label,
        "current": current,
        "events": selectors.post_history(person),
        "form": form,
        "confirm": confirm,
        "can_edit": can(scope, Capability.POST_STATE_EDIT) and (scope.staff is None or scope.staff.pk != person.pk),
        "can_lift": can(scope, Capability.STANDBY_LIFT),
    }
    return render(request, "assessment/post_detail.html", context)
