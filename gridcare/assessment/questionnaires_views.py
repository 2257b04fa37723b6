"""调查问卷 (issue 14, ASSESS-5): the questionnaire versions and a draft's questions, kept by
SURVEY_MANAGE; publishing, retiring and copying to a new version ask first."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.assessment import selectors_surveys as surveys
from gridcare.assessment.forms_surveys import QuestionForm, QuestionnaireForm
from gridcare.assessment.models import Construct, QuestionKind, Questionnaire
from gridcare.assessment.services import questionnaires as qservice
from gridcare.assessment.surveys_access import questionnaire_get_to_manage
from gridcare.core.paging import paginate
from gridcare.core.views import confirmation, confirmed, page_action, page_user, staff_required
from gridcare.org.access import Capability, request_scope, require

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
