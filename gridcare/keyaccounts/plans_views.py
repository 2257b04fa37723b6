"""Staff pages of the emergency supply plans (应急方案, KEY-2):

- ``/key-accounts/<户号>/plans/new/``: a new version, its form filled with the current one;
- ``/key-accounts/plans/<id>/``: one version (older ones stay as they were) and its PDF
  (``/key-accounts/plans/<id>/pdf/``);
- ``/key-accounts/plans/due/``: the current plans whose review is due, the most overdue first."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import page_get, staff_required
from gridcare.keyaccounts import portfolio_forms as forms
from gridcare.keyaccounts import selectors
from gridcare.keyaccounts.access import account_get_for_scope, plan_get_for_scope
from gridcare.keyaccounts.plan_pdf import plan_facts, plan_pdf, plan_sections
from gridcare.keyaccounts.rules.plans import BACKUP_TYPES
from gridcare.keyaccounts.services import plans as services
from gridcare.keyaccounts.visits_views import _refuse_on
from gridcare.org.access import Capability, can, request_scope, require


@staff_required
def plan_new(request: HttpRequest, account_no: str) -> HttpResponse:
    require(request_scope(request), Capability.KEY_PLAN_EDIT)
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    current = selectors.current_plan(account)
    initial = forms.plan_initial(current) if current else {}
    form = forms.PlanForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.PlanData(**form.contents())
        try:
            plan = services.plan_create(
                scope=scope, actor=request.user, account=account, data=data, copied_from=current
            )
        except DomainError as exc:
            _refuse_on(form, exc, forms.PlanForm.PLACES)
        else:
            messages.success(request, _("应急方案第 %(v)d 版已保存，此前的版本保持不变。") % {"v": plan.version})
            return redirect("keyaccounts:plan", plan_id=plan.pk)
    context: dict[str, Any] = {"account": account, "form": form, "current": current}
    return render(request, "keyaccounts/plan_new.html", context)


@staff_required
def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    scope, found = page_get(request, plan_get_for_scope, plan_id=plan_id)
    latest = selectors.current_plan(found.account)
    context = {
        "plan": found,
        "facts": plan_facts(found),
        "sections": plan_sections(found),
        "latest": latest,
        "is_latest": latest is not None and latest.pk == found.pk,
        "versions": selectors.plans_of(found.account),
        "can_plan": can(scope, Capability.KEY_PLAN_EDIT),
        "overdue": found.review_due_on < business_date(),
        "backup_types": BACKUP_TYPES,
    }
    return render(request, "keyaccounts/plan.html", context)


@staff_required
def plan_file(request: HttpRequest, plan_id: int) -> HttpResponse:
    require(request_scope(request), Capability.KEY_PORTFOLIO)
    _scope, found = page_get(request, plan_get_for_scope, plan_id=plan_id)
    response = HttpResponse(plan_pdf(found), content_type="application/pdf")
    name = f"plan-{found.account.account_no}-v{found.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@staff_required
def plans_due(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    page = paginate(request, selectors.plans_due(scope=scope))
    return render(request, "keyaccounts/plans_due.html", {"page": page, "today": business_date()})
