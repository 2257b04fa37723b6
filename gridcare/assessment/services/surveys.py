"""Survey invitations and answers (issue 14, ASSESS-5).

- ``survey_send_preview`` / ``survey_send`` (发送调查, SURVEY_MANAGE): for a survey sample and a
  published questionnaire, one invitation per member not yet invited, each with a fresh random
  token (only its SHA-256 is kept) and the link ``<SURVEY_LINK_BASE>/s/<token>/``, expiring after
  GRIDCARE_ASSESSMENT["SURVEY_INVITE_DAYS"] days, its SMS queued through the outbox in the same
  transaction (template ``survey_invite``, a service message: an opted-out phone is spared it by
  the sender, and an opted-out member is not invited at all). Sending again invites only the
  members not yet invited (none: nothing written), so sending twice sends once.
- ``survey_invite_offer``: one invitation outside a sample, for the call-back (回访) or the
  evaluation pad (评价器) to hand over; it returns the token and link (the caller shows or sends it).
- ``survey_answer``: the public page's (and API's) one write. The token's invitation is locked;
  an unknown token is a 404, an answered or expired one a 409, bad answers a 422 naming the
  question: nothing written in each case. A second, concurrent submit waits for the lock and
  then finds the invitation answered (and the one-to-one response is a unique constraint too).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gridcare.assessment.models import (
    InviteChannel,
    Questionnaire,
    Sample,
    SampleMember,
    SamplePurpose,
    SampleStatus,
    SurveyInvite,
    SurveyResponse,
)
from gridcare.assessment.rules.surveys import check_answers
from gridcare.assessment.selectors_surveys import invite_for_token, offer_token, question_specs, token_hash
from gridcare.assessment.services.questionnaires import manager
from gridcare.assessment.surveys_access import sample_get_to_manage
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import business_date, now
from gridcare.customers.selectors import account_unit_of, survey_contacts
from gridcare.notices.services.outbox import NewNotice, notices_enqueue
from gridcare.org.access import Scope

TEMPLATE = "survey_invite"


def invite_days() -> int:
    return int(str(settings.GRIDCARE_ASSESSMENT.get("SURVEY_INVITE_DAYS", 14)))


def survey_link(token: str) -> str:
    base = str(getattr(settings, "GRIDCARE_SURVEY_LINK_BASE", "")).rstrip("/")
    return f"{base}{reverse('survey:answer', args=[token])}"


def new_token() -> tuple[str, str]:
    """(a fresh random token for a link, its SHA-256: all that is kept)."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


# -- sending a sample's invitations ----------------------------------------------------------------


@dataclass(frozen=True)
class SendPreview:
    sample: Sample
    questionnaire: Questionnaire
    to_invite: int  # members with a phone, not opted out, not yet invited
    already: int  # members invited before
    unreachable: int  # members without a phone now, or opted out since the draw


def _published(value: Any, sample: Sample) -> Questionnaire:
    pk = value if isinstance(value, int) and not isinstance(value, bool) else None
    if pk is None and isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        pk = int(value.strip())
    if value in (None, "") and sample.questionnaire_id is not None:
        pk = sample.questionnaire_id
    found = Questionnaire.objects.filter(pk=pk, state=Questionnaire.State.PUBLISHED).first() if pk else None
    if found is None:
        message = _("请选择一份已发布的问卷。")
        raise InvalidInput(message, errors={"questionnaire": message})
    return found


def _plan(sample: Sample, questionnaire: Questionnaire) -> tuple[SendPreview, list[tuple[int, str]]]:
    if sample.purpose != SamplePurpose.SURVEY:
        raise Conflict(_("社会监督员抽样不发送调查问卷。"))
    invited = set(SurveyInvite.objects.filter(sample=sample).values_list("account_id", flat=True))
    members = [
        a for a in SampleMember.objects.filter(sample=sample).order_by("id").values_list("account_id", flat=True)
    ]
    waiting = [a for a in members if a not in invited]
    contacts = survey_contacts(account_ids=waiting)
    reachable = [
        (a, contacts[a].phone) for a in waiting if a in contacts and contacts[a].phone and not contacts[a].opted_out
    ]
    preview = SendPreview(
        sample=sample,
        questionnaire=questionnaire,
        to_invite=len(reachable),
        already=len(invited),
        unreachable=len(waiting) - len(reachable),
    )
    return preview, reachable


def survey_send_preview(*, scope: Scope, sample_id: int, questionnaire: Any = None) -> SendPreview:
    """How many invitations 发送调查 would queue, nothing written (SURVEY_MANAGE)."""
    sample = sample_get_to_manage(scope=scope, sample_id=sample_id)
    return _plan(sample, _published(questionnaire, sample))[0]


@dataclass(frozen=True)
class Sent:
    sample: Sample
    invited: int
    unreachable: int


def survey_send(
    *, scope: Scope, actor: User | AnonymousUser, sample_id: int, questionnaire: Any = None, at: datetime | None = None
) -> Sent:
    """Invite every member of a survey sample not yet invited, one SMS each through the outbox."""
    manager(scope, actor)
    with transaction.atomic():
        sample = sample_get_to_manage(scope=scope, sample_id=sample_id, lock=True)
        chosen = _published(questionnaire, sample)
        preview, reachable = _plan(sample, chosen)
        if not reachable:
            return Sent(sample=sample, invited=0, unreachable=preview.unreachable)
        at = at or now()
        expires = at + timedelta(days=invite_days())
        tokens = [new_token() for _member in reachable]
        SurveyInvite.objects.bulk_create(
            SurveyInvite(
                questionnaire=chosen,
                sample=sample,
                account_id=account_id,
                channel=InviteChannel.SMS,
                token_hash=digest,
                created_at=at,
                expires_at=expires,
            )
            for (account_id, _phone), (_token, digest) in zip(reachable, tokens, strict=True)
        )
        shown = f"{business_date(expires):%Y-%m-%d}"
        notices_enqueue(
            template_code=TEMPLATE,
            messages=(
                NewNotice(
                    recipient=phone,
                    variables={"link": survey_link(token), "expires": shown},
                    account_id=account_id,
                    dedupe_key=f"survey:{sample.pk}:{account_id}",
                )
                for (account_id, phone), (token, _digest) in zip(reachable, tokens, strict=True)
            ),
            now=at,
        )
        sample.questionnaire = chosen
        sample.status = SampleStatus.SENT
        sample.expires_at = max(sample.expires_at or expires, expires)
        sample.save(update_fields=["questionnaire", "status", "expires_at"])
    return Sent(sample=sample, invited=len(reachable), unreachable=preview.unreachable)


# -- one invitation after a call-back or at the evaluation pad --------------------------------------


@dataclass(frozen=True)
class Offered:
    invite: SurveyInvite
    token: str
    link: str


def survey_invite_offer(*, channel: str, account_id: int | None = None, source_ref: str = "") -> Offered | None:
    """An invitation to the newest published questionnaire for a customer just served (the
    call-back's ``callback``, the evaluation pad's ``pad``); None when none is published. Offered
    again for the same ``source_ref``, it is the same invitation (and link)."""
    if channel not in (InviteChannel.CALLBACK, InviteChannel.PAD):
        raise InvalidInput(_("调查渠道只能是回访或评价器。"))
    questionnaire = (
        Questionnaire.objects.filter(state=Questionnaire.State.PUBLISHED).order_by("-published_at", "-pk").first()
    )
    ref = str(source_ref)[:50]
    if ref:  # one invitation per order or ticket, whatever questionnaire is published later
        token = offer_token(channel, ref)
        digest = token_hash(token)
        found = SurveyInvite.objects.filter(token_hash=digest).first()
        if found is not None:
            return Offered(invite=found, token=token, link=survey_link(token))
    else:
        token, digest = new_token()
    if questionnaire is None:
        return None
    at = now()
    try:
        with transaction.atomic():
            invite = SurveyInvite.objects.create(
                questionnaire=questionnaire,
                account_id=account_id,
                channel=channel,
                token_hash=digest,
                source_ref=ref,
                created_at=at,
                expires_at=at + timedelta(days=invite_days()),
            )
    except IntegrityError:  # offered at the same moment for the same order: the other one's
        invite = SurveyInvite.objects.get(token_hash=digest)
    return Offered(invite=invite, token=token, link=survey_link(token))


# -- answering ----------------------------------------------------------------------------------


def refusal(state: str) -> Exception:
    """The refusal of a link that is not open (answered, expired, unknown)."""
    if state == "answered":
        return Conflict(_("这份问卷已经提交过了，每个链接只能提交一次。感谢您的参与！"))
    if state == "expired":
        return Conflict(_("这份问卷的填写期限已过，感谢您的关注。"))
    return NotFound(_("链接无效或已失效。"))


def survey_answer(*, token: str, answers: Any) -> SurveyResponse:
    """Save the answers of the invitation ``token`` once (no sign-in)."""
    state = invite_for_token(token)
    if state.invite is None or state.state != "open":
        raise refusal(state.state)
    if not isinstance(answers, dict):
        raise InvalidInput(_("答卷格式不正确。"), errors={"__all__": _("答卷格式不正确。")})
    checked = check_answers(question_specs(state.invite.questionnaire), answers)
    if checked.errors:
        raise InvalidInput(_("还有题目没有答好，请检查标红的题目。"), errors=checked.errors)
    try:
        with transaction.atomic():
            invite = SurveyInvite.objects.select_for_update().filter(pk=state.invite.pk).first()
            at = now()
            if invite is None or invite.answered_at is not None:
                raise refusal("answered")
            if invite.expires_at <= at:
                raise refusal("expired")
            unit = account_unit_of(account_id=invite.account_id) if invite.account_id is not None else None
            response = SurveyResponse.objects.create(
                invite=invite,
                questionnaire_id=invite.questionnaire_id,
                answered_at=at,
                answers=checked.answers,
                comment=checked.comment,
                unit_id=unit,
            )
            invite.answered_at = at
            invite.save(update_fields=["answered_at"])
    except IntegrityError as exc:  # the other submit's response came first
        raise refusal("answered") from exc
    return response
