"""Questionnaires (调查问卷, issue 14, ASSESS-5): versions kept by SURVEY_MANAGE.

- ``questionnaire_create``: a new draft (version 1 of a new questionnaire).
- ``questionnaire_update``, ``question_save``, ``question_delete``: only a draft changes; every
  value checked first (``rules.surveys``), one transaction.
- ``questionnaire_transition``: draft → published (it needs a question; publishing retires the
  version of the same questionnaire published before), published → retired. An illegal move is
  a ``Conflict`` before anything is written.
- ``questionnaire_copy``: a new draft version of a published or retired one, its questions
  copied (the way a published questionnaire is "edited").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gridcare.assessment.models import Question, Questionnaire
from gridcare.assessment.rules.surveys import (
    INTRO_MAX,
    QUESTIONS_MAX,
    TITLE_MAX,
    TRANSITIONS,
    question_errors,
    text_error,
)
from gridcare.assessment.surveys_access import questionnaire_get_to_manage
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.org.access import Capability, Scope, require

Actor = User | AnonymousUser


def manager(scope: Scope, actor: Actor) -> User:
    """The person keeping surveys (SURVEY_MANAGE, a signed-in user)."""
    require(scope, Capability.SURVEY_MANAGE)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    return actor


def _texts(title: Any, intro: Any) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if message := text_error(title, required=_("请填写问卷标题。"), limit=TITLE_MAX):
        errors["title"] = message
    if message := text_error(intro if intro is not None else "", required="", limit=INTRO_MAX, line_breaks=True):
        errors["intro"] = message
    if errors:
        raise InvalidInput(_("问卷有误。"), errors=errors)
    return str(title).strip(), str(intro or "").strip()


def questionnaire_create(*, scope: Scope, actor: Actor, title: Any, intro: Any = "") -> Questionnaire:
    user = manager(scope, actor)
    clean_title, clean_intro = _texts(title, intro)
    return Questionnaire.objects.create(
        code=f"Q{secrets.token_hex(5).upper()}",
        version=1,
        title=clean_title,
        intro=clean_intro,
        created_by=user,
        created_at=now(),
    )


def _draft(scope: Scope, questionnaire_id: int) -> Questionnaire:
    questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id, lock=True)
    if questionnaire.state != Questionnaire.State.DRAFT:
        raise Conflict(_("已发布或停用的问卷不能修改；请复制为新版本再改。"))
    return questionnaire


def questionnaire_update(
    *, scope: Scope, actor: Actor, questionnaire_id: int, title: Any, intro: Any = ""
) -> Questionnaire:
    clean_title, clean_intro = _texts(title, intro)
    with transaction.atomic():
        questionnaire = _draft(scope, questionnaire_id)
        questionnaire.title, questionnaire.intro = clean_title, clean_intro
        questionnaire.save(update_fields=["title", "intro"])
    return questionnaire


@dataclass(frozen=True)
class NewQuestion:
    kind: Any
    text: Any
    choices: Any = ""  # a list of options, or one text with an option per line
    construct: Any = ""
    required: Any = True


def _next_code(questionnaire: Questionnaire) -> str:
    used = set(questionnaire.questions.values_list("code", flat=True))
    n = len(used) + 1
    while f"q{n}" in used:
        n += 1
    return f"q{n}"


def question_save(
    *, scope: Scope, actor: Actor, questionnaire_id: int, data: NewQuestion, question_id: int | None = None
) -> Question:
    """Add a question at the end of a draft, or change one of its questions."""
    errors, options = question_errors(
        kind=data.kind, text=data.text, choices=data.choices, construct=data.construct, required=data.required
    )
    if errors:
        raise InvalidInput(_("题目有误。"), errors=errors)
    with transaction.atomic():
        questionnaire = _draft(scope, questionnaire_id)
        if question_id is None:
            if questionnaire.questions.count() >= QUESTIONS_MAX:
                raise InvalidInput(_("一份问卷最多 %(n)d 道题。") % {"n": QUESTIONS_MAX})
            last = questionnaire.questions.aggregate(last=Max("position"))["last"] or 0
            question = Question(questionnaire=questionnaire, position=last + 1, code=_next_code(questionnaire))
        else:
            found = questionnaire.questions.filter(pk=question_id).first() if 0 < question_id < 2**63 else None
            if found is None:
                raise NotFound(_("问卷没有这道题。"))
            question = found
        question.kind, question.text = str(data.kind), str(data.text).strip()
        question.choices = list(options)
        question.construct = str(data.construct or "")
        question.required = bool(data.required)
        question.save()
    return question


def question_delete(*, scope: Scope, actor: Actor, questionnaire_id: int, question_id: int) -> None:
    """Take a question out of a draft; the ones after it move up."""
    with transaction.atomic():
        questionnaire = _draft(scope, questionnaire_id)
        found = questionnaire.questions.filter(pk=question_id).first() if 0 < question_id < 2**63 else None
        if found is None:
            raise NotFound(_("问卷没有这道题。"))
        found.delete()
        rest = list(questionnaire.questions.order_by("position"))
        for question in rest:  # out of the way first: positions are unique per questionnaire
            question.position += 1000
            question.save(update_fields=["position"])
        for i, question in enumerate(rest, start=1):
            question.position = i
            question.save(update_fields=["position"])


def questionnaire_transition(*, scope: Scope, actor: Actor, questionnaire_id: int, to: str) -> Questionnaire:
    """Publish a draft or retire a published version (``to``: published, retired)."""
    with transaction.atomic():
        questionnaire = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id, lock=True)
        if to not in TRANSITIONS.get(questionnaire.state, frozenset()):
            raise Conflict(
                _("问卷当前为“%(state)s”，不能改为这个状态。")
                % {"state": Questionnaire.State(questionnaire.state).label}
            )
        at = now()
        if to == Questionnaire.State.PUBLISHED:
            if not questionnaire.questions.exists():
                raise Conflict(_("问卷还没有题目，不能发布。"))
            Questionnaire.objects.filter(code=questionnaire.code, state=Questionnaire.State.PUBLISHED).update(
                state=Questionnaire.State.RETIRED
            )
            questionnaire.published_at = at
        questionnaire.state = to
        questionnaire.save(update_fields=["state", "published_at"])
    return questionnaire


def questionnaire_copy(*, scope: Scope, actor: Actor, questionnaire_id: int) -> Questionnaire:
    """A new draft version with the questions of a published or retired version."""
    user = manager(scope, actor)
    with transaction.atomic():
        source = questionnaire_get_to_manage(scope=scope, questionnaire_id=questionnaire_id, lock=True)
        if source.state == Questionnaire.State.DRAFT:
            raise Conflict(_("草稿可以直接修改，不需要复制。"))
        if Questionnaire.objects.filter(code=source.code, state=Questionnaire.State.DRAFT).exists():
            raise Conflict(_("这份问卷已有一个草稿版本，请先修改或发布它。"))
        last = Questionnaire.objects.filter(code=source.code).aggregate(last=Max("version"))["last"] or 0
        copy = Questionnaire.objects.create(
            code=source.code,
            version=last + 1,
            title=source.title,
            intro=source.intro,
            created_by=user,
            created_at=now(),
        )
        Question.objects.bulk_create(
            Question(
                questionnaire=copy,
                position=q.position,
                code=q.code,
                kind=q.kind,
                text=q.text,
                choices=q.choices,
                construct=q.construct,
                required=q.required,
            )
            for q in source.questions.order_by("position")
        )
    return copy
