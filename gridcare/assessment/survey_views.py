"""The public survey page (/s/<token>/, issue 14, ASSESS-5): what the SMS link opens, without
signing in, mobile first. It shows the invitation's questionnaire, checks the answers (the
service checks them again), saves them once and thanks; an unknown, expired or answered link
shows a page that says so and writes nothing."""

from __future__ import annotations

import hmac
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from gridcare.assessment.rules.surveys import ANSWER_TEXT_MAX, SCALE_MAX, SCALE_MIN, QuestionSpec
from gridcare.assessment.selectors_surveys import (
    InviteState,
    invite_for_token,
    offer_token,
    pad_ref,
    question_specs,
    ticket_account,
)
from gridcare.assessment.services.surveys import survey_answer, survey_invite_offer
from gridcare.core.exceptions import DomainError, InvalidInput

STATUS = {"unknown": 404, "expired": 410, "answered": 200}


def _closed(request: HttpRequest, state: InviteState) -> HttpResponse:
    return render(request, "survey/closed.html", {"state": state.state}, status=STATUS.get(state.state, 404))


def _fields(questions: list[QuestionSpec], values: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {"q": q, "n": i, "value": values.get(q.code, ""), "error": errors.get(q.code, "")}
        for i, q in enumerate(questions, start=1)
    ]


@never_cache
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    state = invite_for_token(token)
    if state.invite is None or state.state != "open":
        return _closed(request, state)
    questionnaire = state.invite.questionnaire
    questions = question_specs(questionnaire)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {q.code: request.POST.get(q.code, "") for q in questions}
        try:
            survey_answer(token=token, answers=values)
        except InvalidInput as exc:
            errors = {str(k): str(v) for k, v in exc.errors.items()}
        except DomainError:  # answered or expired meanwhile (another tab, the deadline)
            return _closed(request, invite_for_token(token))
        else:
            return redirect("survey:done", token=token)
    context = {
        "questionnaire": questionnaire,
        "fields": _fields(questions, values, errors),
        "errors": errors,
        "general_error": errors.get("__all__", ""),
        "scale": range(SCALE_MIN, SCALE_MAX + 1),
        "text_max": ANSWER_TEXT_MAX,
        "expires_at": state.invite.expires_at,
    }
    return render(request, "survey/answer.html", context)


@never_cache
def pad_offer(request: HttpRequest, ticket_id: int, token: str) -> HttpResponse:
    """What the pad's QR code opens: the questionnaire offered for the ticket just rated (the
    same invitation each time it is scanned; answered once). A made-up address is a 404."""
    exists, account_id = ticket_account(ticket_id)
    if not exists or not hmac.compare_digest(str(token), offer_token("pad", pad_ref(ticket_id))):
        return _closed(request, InviteState(invite=None, state="unknown"))
    offered = survey_invite_offer(channel="pad", account_id=account_id, source_ref=pad_ref(ticket_id))
    if offered is None:
        return render(request, "survey/closed.html", {"state": "none"})
    return redirect("survey:answer", token=offered.token)


@never_cache
def survey_done(request: HttpRequest, token: str) -> HttpResponse:
    state = invite_for_token(token)
    if state.state == "open":
        return redirect("survey:answer", token=token)
    if state.state != "answered":
        return _closed(request, state)
    return render(request, "survey/closed.html", {"state": "thanks"})
