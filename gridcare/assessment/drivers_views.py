"""满意度驱动因素 (issue 14, ASSESS-5): the CCSI model of a questionnaire's answers for a period
(and a unit), estimated on request — the satisfaction index, the path coefficients with a path
diagram, R², AVE, the total effects on satisfaction and the importance-performance chart with the
driver to improve first. ``SURVEY_RESULTS``: supervisors their unit's answers, planners and
administrators the company's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from gridcare.assessment import selectors_drivers as sd
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.forms import Picker, offer
from gridcare.core.timezone import business_date
from gridcare.core.views import staff_required
from gridcare.org.access import Capability, Scope, request_scope, require


class DriversForm(forms.Form):
    questionnaire = Picker(label=_("问卷"), blank=_("最新的问卷"), invalid=_("请选择一份已发布、含测量变量的问卷。"))
    start = forms.CharField(label=_("开始"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.CharField(label=_("结束"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    unit = Picker(label=_("供电单位"), blank=_("全部"), invalid=_("请选择您管辖范围内的供电单位。"))

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, questionnaire=sd.questionnaire_choices(), unit=sd.unit_choices(scope))


def chart_data(result: sd.Drivers) -> dict[str, Any]:
    """What drivers.js draws (the same numbers as the tables beside the charts)."""
    r2 = dict(result.r_squared)
    return {
        "nodes": [{"id": c, "name": sd.label(c), "r2": r2.get(c)} for c in result.matrix.blocks],
        "links": [{"source": a, "target": b, "value": v} for a, b, v in result.paths],
        "ipma": [
            {"id": d.construct, "name": d.label, "importance": d.importance, "performance": d.performance}
            for d in result.drivers
        ],
        "means": {"importance": result.importance_mean, "performance": result.performance_mean},
        "priority": result.priority,
        "labels": {"importance": str(_("重要性（对客户满意的总效应）")), "performance": str(_("表现（0-100）"))},
    }


def tables(result: sd.Drivers) -> dict[str, list[tuple[str, ...]]]:
    """The numbers of the page's tables, each construct by its label, four decimals."""
    label = sd.label
    return {
        "paths": [(label(a), label(b), f"{v:.4f}") for a, b, v in result.paths],
        "r_squared": [(label(c), f"{v:.4f}") for c, v in result.r_squared],
        "ave": [(label(c), f"{v:.4f}") for c, v in result.ave],
        "effects": [(label(c), f"{v:.4f}") for c, v in result.total_effects],
        "ipma": [(d.label, f"{d.importance:.4f}", f"{d.performance:.1f}") for d in result.drivers],
    }


@staff_required
def drivers(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_RESULTS)
    context: dict[str, Any] = {"result": None, "ask": None, "nothing": ""}
    try:
        ask = sd.drivers_ask(
            scope=scope,
            questionnaire=request.GET.get("questionnaire", "").strip(),
            start=request.GET.get("start", "").strip(),
            end=request.GET.get("end", "").strip(),
            unit=request.GET.get("unit", "").strip(),
            today=business_date(),
        )
    except InvalidInput as exc:
        form = DriversForm(request.GET, scope=scope)
        form.is_valid()
        for name, message in exc.errors.items():
            if name in form.fields and not form.has_error(name):
                form.add_error(name, str(message))
        return render(request, "assessment/drivers.html", {**context, "form": form})
    except NotFound as exc:
        form = DriversForm(scope=scope)
        return render(request, "assessment/drivers.html", {**context, "form": form, "nothing": str(exc.message)})
    shown = {"questionnaire": str(ask.questionnaire.pk), "start": ask.start.isoformat(), "end": ask.end.isoformat()}
    form = DriversForm({**shown, "unit": ask.unit_code}, scope=scope)
    form.is_valid()
    result = sd.drivers(scope=scope, questionnaire=ask.questionnaire, start=ask.start, end=ask.end, unit_id=ask.unit_id)
    context.update(form=form, ask=ask, result=result, chart=chart_data(result), tables=tables(result))
    return render(request, "assessment/drivers.html", context)
