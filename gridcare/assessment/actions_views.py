"""改进措施 (issue 14, ASSESS-5): the improvement actions in the caller's reach with filters,
sorting, paging and an export of what the list shows; recording and editing one (ACTION_EDIT);
its page with the before/after comparison as a sentence and its history; 立即评估 after the
due date."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.assessment import selectors_actions as actions
from gridcare.assessment.actions_access import action_get_for_scope, action_get_to_keep
from gridcare.assessment.forms_actions import ActionFilterForm, ActionForm
from gridcare.assessment.models import ActionResult, ImprovementAction
from gridcare.assessment.rules.actions import (
    FIGURE_KIND,
    FIGURE_LABELS,
    UNITS,
    change_shown,
    evaluation_sentence,
    shown,
)
from gridcare.assessment.selectors import person_label
from gridcare.assessment.services import actions as service
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import page_action, page_user, staff_required
from gridcare.org.access import Capability, Scope, can, request_scope, require


def _listed(request: HttpRequest, scope: Scope) -> tuple[Any, Any, ActionFilterForm]:
    """The list as the filters ask (a filter refused on its field filters nothing), sorted."""
    filters = ActionFilterForm(request.GET or None, scope=scope)
    wanted: dict[str, str] = {}
    if filters.is_bound:
        filters.is_valid()
        wanted = {k: v for k, v in getattr(filters, "cleaned_data", {}).items() if v}
    rows = actions.action_list(
        scope=scope,
        today=business_date(),
        status=wanted.get("status", ""),
        result=wanted.get("result", ""),
        owner=wanted.get("owner", ""),
    )
    rows, sorting = sort_rows(request, rows, actions.ACTION_SORTS)
    return rows, sorting, filters


def _dressed(items: list[ImprovementAction]) -> list[dict[str, Any]]:
    """The rows as the list and the export show them: names, labels, the expected change."""
    names = actions.subject_names(items)
    today = business_date()
    return [
        {
            "action": a,
            "subject": names.get((a.level, a.subject_id), "—"),
            "level": str(actions.LEVEL_LABELS.get(a.level, "")),
            "figure": str(FIGURE_LABELS.get(a.figure, a.figure)),
            "expected": change_shown(a.figure, a.expected_change) if a.figure in FIGURE_LABELS else "",
            "status": str(actions.STATUS_LABELS[actions.status_of(a, today)]),
            "result": str(ActionResult(a.result).label) if a.result else "—",
        }
        for a in items
    ]


@staff_required
def action_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows, sorting, filters = _listed(request, scope)
    page = paginate(request, rows)
    context = {
        "page": page,
        "rows": _dressed(list(page)),
        "sorting": sorting,
        "filters": filters,
        "can_edit": can(scope, Capability.ACTION_EDIT),
    }
    return render(request, "assessment/actions.html", context)


EXPORT_HEADER = (
    "措施名称",
    "责任人",
    "对象层级",
    "考核对象",
    "指标",
    "预期变化",
    "单位",
    "开始日期",
    "完成期限",
    "对比天数",
    "状态",
    "效果",
    "评估说明",
)


def _line(row: dict[str, Any]) -> list[Any]:
    a: ImprovementAction = row["action"]
    return [
        a.title,
        f"{a.owner.name}（{a.owner.employee_no}）",
        row["level"],
        row["subject"],
        row["figure"],
        a.expected_change.normalize(),
        str(UNITS[FIGURE_KIND[a.figure]]) if a.figure in FIGURE_KIND else "",
        a.started_on,
        a.due_on,
        a.window_days,
        row["status"],
        row["result"],
        evaluation_sentence(a.evaluation),
    ]


@staff_required
def action_export(request: HttpRequest) -> HttpResponseBase:
    scope = request_scope(request)
    rows, _sorting, _filters = _listed(request, scope)
    header = [_(h) for h in EXPORT_HEADER]
    lines = (_line(row) for row in _dressed(list(rows)))
    return export_response(
        header, lines, name=f"actions-{business_date():%Y%m%d}", fmt=request.GET.get("format", "csv")
    )


def _data(form: ActionForm) -> service.NewAction:
    data = form.cleaned_data
    return service.NewAction(
        title=data.get("title") or "",
        description=data.get("description") or "",
        owner=data.get("owner") or "",
        level=data.get("level") or "",
        subject=form.subject_code(),
        figure=data.get("figure") or "",
        expected_change=data.get("expected_change") or "",
        started_on=data.get("started_on") or "",
        due_on=data.get("due_on") or "",
        window_days=data.get("window_days") or "",
    )


@staff_required
def action_new(request: HttpRequest) -> HttpResponse:
    """Record an action (ACTION_EDIT) on a subject in the caller's reach."""
    scope = require(request_scope(request), Capability.ACTION_EDIT)
    today = business_date()
    initial = {"started_on": today.isoformat(), "window_days": service.window_days_default()}
    form = ActionForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = page_action(
            request,
            lambda: service.action_create(scope=scope, actor=page_user(request), data=_data(form)),
            form=form,
            success=lambda a: _("已登记改进措施“%(title)s”。") % {"title": a.title},
        )
        if action is not None:
            return redirect("assessment:action", action_id=action.pk)
    return render(request, "assessment/action_form.html", {"form": form, "action": None})


def _initial(action: ImprovementAction) -> dict[str, Any]:
    return {
        "title": action.title,
        "description": action.description,
        "owner": action.owner.employee_no,
        "level": action.level,
        "subject": f"{action.level}:{actions.subject_code(action)}",
        "figure": action.figure,
        "expected_change": f"{action.expected_change.normalize():f}",
        "started_on": action.started_on.isoformat(),
        "due_on": action.due_on.isoformat(),
        "window_days": action.window_days,
    }


@staff_required
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    """Change an action (ACTION_EDIT; 404 outside the reach). Once evaluated, only its name,
    text and owner change."""
    scope = require(request_scope(request), Capability.ACTION_EDIT)
    action = action_get_to_keep(scope=scope, action_id=action_id)
    form = ActionForm(request.POST or None, scope=scope, initial=_initial(action))
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: service.action_update(scope=scope, actor=page_user(request), action_id=action.pk, data=_data(form)),
            form=form,
            success=_("已保存。"),
        )
        if done is not None:
            return redirect("assessment:action", action_id=action.pk)
    return render(request, "assessment/action_form.html", {"form": form, "action": action})


def _windows(action: ImprovementAction) -> list[dict[str, Any]]:
    e = action.evaluation
    if not e:
        return []
    rows = []
    for key, label in (("before", _("改进前")), ("after", _("改进后"))):
        w = e[key]
        rows.append(
            {
                "label": label,
                "start": w["start"],
                "end": w["end"],
                "value": shown(action.figure, w["value"]),
                "n": w["n"],
            }
        )
    return rows


@staff_required
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    scope = request_scope(request)
    action = action_get_for_scope(scope=scope, action_id=action_id)
    row = _dressed([action])[0]
    keeps = can(scope, Capability.ACTION_EDIT) and action_kept_by(scope, action)
    context = {
        "action": action,
        "row": row,
        "sentence": evaluation_sentence(action.evaluation),
        "windows": _windows(action),
        "events": actions.action_history(action),
        "can_edit": keeps,
        "can_evaluate": keeps and action.due_on < business_date(),
        "creator": person_label(action.created_by),
    }
    return render(request, "assessment/action.html", context)


def action_kept_by(scope: Scope, action: ImprovementAction) -> bool:
    """Whether ``scope`` may edit and evaluate ``action`` (its subject in reach, not only owned)."""
    try:
        action_get_to_keep(scope=scope, action_id=action.pk)
    except DomainError:  # Forbidden or NotFound alike: no buttons
        return False
    return True


@staff_required
@require_POST
def action_evaluate(request: HttpRequest, action_id: int) -> HttpResponse:
    """立即评估 (ACTION_EDIT, after the due date); back to the action's page with the sentence."""
    scope = require(request_scope(request), Capability.ACTION_EDIT)
    action = action_get_to_keep(scope=scope, action_id=action_id)

    def said(done: service.Evaluated) -> str:
        label = ActionResult(done.action.result).label
        if done.changed:
            return _("已评估：%(result)s。") % {"result": label}
        return _("评估结果未变：%(result)s（数据与上次评估相同）。") % {"result": label}

    page_action(
        request,
        lambda: service.action_evaluate(scope=scope, actor=page_user(request), action_id=action.pk),
        success=said,
    )
    return redirect("assessment:action", action_id=action.pk)
