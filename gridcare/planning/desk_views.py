"""The 95598 desk's staffing calculator's page (issue 17): ``/planning/desk/`` for PLAN_VIEW,
the agents each half hour needs by Erlang A (and by Erlang C), in sentences and a table."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridcare.core.views import form_errors_from, staff_required
from gridcare.org.access import Capability, can, request_scope, require
from gridcare.planning.desk_forms import DeskForm
from gridcare.planning.exceptions import PlanRefused
from gridcare.planning.selectors_desk import DeskAnswer, desk_answer

FIELDS = {"calls_per_half_hour": "calls"}


def _sentences(answer: DeskAnswer) -> list[str]:
    plan, t = answer.plan, answer.targets
    saved = plan.agent_hours_erlang_c - plan.agent_hours
    return [
        _(
            "目标：%(level)s%% 的来话在 %(target)s 秒内接通，挂机不超过 %(leaving)s%%；平均处理 %(aht)s 秒，客户平均耐心 %(patience)s 秒。"
        )
        % {
            "level": f"{100 * t.service_level:g}",
            "target": f"{t.target_seconds:g}",
            "leaving": f"{100 * t.max_abandonment:g}",
            "aht": f"{t.aht_seconds:g}",
            "patience": f"{t.patience_seconds:g}",
        },
        _(
            "共 %(calls)s 通来话，需要 %(hours)s 个坐席·小时（Erlang A）；预计 %(left)s 通挂机，全天 %(level)s 的来话在目标时间内接通。"
        )
        % {
            "calls": f"{plan.calls:,.0f}",
            "hours": f"{plan.agent_hours:g}",
            "left": f"{plan.abandoned:,.0f}",
            "level": f"{100 * plan.service_level:.1f}%",
        },
        _("不计挂机的 Erlang C 需要 %(hours)s 个坐席·小时，多 %(more)s 个。")
        % {"hours": f"{plan.agent_hours_erlang_c:g}", "more": f"{saved:g}"},
    ]


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_VIEW)
    asked = "calls" in request.GET
    form = DeskForm(request.GET if asked else None)
    answer = None
    if asked and form.is_valid():
        try:
            answer = desk_answer(scope=scope, ask=form.ask())
        except PlanRefused as exc:
            exc.errors = {FIELDS.get(k, k): v for k, v in exc.errors.items()}
            form_errors_from(form, exc)
    context: dict[str, Any] = {"form": form, "answer": answer, "can_edit": can(scope, Capability.PLAN_EDIT)}
    if answer is not None:
        context |= {
            "sentences": _sentences(answer),
            "rows": [
                {
                    "slot": label,
                    "calls": f"{s.calls:g}",
                    "agents": s.agents,
                    "agents_erlang_c": s.agents_erlang_c,
                    "level": f"{100 * s.service_level:.1f}%",
                    "leaving": f"{100 * s.abandonment:.1f}%",
                    "wait": f"{s.mean_wait_seconds:.1f}",
                    "occupancy": f"{100 * s.occupancy:.1f}%",
                }
                for label, s in zip(answer.slot_labels(), answer.plan.slots, strict=True)
            ],
            "most": max((s.agents_erlang_c for s in answer.plan.slots), default=0) or 1,
        }
    return render(request, "planning/desk.html", context)
