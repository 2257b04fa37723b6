"""投诉原因 (ASSESS-6): the complaint cause taxonomy, kept by administrators
(``COMPLAINT_CAUSE_EDIT``): the list by class with how many orders each cause has, adding,
renaming and moving a cause, deactivating and reactivating it (asked first), and deleting one no
order was ever put down to."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.views import confirmation, confirmed, page_action, staff_required
from gridcare.org.access import Capability, Scope, request_scope, require
from gridcare.workorders import forms, selectors
from gridcare.workorders.models import ComplaintCause, ComplaintClass
from gridcare.workorders.services import causes


def _editor(request: HttpRequest) -> Scope:
    return require(request_scope(request), Capability.COMPLAINT_CAUSE_EDIT)


def _groups() -> list[tuple[str, list[ComplaintCause]]]:
    """The causes of each class, in the order intake offers them, with their orders (``used``)."""
    rows = list(selectors.cause_list())
    return [(str(label), [c for c in rows if c.complaint_class == code]) for code, label in ComplaintClass.choices]


@staff_required
def cause_list(request: HttpRequest) -> HttpResponse:
    scope = _editor(request)
    form = forms.CauseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = page_action(
            request,
            lambda: causes.cause_create(
                scope=scope,
                actor=request.user,
                complaint_class=data["complaint_class"],
                name=data["name"],
                position=data.get("position"),
            ),
            success=lambda c: _("已新增投诉原因“%(name)s”。") % {"name": c.name},
            form=form,
        )
        if made is not None:
            return redirect("workorders:causes")
    context = {"form": form, "groups": _groups(), "history": selectors.cause_history()}
    return render(request, "workorders/causes.html", context)


def _edit_page(
    request: HttpRequest, cause: ComplaintCause, form: forms.CauseEditForm | None = None, **more: Any
) -> HttpResponse:
    form = form or forms.CauseEditForm(initial={"name": cause.name, "position": cause.position})
    used = cause.orders.count()
    return render(request, "workorders/cause_edit.html", {"cause": cause, "form": form, "used": used, **more})


@staff_required
def cause_edit(request: HttpRequest, cause_id: int) -> HttpResponse:
    scope = _editor(request)
    cause = causes.cause_get(cause_id=cause_id)
    if request.method != "POST":
        return _edit_page(request, cause)
    form = forms.CauseEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = page_action(
            request,
            lambda: causes.cause_update(
                scope=scope, actor=request.user, cause=cause, name=data["name"], position=data["position"]
            ),
            success=lambda c: _("已保存投诉原因“%(name)s”。") % {"name": c.name},
            form=form,
        )
        if done is not None:
            return redirect("workorders:causes")
    return _edit_page(request, causes.cause_get(cause_id=cause_id), form)


def _sentence(action: str, cause: ComplaintCause, used: int) -> tuple[str, str]:
    names = {"name": cause.name, "n": used}
    if action == "deactivate":
        text = _("停用后，受理和办结投诉时不再提供“%(name)s”；已使用它的 %(n)d 张工单保留该原因，照常计入投诉分析。")
        return text % names, _("确认停用")
    if action == "delete":
        return _("将删除投诉原因“%(name)s”（没有工单使用它），删除后不能恢复。") % names, _("确认删除")
    return _("重新启用后，受理和办结投诉时再次提供“%(name)s”。") % names, _("确认启用")


@require_POST
@staff_required
def cause_state(request: HttpRequest, cause_id: int, action: str) -> HttpResponse:
    """Deactivate, reactivate or delete a cause: the page says what will happen, then acts."""
    if action not in ("deactivate", "activate", "delete"):
        raise Http404
    scope = _editor(request)
    cause = causes.cause_get(cause_id=cause_id)
    if not confirmed(request):
        sentence, button = _sentence(action, cause, cause.orders.count())
        back = reverse("workorders:cause_edit", kwargs={"cause_id": cause.pk})
        ask = confirmation(request, sentence=sentence, button=button, cancel=back)
        return _edit_page(request, cause, confirm=ask, confirm_action=request.path)
    if action == "delete":
        page_action(
            request,
            lambda: causes.cause_delete(scope=scope, actor=request.user, cause=cause),
            success=_("已删除投诉原因“%(name)s”。") % {"name": cause.name},
        )
        if not ComplaintCause.objects.filter(pk=cause.pk).exists():
            return redirect("workorders:causes")
        return redirect("workorders:cause_edit", cause_id=cause.pk)
    active = action == "activate"
    page_action(
        request,
        lambda: causes.cause_set_active(scope=scope, actor=request.user, cause=cause, active=active),
        success=(_("已启用投诉原因“%(name)s”。") if active else _("已停用投诉原因“%(name)s”。")) % {"name": cause.name},
    )
    return redirect("workorders:causes")
