"""调查问卷, 抽样, 社会监督员 and 满意度调查 (issue 14, ASSESS-4/5): the staff pages.

- ``/assessment/surveys/questionnaires/``: the versions; a draft's questions are edited on its
  page; publishing, retiring and copying to a new version ask first (SURVEY_MANAGE).
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.assessment import selectors_surveys as surveys
from gridcare.assessment.forms_surveys import (
    METHOD_LABELS,
    QuestionForm,
    QuestionnaireForm,
    SampleForm,
    SendForm,
    SupervisorStateForm,
)
from gridcare.assessment.models import (
    Construct,
    QuestionKind,
    Questionnaire,
    Sample,
    SamplePurpose,
    SampleStatus,
    SocialSupervisor,
)
from gridcare.assessment.rules.surveys import rate
from gridcare.assessment.selectors import person_label
from gridcare.assessment.services import questionnaires as qservice
from gridcare.assessment.services import samples as sservice
from gridcare.assessment.services import surveys as send_service
from gridcare.assessment.surveys_access import (
    questionnaire_get_to_manage,
    sample_get_for_scope,
    supervisor_get_to_manage,
)
from gridcare.core.paging import paginate
from gridcare.core.views import Confirmation, ask_first, confirmation, confirmed, page_action, page_user, staff_required
from gridcare.org.access import Capability, can, request_scope, require

# -- questionnaires -------------------------------------------------------------------------------


@staff_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.SURVEY_MANAGE)
    page = paginate(request, surveys.questionnaire_list())
    return render(request, "assessment/questionnaires.html", {"page": page, "form": QuestionnaireForm()})


@staff_required
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.SURVEY_MANAGE)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = page_action(
            request,
            lambda: qservice.questionnaire_create(
                scope=scope,
                actor=page_user(request),
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
            ),
            form=form,
            success=_("已创建问卷草稿，请添加题目。"),
        )
        if made is not None:
            return redirect("assessment:questionnaire", questionnaire_id=made.pk)
    page = paginate(request, surveys.questionnaire_list())
    return render(request, "assessment/questionnaires.html", {"page": page, "form": form})


def _question_rows(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    return [
        {
            "question": q,
            "kind": QuestionKind(q.kind).label,
            "construct": Construct(q.construct).label if q.construct else "",
            "choices": "、".join(str(c) for c in q.choices or []),
        }
        for q in surveys.questionnaire_questions(questionnaire)
    ]


def _questionnaire_page(request: HttpRequest, questionnaire: Questionnaire, **more: Any) -> HttpResponse:
    editing = more.pop("editing", None)
    context = {
        "questionnaire": questionnaire,
        "state": Questionnaire.State(questionnaire.state).label,
        "draft": questionnaire.state == Questionnaire.State.DRAFT,
        "rows": _question_rows(questionnaire),
        "editing": editing,
        "form": more.pop("form", None)
        or QuestionnaireForm(initial={"title": questionnaire.title, "intro": questionnaire.intro}),
        "question_form": more.pop("question_form", None) or QuestionForm(),
        "versions": Questionnaire.objects.filter(code=questionnaire.code).order_by("-version"),
        **more,
    }
    return render(request, "assessment/questionnaire.html", context)


@staff_required
def questionnaire_detail(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """A version and its questions; a draft's title and text change here."""
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: qservice.questionnaire_update(
                scope=scope,
                actor=page_user(request),
                questionnaire_id=questionnaire.pk,
                title=form.cleaned_data["title"],
                intro=form.cleaned_data["intro"],
            ),
            form=form,
            success=_("已保存。"),
        )
        if done is not None:
            return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)
    return _questionnaire_page(request, questionnaire, form=form if request.method == "POST" else None)


def _question_data(form: QuestionForm) -> qservice.NewQuestion:
    data = form.cleaned_data
    return qservice.NewQuestion(
        kind=data.get("kind") or "",
        text=data.get("text") or "",
        choices=data.get("choices") or "",
        construct=data.get("construct") or "",
        required=bool(data.get("required")),
    )


@staff_required
def question_new(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """Add a question at the end of a draft (POST)."""
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: qservice.question_save(
                scope=scope, actor=page_user(request), questionnaire_id=questionnaire.pk, data=_question_data(form)
            ),
            form=form,
            success=_("已添加题目。"),
        )
        if done is not None:
            return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)
    return _questionnaire_page(request, questionnaire, question_form=form)


@staff_required
def question_edit(request: HttpRequest, questionnaire_id: int, question_id: int) -> HttpResponse:
    """Change one question of a draft."""
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    question = questionnaire.questions.filter(pk=question_id).first() if 0 < question_id < 2**63 else None
    if question is None:
        return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)
    initial = {
        "kind": question.kind,
        "text": question.text,
        "choices": "\n".join(str(c) for c in question.choices or []),
        "construct": question.construct,
        "required": question.required,
    }
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: qservice.question_save(
                scope=scope,
                actor=page_user(request),
                questionnaire_id=questionnaire.pk,
                question_id=question.pk,
                data=_question_data(form),
            ),
            form=form,
            success=_("已保存题目。"),
        )
        if done is not None:
            return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)
    return _questionnaire_page(request, questionnaire, question_form=form, editing=question)


@staff_required
@require_POST
def question_delete(request: HttpRequest, questionnaire_id: int, question_id: int) -> HttpResponse:
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    page_action(
        request,
        lambda: qservice.question_delete(
            scope=scope, actor=page_user(request), questionnaire_id=questionnaire.pk, question_id=question_id
        ),
        success=_("已删除题目。"),
    )
    return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)


def _step(
    request: HttpRequest, questionnaire_id: int, *, to: str, sentence: str, button: str, done: str
) -> HttpResponse:
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    if not confirmed(request):
        ask = confirmation(
            request,
            sentence=sentence % {"title": questionnaire.title, "v": questionnaire.version},
            button=button,
            cancel=request.path.rsplit("/", 2)[0] + "/",
        )
        return _questionnaire_page(request, questionnaire, confirm=ask, confirm_action=request.path)
    page_action(
        request,
        lambda: qservice.questionnaire_transition(
            scope=scope, actor=page_user(request), questionnaire_id=questionnaire.pk, to=to
        ),
        success=done,
    )
    return redirect("assessment:questionnaire", questionnaire_id=questionnaire.pk)


@staff_required
@require_POST
def questionnaire_publish(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    return _step(
        request,
        questionnaire_id,
        to=Questionnaire.State.PUBLISHED,
        sentence=_(
            "发布“%(title)s”第 %(v)d 版后题目不能再修改（要改须复制为新版本），同一问卷之前发布的版本将停用。确认发布？"
        ),
        button=_("确认发布"),
        done=_("问卷已发布。"),
    )


@staff_required
@require_POST
def questionnaire_retire(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    return _step(
        request,
        questionnaire_id,
        to=Questionnaire.State.RETIRED,
        sentence=_("停用“%(title)s”第 %(v)d 版后不能再用它发送调查（已发出的链接在截止前仍可填写）。确认停用？"),
        button=_("确认停用"),
        done=_("问卷已停用。"),
    )


@staff_required
@require_POST
def questionnaire_copy(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    """A new draft version copied from a published or retired one."""
    scope = request_scope(request)
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id)
    made = page_action(
        request,
        lambda: qservice.questionnaire_copy(scope=scope, actor=page_user(request), questionnaire_id=questionnaire.pk),
        success=lambda q: _("已复制为第 %(v)d 版草稿。") % {"v": q.version},
    )
    return redirect("assessment:questionnaire", questionnaire_id=made.pk if made is not None else questionnaire.pk)


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
        request, sentence=sentence, button=_("确认发送"), cancel=f"/assessment/samples/{preview.sample.pk}/"
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
