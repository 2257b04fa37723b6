"""Reads of samples, questionnaires, invitations and social supervisors (issue 14, ASSESS-4/5):
the lists in the caller's reach, a sample's composition beside its population per stratum, the
response rates (sent, answered, rate; per stratum), members and supervisors with masked names
and phones, and what a survey link opens."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gridcare.assessment.models import (
    Question,
    Questionnaire,
    Sample,
    SampleMember,
    SamplePurpose,
    SocialSupervisor,
    SupervisorEvent,
    SurveyInvite,
)
from gridcare.assessment.rules.surveys import QuestionSpec, rate, stratum_parts
from gridcare.assessment.surveys_access import samples_filter, supervisors_filter
from gridcare.core.forms import Choice
from gridcare.core.timezone import now
from gridcare.customers.models import CustomerClass
from gridcare.customers.selectors import survey_contacts
from gridcare.org.access import Scope
from gridcare.org.models import AreaType, SupplyUnit

TOKEN_MIN, TOKEN_MAX = 16, 64


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def class_label(code: str) -> str:
    try:
        return str(CustomerClass(code).label)
    except ValueError:
        return code


def units_of(codes: Iterable[str]) -> dict[str, SupplyUnit]:
    return {u.code: u for u in SupplyUnit.objects.filter(code__in=set(codes))}


def stratum_name(key: str, units: Mapping[str, SupplyUnit]) -> str:
    """A stratum as the pages say it: 城区供电所 · 居民."""
    unit_code, kind = stratum_parts(key)
    unit = units.get(unit_code)
    return f"{unit.name if unit else unit_code} · {class_label(kind)}"


# -- samples --------------------------------------------------------------------------------------


def sample_list(*, scope: Scope, purpose: str = "") -> QuerySet[Sample]:
    rows = Sample.objects.filter(samples_filter(scope)).select_related("unit", "questionnaire")
    if purpose in SamplePurpose.values:
        rows = rows.filter(purpose=purpose)
    return rows.annotate(
        sent=Count("invites", distinct=True),
        answered=Count("invites", filter=Q(invites__answered_at__isnull=False), distinct=True),
    ).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class StratumRow:
    key: str
    unit: str
    area_type: str
    customer_class: str
    population: int
    population_share: float  # percent of the eligible population
    drawn: int
    drawn_share: float  # percent of the sample
    sent: int
    answered: int
    rate: float | None


@dataclass(frozen=True)
class Rates:
    sent: int
    answered: int
    rate: float | None
    expired: int  # sent, unanswered and past their expiry


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def sample_rates(sample: Sample) -> tuple[Rates, dict[str, tuple[int, int]]]:
    """(the sample's rates, {stratum: (sent, answered)})."""
    strata = dict(SampleMember.objects.filter(sample=sample).values_list("account_id", "stratum"))
    per: dict[str, list[int]] = {}
    expired = 0
    at = now()
    for account_id, answered_at, expires_at in SurveyInvite.objects.filter(sample=sample).values_list(
        "account_id", "answered_at", "expires_at"
    ):
        counts = per.setdefault(strata.get(account_id, ""), [0, 0])
        counts[0] += 1
        counts[1] += answered_at is not None
        expired += answered_at is None and expires_at < at
    sent = sum(c[0] for c in per.values())
    answered = sum(c[1] for c in per.values())
    return Rates(sent, answered, rate(answered, sent), expired), {k: (c[0], c[1]) for k, c in per.items()}


def sample_composition(sample: Sample) -> list[StratumRow]:
    """Each stratum's eligible population and the members drawn from it, side by side, with the
    invitations sent and answered."""
    population: dict[str, int] = {k: int(v) for k, v in (sample.population or {}).items()}
    drawn = dict(
        SampleMember.objects.filter(sample=sample)
        .values_list("stratum")
        .annotate(n=Count("id"))
        .values_list("stratum", "n")
    )
    _rates, per = sample_rates(sample)
    units = units_of(stratum_parts(k)[0] for k in population)
    total, size = sum(population.values()), sum(drawn.values())
    rows = []
    for key in sorted(population):
        unit_code, kind = stratum_parts(key)
        unit = units.get(unit_code)
        sent, answered = per.get(key, (0, 0))
        rows.append(
            StratumRow(
                key=key,
                unit=unit.name if unit else unit_code,
                area_type=str(AreaType(unit.area_type).label) if unit else "",
                customer_class=class_label(kind),
                population=population[key],
                population_share=_share(population[key], total),
                drawn=drawn.get(key, 0),
                drawn_share=_share(drawn.get(key, 0), size),
                sent=sent,
                answered=answered,
                rate=rate(answered, sent),
            )
        )
    return rows


def composition_chart(rows: list[StratumRow]) -> dict[str, Any]:
    """The bar chart's data: the population's and the sample's share of each stratum."""
    return {
        "strata": [f"{r.unit} · {r.customer_class}" for r in rows],
        "population": [r.population_share for r in rows],
        "sample": [r.drawn_share for r in rows],
        "labels": {"population": _("总体占比（%）"), "sample": _("样本占比（%）")},
    }


@dataclass(frozen=True)
class MemberRow:
    account_no: str
    name: str
    phone: str
    stratum: str
    invited_at: datetime | None
    answered_at: datetime | None


def sample_members(sample: Sample) -> QuerySet[SampleMember]:
    return SampleMember.objects.filter(sample=sample).order_by("stratum", "id")


def member_rows(sample: Sample, members: Iterable[SampleMember]) -> list[MemberRow]:
    """One page of members as the page shows them: 户号, masked name and phone, the invitation."""
    items = list(members)
    contacts = survey_contacts(account_ids=[m.account_id for m in items])
    invites = {
        a: (c, x)
        for a, c, x in SurveyInvite.objects.filter(
            sample=sample, account_id__in=[m.account_id for m in items]
        ).values_list("account_id", "created_at", "answered_at")
    }
    units = units_of(stratum_parts(m.stratum)[0] for m in items)
    rows = []
    for m in items:
        contact = contacts.get(m.account_id)
        invited, answered = invites.get(m.account_id, (None, None))
        rows.append(
            MemberRow(
                account_no=contact.account_no if contact else "",
                name=contact.name if contact else "",
                phone=contact.phone_shown if contact else "",
                stratum=stratum_name(m.stratum, units),
                invited_at=invited,
                answered_at=answered,
            )
        )
    return rows


def survey_overview(*, scope: Scope) -> QuerySet[Sample]:
    """The survey samples in reach with what was sent and answered (the 调查 overview)."""
    return sample_list(scope=scope, purpose=SamplePurpose.SURVEY)


def overview_totals(*, scope: Scope) -> Rates:
    """Every survey sample in reach together: invitations sent, answered, the rate, expired."""
    invites = SurveyInvite.objects.filter(
        sample__in=Sample.objects.filter(samples_filter(scope), purpose=SamplePurpose.SURVEY).values("pk")
    )
    counts = invites.aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        expired=Count("pk", filter=Q(answered_at__isnull=True, expires_at__lt=now())),
    )
    return Rates(counts["sent"], counts["answered"], rate(counts["answered"], counts["sent"]), counts["expired"])


# -- questionnaires -------------------------------------------------------------------------------


def questionnaire_list() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.annotate(n_questions=Count("questions")).order_by("title", "code", "-version")


def questionnaire_questions(questionnaire: Questionnaire) -> QuerySet[Question]:
    return questionnaire.questions.order_by("position")


def offer_token(channel: str, source_ref: str) -> str:
    """The token of the invitation offered for ``source_ref`` (an order's number, a ticket) on
    ``channel``: the same every time it is offered, so a customer who comes back finds the same
    questionnaire and answers it once; made with the site's secret key, so nobody can make the
    token of a number (32 characters, as the random ones)."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"survey-offer:{channel}:{source_ref}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode()


def pad_ref(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def pad_offer_link(ticket_id: int) -> str:
    """The address the evaluation pad shows as a QR code after a rating: the customer's phone
    opens the survey offered for that ticket (``GRIDCARE_SURVEY_LINK_BASE``, as the SMS link)."""
    base = str(getattr(settings, "GRIDCARE_SURVEY_LINK_BASE", "")).rstrip("/")
    path = reverse("survey:pad_offer", args=[ticket_id, offer_token("pad", pad_ref(ticket_id))])
    return f"{base}{path}"


def ticket_account(ticket_id: int) -> tuple[bool, int | None]:
    """Whether the ticket exists, and the account it was for (the pad's survey is about it)."""
    from gridcare.halls.models import Ticket

    found = Ticket.objects.filter(pk=ticket_id).values_list("account_id", flat=True)
    return (True, found[0]) if found else (False, None)


def survey_open() -> bool:
    """Whether a questionnaire is published, so a call-back or the pad may offer it."""
    return Questionnaire.objects.filter(state=Questionnaire.State.PUBLISHED).exists()


def published_choices() -> list[Choice]:
    """The published questionnaires a survey may send: 标题（第 n 版）."""
    rows = Questionnaire.objects.filter(state=Questionnaire.State.PUBLISHED).order_by("title", "-version")
    return [(str(q.pk), _("%(title)s（第 %(v)d 版）") % {"title": q.title, "v": q.version}) for q in rows]


def question_specs(questionnaire: Questionnaire) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            code=q.code,
            kind=q.kind,
            text=q.text,
            choices=tuple(str(c) for c in (q.choices or [])),
            construct=q.construct,
            required=q.required,
        )
        for q in questionnaire_questions(questionnaire)
    ]


# -- what a survey link opens ---------------------------------------------------------------------


@dataclass(frozen=True)
class InviteState:
    """``state``: open, answered, expired or unknown (a token nobody was given)."""

    state: str
    invite: SurveyInvite | None = None


def invite_for_token(token: str) -> InviteState:
    if not isinstance(token, str) or not TOKEN_MIN <= len(token) <= TOKEN_MAX or not token.isascii():
        return InviteState("unknown")
    if not all(c.isalnum() or c in "-_" for c in token):
        return InviteState("unknown")
    invite = SurveyInvite.objects.filter(token_hash=token_hash(token)).select_related("questionnaire").first()
    if invite is None:
        return InviteState("unknown")
    if invite.answered_at is not None:
        return InviteState("answered", invite)
    if invite.expires_at <= now():
        return InviteState("expired", invite)
    return InviteState("open", invite)


# -- social supervisors ---------------------------------------------------------------------------


def supervisor_list(*, scope: Scope, state: str = "") -> QuerySet[SocialSupervisor]:
    rows = SocialSupervisor.objects.filter(supervisors_filter(scope)).select_related("unit", "sample")
    if state in SocialSupervisor.State.values:
        rows = rows.filter(state=state)
    return rows.order_by("unit__code", "-updated_at", "-pk")


@dataclass(frozen=True)
class SupervisorRow:
    supervisor: SocialSupervisor
    account_no: str
    name: str
    phone: str
    state: str


def supervisor_rows(items: Iterable[SocialSupervisor]) -> list[SupervisorRow]:
    found = list(items)
    contacts = survey_contacts(account_ids=[s.account_id for s in found])
    rows = []
    for s in found:
        contact = contacts.get(s.account_id)
        rows.append(
            SupervisorRow(
                supervisor=s,
                account_no=contact.account_no if contact else "",
                name=contact.name if contact else "",
                phone=contact.phone_shown if contact else "",
                state=str(SocialSupervisor.State(s.state).label),
            )
        )
    return rows


def supervisor_history(supervisor: SocialSupervisor) -> QuerySet[SupervisorEvent]:
    return supervisor.events.select_related("actor").order_by("created_at", "id")
