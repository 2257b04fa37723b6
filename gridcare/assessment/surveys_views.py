"""调查问卷, 抽样, 社会监督员 and 满意度调查 (issue 14, ASSESS-4/5): the staff pages.

- the questionnaires are in ``questionnaires_views``.
- ``/assessment/samples/``: the samples in reach (SURVEY_RESULTS); drawing one says how many it
  will draw from how many first (SURVEY_MANAGE); a sample's page shows its composition beside
  the population's, its response rates and its members (masked), and 发送调查 (asked first).
- ``/assessment/supervisors/``: the social supervisors in reach and each one's state and history
  (SURVEY_MANAGE).
- ``/assessment/surveys/``: the survey samples' response rates (SURVEY_RESULTS).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.assessment import selectors_surveys as surveys
from gridcare.assessment.forms_surveys import (
    METHOD_LABELS,
    SampleForm,
    SendForm,
    SupervisorStateForm,
)
from gridcare.assessment.models import (
    Sample,
    SamplePurpose,
    SampleStatus,
    SocialSupervisor,
)
from gridcare.assessment.rules.surveys import rate
from gridcare.assessment.selectors import person_label
from gridcare.assessment.services import samples as sservice
from gridcare.assessment.services import surveys as send_service
from gridcare.assessment.surveys_access import (
    sample_get_for_scope,
    supervisor_get_to_manage,
)
from gridcare.core.paging import paginate
from gridcare.core.views import Confirmation, ask_first, confirmation, page_user, staff_required
from gridcare.org.access import Capability, can, request_scope, require

# -- samples --------------------------------------------------------------------------------------


def _sample_row(sample: Sample) -> dict[str, Any]:
    sent, answered = getattr(sample, "sent", 0), getattr(sample, "answered", 0)
    return {
        "sample": sample,
        "purpose": SamplePurpose(sample.purpose).label,
        "place": sample.unit.name if sample.unit else _("全公司"),
        "method": METHOD_LABELS.get(sample.method, ""),
        "status": SampleStatus(sample.status).label,
        "drawn": sum(int(v) for v in (sample.allocation or {}).values()),
        "population": sum(int(v) for v in (sample.population or {}).values()),
        "sent": sent,
        "answered": answered,
        "rate": rate(answered, sent),
    }


@staff_required
def sample_list(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_RESULTS)
    purpose = request.GET.get("purpose", "")
    purpose = purpose if purpose in SamplePurpose.values else ""
    page = paginate(request, surveys.sample_list(scope=scope, purpose=purpose)).map(_sample_row)
    context = {
        "page": page,
        "purpose": purpose,
        "purposes": SamplePurpose.choices,
        "can_manage": can(scope, Capability.SURVEY_MANAGE),
    }
    return render(request, "assessment/samples.html", context)


def _sample_data(form: SampleForm, seed: Any = None) -> sservice.NewSample:
    data = form.cleaned_data
    return sservice.NewSample(
        purpose=data.get("purpose") or "",
        unit=data.get("unit") or "",
        size=data.get("size") or "",
        method=data.get("method") or "",
        seed=seed if seed is not None else data.get("seed") or "",
        name=data.get("name") or "",
        questionnaire=data.get("questionnaire") or "",
    )


def _sample_confirmation(request: HttpRequest, plan: sservice.Plan) -> Confirmation:
    excluded = plan.excluded_opted_out + plan.excluded_no_phone + plan.excluded_recent
    sentence = _(
        "将从 %(eligible)s 户中抽取 %(n)s 户（%(strata)d 层，%(method)s，随机种子 %(seed)d）；"
        "已排除 %(excluded)s 户：退订 %(opted)s 户、无手机号 %(phone)s 户、近 %(months)d 个月已调查 %(recent)s 户。确认抽样？"
    ) % {
        "eligible": f"{plan.eligible:,}",
        "n": f"{plan.size:,}",
        "strata": len(plan.population),
        "method": METHOD_LABELS[plan.method],
        "seed": plan.seed,
        "excluded": f"{excluded:,}",
        "opted": f"{plan.excluded_opted_out:,}",
        "phone": f"{plan.excluded_no_phone:,}",
        "months": sservice.rest_months(),
        "recent": f"{plan.excluded_recent:,}",
    }
    ask = confirmation(request, sentence=sentence, button=_("确认抽样"))
    # The seed drawn for the preview goes with the confirmation, so the sample drawn is the one shown.
    fields = [(k, v) for k, v in ask.fields if k != "seed"] + [("seed", str(plan.seed))]
    return replace(ask, fields=fields)


@staff_required
def sample_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_MANAGE)
    purpose = request.GET.get("purpose", "")
    initial = {"purpose": purpose if purpose in SamplePurpose.values else "survey", "method": "proportional"}
    form = SampleForm(request.POST or None, scope=scope, initial=initial)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = _sample_data(form)
        confirm, sample = ask_first(
            request,
            ask=lambda: _sample_confirmation(request, sservice.sample_plan(scope=scope, data=data)),
            act=lambda: sservice.sample_draw(scope=scope, actor=page_user(request), data=data),
            form=form,
            success=lambda s: _("已抽取 %(n)s 户（随机种子 %(seed)d）。") % {"n": f"{s.size:,}", "seed": s.seed},
        )
        if sample is not None:
            return redirect("assessment:sample", sample_id=sample.pk)
    return render(request, "assessment/sample_new.html", {"form": form, "confirm": confirm})


@staff_required
def sample_detail(request: HttpRequest, sample_id: int) -> HttpResponse:
    scope = request_scope(request)
    sample = sample_get_for_scope(scope=scope, sample_id=sample_id)
    rows = surveys.sample_composition(sample)
    rates, _per = surveys.sample_rates(sample)
    members = paginate(request, surveys.sample_members(sample))
    can_send = (
        can(scope, Capability.SURVEY_MANAGE)
        and sample.purpose == SamplePurpose.SURVEY
        and rates.sent < sum(r.drawn for r in rows)
    )
    context = {
        "sample": _sample_row(sample),
        "rows": rows,
        "chart": surveys.composition_chart(rows),
        "rates": rates,
        "members": members,
        "member_rows": surveys.member_rows(sample, members),
        "send_form": SendForm(initial={"questionnaire": sample.questionnaire_id or ""}),
        "can_send": can_send,
        "can_manage": can(scope, Capability.SURVEY_MANAGE),
        "creator": person_label(sample.created_by),
        "rest_months": sservice.rest_months(),
    }
    return render(request, "assessment/sample.html", context)


@staff_required
@require_POST
def sample_send(request: HttpRequest, sample_id: int) -> HttpResponse:
    """发送调查: say how many will be invited, then queue them once confirmed."""
    scope = require(request_scope(request), Capability.SURVEY_MANAGE)
    sample = sample_get_for_scope(scope=scope, sample_id=sample_id)
    form = SendForm(request.POST)
    if form.is_valid():
        chosen = form.cleaned_data["questionnaire"]
        confirm, _sent_now = ask_first(
            request,
            ask=lambda: _send_confirmation(
                request, send_service.survey_send_preview(scope=scope, sample_id=sample.pk, questionnaire=chosen)
            ),
            act=lambda: send_service.survey_send(
                scope=scope, actor=page_user(request), sample_id=sample.pk, questionnaire=chosen
            ),
            form=form,
            success=_sent,
        )
        if confirm is not None:
            context = {"sample": _sample_row(sample), "confirm": confirm}
            return render(request, "assessment/sample_send.html", context)
    for errors in form.errors.values():  # a refusal: said on the sample's page
        for message in errors:
            messages.error(request, str(message))
    return redirect("assessment:sample", sample_id=sample.pk)


def _send_confirmation(request: HttpRequest, preview: send_service.SendPreview) -> Confirmation:
    if preview.to_invite == 0:
        sentence = _("没有需要发送的成员（已发送 %(already)s 户，无法送达 %(unreachable)s 户）。") % {
            "already": f"{preview.already:,}",
            "unreachable": f"{preview.unreachable:,}",
        }
    else:
        sentence = _(
            "将向 %(n)s 户发送“%(title)s”的调查短信，链接 %(days)d 天内有效（已发送 %(already)s 户不再重复，"
            "无手机号或已退订 %(unreachable)s 户不发送）。确认发送？"
        ) % {
            "n": f"{preview.to_invite:,}",
            "title": preview.questionnaire.title,
            "days": send_service.invite_days(),
            "already": f"{preview.already:,}",
            "unreachable": f"{preview.unreachable:,}",
        }
    return confirmation(
        request, sentence=sentence, button=_("确认发送"), cancel=reverse("assessment:sample", args=[preview.sample.pk])
    )


def _sent(done: send_service.Sent) -> str:
    if done.invited == 0:
        return _("没有新的调查需要发送：每位成员只发送一次。")
    return _("已发送 %(n)s 条调查短信。") % {"n": f"{done.invited:,}"}


# -- social supervisors -----------------------------------------------------------------------------


@staff_required
def supervisor_list(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_MANAGE)
    state = request.GET.get("state", "")
    state = state if state in SocialSupervisor.State.values else ""
    page = paginate(request, surveys.supervisor_list(scope=scope, state=state))
    context = {
        "page": page,
        "rows": surveys.supervisor_rows(page),
        "state": state,
        "states": SocialSupervisor.State.choices,
    }
    return render(request, "assessment/supervisors.html", context)


@staff_required
def supervisor_detail(request: HttpRequest, supervisor_id: int) -> HttpResponse:
    """A supervisor's state, term and history; the change of state (asked first)."""
    scope = request_scope(request)
    supervisor = supervisor_get_to_manage(scope=scope, supervisor_id=supervisor_id)
    form = SupervisorStateForm(request.POST or None)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data.get(k) or "" for k in ("state", "term_start", "term_end", "note")}
        label = SocialSupervisor.State(data["state"]).label
        confirm, done = ask_first(
            request,
            ask=lambda: confirmation(
                request,
                sentence=_("将状态由“%(old)s”改为“%(new)s”。确认？")
                % {"old": SocialSupervisor.State(supervisor.state).label, "new": label},
                button=_("确认变更"),
            ),
            act=lambda: sservice.supervisor_set_state(
                scope=scope, actor=page_user(request), supervisor_id=supervisor.pk, **data
            ),
            form=form,
            success=_("已将状态改为“%(state)s”。") % {"state": label},
        )
        if done is not None:
            return redirect("assessment:supervisor", supervisor_id=supervisor.pk)
    [row] = surveys.supervisor_rows([supervisor])
    context = {
        "row": row,
        "supervisor": supervisor,
        "events": surveys.supervisor_history(supervisor),
        "form": form,
        "confirm": confirm,
        "can_change": bool(sservice.SUPERVISOR_TRANSITIONS[supervisor.state]),
    }
    return render(request, "assessment/supervisor.html", context)


# -- the surveys' response rates ------------------------------------------------------------------


@staff_required
def survey_overview(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_RESULTS)
    page = paginate(request, surveys.survey_overview(scope=scope)).map(_sample_row)
    totals = surveys.overview_totals(scope=scope)
    context = {"page": page, "totals": totals, "can_manage": can(scope, Capability.SURVEY_MANAGE)}
    return render(request, "assessment/surveys.html", context)
