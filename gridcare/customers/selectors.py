"""Reads of the customer archive, always through the caller's scope."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects

from gridcare.core.forms import Choice, named
from gridcare.core.privacy import mask_text
from gridcare.core.timezone import local_datetime
from gridcare.customers import rules
from gridcare.customers.models import (
    Account,
    AccountEvent,
    AccountStatus,
    ArchiveIssue,
    Contact,
    ContactStatus,
    Feeder,
    TransformerArea,
    UnmaskAlert,
    UnmaskAudit,
)
from gridcare.customers.unmasking import alerts_visible
from gridcare.org.access import Capability, Path, Reach, Scope, can
from gridcare.org.models import Role

SEARCH_LIMIT = 50


def account_search(*, scope: Scope, q: str, limit: int = SEARCH_LIMIT) -> list[Account]:
    """By account number (full or leading digits), mobile number, name prefix or address fragment.

    Digits search numbers only, so a phone search never scans names. Contacts come prefetched.
    """
    q = (q or "").strip()
    base = Account.objects.filter(scope.account_filter()).select_related(
        "customer", "supply_unit", "hall", "transformer_area__feeder"
    )
    digits = re.sub(r"[\s\-]", "", q)
    if not q:
        found: list[Account] = []
    elif digits.isdigit():
        found = list(_by_number(base, digits)[:limit])
    else:
        found = list(base.filter(_name_prefix(q)).order_by("customer__name", "account_no")[:limit])
        if len(found) < limit and _looks_like_address(q):
            seen = {a.pk for a in found}
            more = base.filter(address__contains=q).exclude(pk__in=seen).order_by("account_no")
            found += list(more[: limit - len(found)])
    prefetch_related_objects(found, "customer__contacts")
    return found


# An address fragment is searched only when the text looks like one: on SQLite it is a scan of
# the accounts (PostgreSQL has a trigram index), and a plain name search should not pay for it.
_ADDRESS_MARKS = set("路街道巷弄号村组区镇乡苑园府幢栋单元室楼") | set("0123456789")


def _looks_like_address(q: str) -> bool:
    return any(ch in _ADDRESS_MARKS for ch in q)


def _name_prefix(q: str) -> Q:
    """Names starting with ``q``, through an index on either database: PostgreSQL serves LIKE 'q%'
    from the pattern-ops index Django makes for an indexed CharField, under any collation;
    SQLite's LIKE ignores ordinary indexes, so there the prefix is a range on the name index."""
    if connection.vendor == "postgresql":
        return Q(customer__name__startswith=q)
    return Q(customer__name__gte=q, customer__name__lt=q + "\U0010ffff")


def _by_number(base: QuerySet[Account], digits: str) -> QuerySet[Account]:
    if len(digits) == 11 and digits.startswith("1"):
        owners = Contact.objects.filter(phone=digits).values("customer_id")
        return base.filter(customer_id__in=owners).order_by("account_no")
    if len(digits) == rules.ACCOUNT_NO_LENGTH:
        return base.filter(account_no=digits)
    return base.filter(account_no__startswith=digits).order_by("account_no")


@dataclass(frozen=True)
class AccountCard:
    """What a screen or an API answer shows of an account, with personal data masked."""

    account: Account
    phones_masked: list[str]
    id_number_masked: str

    def as_dict(self) -> dict[str, Any]:
        a = self.account
        area = a.transformer_area
        return {
            "account_no": a.account_no,
            "customer_name": a.customer.name,
            "customer_class": a.customer_class,
            "customer_class_label": str(a.get_customer_class_display()),
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "address": a.address,
            "supply_unit": a.supply_unit.code,
            "supply_unit_name": a.supply_unit.name,
            "hall": a.hall.code if a.hall else None,
            "feeder": area.feeder.code if area else None,
            "transformer_area": area.code if area else None,
            "tariff_code": a.tariff_code,
            "contract_capacity_kva": a.contract_capacity_kva,
            "importance_grade": a.importance_grade,
            "opened_on": a.opened_on,
            "phones": self.phones_masked,
            "id_number": self.id_number_masked,
        }


def account_card(account: Account) -> AccountCard:
    # Uses prefetched contacts when the caller has them (search results), one query otherwise.
    contacts = sorted(account.customer.contacts.all(), key=lambda c: (not c.is_primary, c.pk))
    phones = [rules.mask_phone(c.phone) for c in contacts]
    return AccountCard(
        account=account, phones_masked=phones, id_number_masked=rules.mask_id_number(account.customer.id_number)
    )


def account_history(account: Account) -> QuerySet[AccountEvent]:
    return account.events.select_related("actor").order_by("-created_at", "-id")


def archive_worklist(*, scope: Scope, kind: str | None = None) -> QuerySet[ArchiveIssue]:
    issues = ArchiveIssue.objects.filter(
        scope.account_filter("account__supply_unit"), resolved_at__isnull=True
    ).select_related("account__customer", "account__supply_unit")
    if kind:
        issues = issues.filter(kind=kind)
    return issues.order_by("account__account_no", "kind")


def archive_summary(*, scope: Scope) -> dict[str, Any]:
    """Open issues per kind and the contact accuracy rate (valid numbers / all numbers)."""
    per_kind = dict(
        archive_worklist(scope=scope).order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    contacts = Contact.objects.filter(
        customer__accounts__in=Account.objects.filter(scope.account_filter()).values("pk")
    ).distinct()
    totals = contacts.aggregate(total=Count("id"), valid=Count("id", filter=Q(status=ContactStatus.VALID)))
    rate = (totals["valid"] / totals["total"]) if totals["total"] else None
    return {"per_kind": per_kind, "contacts": totals["total"], "valid": totals["valid"], "accuracy": rate}


# -- the unmasking audit (CUST-4) ------------------------------------------------------------


def unmask_audit_visible(scope: Scope) -> Q:
    """Administrators: every row. Supervisors: the rows about their unit's accounts and the rows
    of their unit's staff (a city-wide clerk of another unit looking at one of their customers,
    and their own clerks looking anywhere). Everyone else: nothing."""
    if not can(scope, Capability.UNMASK_AUDIT):
        return Q(pk__in=[])
    about = scope.filter(Reach.UNIT, Path(company="account_unit__company_id", unit="account_unit_id"))
    by_staff = scope.filter(Reach.UNIT, Path(company="account_unit__company_id", unit="actor_unit_id"))
    return about | by_staff


@dataclass(frozen=True)
class UnmaskAuditFilters:
    person: str = ""  # username or staff name, exact
    date_from: date | None = None  # Shanghai dates, both included
    date_to: date | None = None
    reason: str = ""
    account_no: str = ""
    outcome: str = ""


def unmask_audit_list(*, scope: Scope, filters: UnmaskAuditFilters | None = None) -> QuerySet[UnmaskAudit]:
    f = filters or UnmaskAuditFilters()
    rows = UnmaskAudit.objects.filter(unmask_audit_visible(scope))
    if f.person:
        rows = rows.filter(Q(actor__username=f.person) | Q(actor__staff__name=f.person))
    if f.date_from:
        rows = rows.filter(created_at__gte=local_datetime(f.date_from, time(0)))
    if f.date_to:
        rows = rows.filter(created_at__lt=local_datetime(f.date_to + timedelta(days=1), time(0)))
    if f.reason:
        rows = rows.filter(reason_code=f.reason)
    if f.account_no:
        rows = rows.filter(account__account_no=f.account_no)
    if f.outcome:
        rows = rows.filter(outcome=f.outcome)
    return rows.select_related("actor__staff", "actor_unit", "account__customer", "account_unit").order_by(
        "-created_at", "-id"
    )


@dataclass(frozen=True)
class UnmaskAuditRow:
    """One audit row as the page and the export show it; a phone or ID number typed into the
    reason's text is masked (CUST-4)."""

    audit: UnmaskAudit
    person: str
    username: str
    post: str
    actor_unit: str
    account_no: str
    customer_name: str
    account_unit: str
    reason: str
    reason_text: str
    outcome: str


def unmask_audit_row(audit: UnmaskAudit) -> UnmaskAuditRow:
    staff = getattr(audit.actor, "staff", None)
    outcome = str(audit.get_outcome_display())
    if audit.refusal:
        outcome += f"（{audit.get_refusal_display()}）"
    return UnmaskAuditRow(
        audit=audit,
        person=staff.name if staff is not None else audit.actor.get_username(),
        username=audit.actor.get_username(),
        post=str(Role(audit.post).label) if audit.post in Role.values else "",
        actor_unit=audit.actor_unit.name if audit.actor_unit else "",
        account_no=audit.account.account_no,
        customer_name=audit.account.customer.name,
        account_unit=audit.account_unit.name,
        reason=str(audit.get_reason_code_display()),
        reason_text=mask_text(audit.reason_text),
        outcome=outcome,
    )


def unmask_alerts_open(*, scope: Scope) -> QuerySet[UnmaskAlert]:
    if not can(scope, Capability.UNMASK_AUDIT):
        return UnmaskAlert.objects.none()
    return (
        UnmaskAlert.objects.filter(alerts_visible(scope), acknowledged_at__isnull=True)
        .select_related("actor__staff", "unit")
        .order_by("-last_at", "-id")
    )


def active_account_classes() -> list[tuple[int, str, str]]:
    """(id, customer class, tariff code) of every active account, in id order: what a month's
    readings are drawn by (the billing demo and its million-account benchmark)."""
    rows = Account.objects.filter(status=AccountStatus.ACTIVE).order_by("id")
    return list(rows.values_list("id", "customer_class", "tariff_code"))


# The history rows of a status change (暂停, 恢复, 销户): each keeps the status before it (``old``).
_STATUS_EVENTS = (AccountEvent.Type.SUSPENDED, AccountEvent.Type.RESUMED, AccountEvent.Type.CLOSED)


def active_accounts_at(*, on: date, where: Q | None = None) -> dict[int, int]:
    """How many of the accounts ``where`` selects were active (正常) at the end of the day ``on``
    (Shanghai), per supply unit id: opened by then, and in 正常 at that moment — the status they
    have now, unless a status change came later, whose ``old`` says what it was then. What
    complaints per 10,000 customers divide by (ASSESS-6)."""
    end = local_datetime(on + timedelta(days=1), time.min)
    accounts = Account.objects.filter(where or Q(), opened_on__lte=on)
    rows = accounts.filter(status=AccountStatus.ACTIVE).order_by().values_list("supply_unit_id")
    counts: dict[int, int] = dict(rows.annotate(n=Count("id")).values_list("supply_unit_id", "n"))
    later = (
        AccountEvent.objects.filter(account__in=accounts.values("pk"), type__in=_STATUS_EVENTS, created_at__gte=end)
        .order_by("account_id", "created_at", "id")
        .values_list("account_id", "parameters", "account__status", "account__supply_unit_id")
    )
    seen: set[int] = set()
    for account_id, parameters, status_now, unit_id in later.iterator(chunk_size=2000):
        if account_id in seen:
            continue
        seen.add(account_id)
        then = parameters.get("old") if isinstance(parameters, dict) else None
        if then is None or (then == AccountStatus.ACTIVE) == (status_now == AccountStatus.ACTIVE):
            continue
        counts[unit_id] = counts.get(unit_id, 0) + (1 if then == AccountStatus.ACTIVE else -1)
    return {unit_id: n for unit_id, n in counts.items() if n}


# -- accounts behind the grid (outage fan-out: up to a million rows, read in id order) ---------
OPEN_STATUSES = [s.value for s in AccountStatus if s != AccountStatus.CLOSED]
FAN_OUT_CHUNK = 20_000


def account_ids_in_areas(*, area_ids: Sequence[int]) -> Iterator[int]:
    """The ids of the accounts (not closed) behind these 台区, in id order."""
    return (
        Account.objects.filter(transformer_area_id__in=list(area_ids), status__in=OPEN_STATUSES)
        .order_by("id")
        .values_list("id", flat=True)
        .iterator(chunk_size=FAN_OUT_CHUNK)
    )


def account_count_in_areas(*, area_ids: Sequence[int]) -> int:
    """How many accounts (not closed) are behind these 台区: an outage's reach, before it is told."""
    return Account.objects.filter(transformer_area_id__in=list(area_ids), status__in=OPEN_STATUSES).count()


def account_phones(
    *, area_ids: Sequence[int] | None = None, account_ids: QuerySet[Any] | None = None
) -> Iterator[tuple[int, int | None, str]]:
    """(account id, its 台区 id, phone) for every contact phone of the accounts (not closed)
    behind ``area_ids``, or of the accounts ``account_ids`` (a subquery of ids, any status), in
    account id order; a phone shared by several accounts comes once per account."""
    if account_ids is not None:
        contacts = Contact.objects.filter(customer__accounts__id__in=account_ids)
    else:
        contacts = Contact.objects.filter(
            customer__accounts__transformer_area_id__in=list(area_ids or []),
            customer__accounts__status__in=OPEN_STATUSES,
        )
    return (
        contacts.exclude(phone="")
        .order_by("customer__accounts__id")
        .values_list("customer__accounts__id", "customer__accounts__transformer_area_id", "phone")
        .iterator(chunk_size=FAN_OUT_CHUNK)
    )


def phones_opted_out(*, phones: Collection[str]) -> set[str]:
    """Which of ``phones`` belong to a contact that unsubscribed from reminders."""
    if not phones:
        return set()
    return set(Contact.objects.filter(phone__in=list(phones), opted_out=True).values_list("phone", flat=True))


def area_ids_of_accounts(*, account_ids: QuerySet[Any]) -> list[int]:
    """The 台区 of the accounts ``account_ids`` (a subquery of ids), sorted."""
    areas = Account.objects.filter(pk__in=account_ids).values_list("transformer_area_id", flat=True).distinct()
    return sorted({a for a in areas if a is not None})


def account_reached(*, account_id: int, phones: Collection[str]) -> bool:
    """Whether a contact of the account's customer has one of ``phones``."""
    return Contact.objects.filter(customer__accounts=account_id, phone__in=list(phones)).exists()


def primary_phone_of(customer_id: OuterRef) -> Subquery:
    """The primary contact's phone of the customer ``customer_id`` (an outer reference in the
    caller's query; the smallest one when a customer has several), as a subquery another app's
    query can annotate: one query for a period's bills instead of one per chunk."""
    phones = (
        Contact.objects.filter(customer_id=customer_id, is_primary=True)
        .order_by()
        .values("customer_id")
        .annotate(phone=Min("phone"))
        .values("phone")
    )
    return Subquery(phones)


# -- what a staff form's pickers offer (gridcare.core.forms.TypeaheadPicker / MultiPicker) --------


def feeder_choices(where: Q) -> list[Choice]:
    """The feeders ``where`` lets the caller name (a unit filter on ``unit``), by name."""
    feeders = Feeder.objects.filter(where).order_by("code").values_list("code", "name")
    return [(code, named(code, name)) for code, name in feeders]


def area_choices(where: Q) -> list[Choice]:
    """The 台区 ``where`` lets the caller name (a unit filter on ``feeder__unit``), by name."""
    areas = TransformerArea.objects.filter(where).order_by("code").values_list("code", "name")
    return [(code, named(code, name)) for code, name in areas]


@dataclass(frozen=True)
class BindingFacts:
    """What binding an account in the portal checks: the account, its holder's name and ID
    number (never shown to the customer), and whether it is closed."""

    account_id: int
    account_no: str
    holder_name: str
    holder_id_number: str
    closed: bool


def binding_facts(*, account_no: str) -> BindingFacts | None:
    """The facts of the account ``account_no`` for a portal binding, or None."""
    if not (isinstance(account_no, str) and account_no.isascii() and account_no.isdigit() and len(account_no) <= 10):
        return None
    row = (
        Account.objects.filter(account_no=account_no)
        .values_list("pk", "account_no", "customer__name", "customer__id_number", "status")
        .first()
    )
    if row is None:
        return None
    return BindingFacts(row[0], row[1], row[2], row[3], row[4] == AccountStatus.CLOSED)


# -- a contact's own message settings (customers.preferences; the portal, the outbox) ----------
def contact_preferences(*, account: Account) -> tuple[str, rules.Preferences] | None:
    """(the masked phone, the settings) of the contact the account's messages go to first (the
    primary one, then the oldest); None when the customer has no contact phone."""
    contact = (
        Contact.objects.filter(customer_id=account.customer_id)
        .exclude(phone="")
        .order_by("-is_primary", "id")
        .only("phone", "channels", "opted_out", "invoice_email")
        .first()
    )
    if contact is None:
        return None
    settings = rules.preferences_of(contact.channels, contact.opted_out, contact.invoice_email)
    return rules.mask_phone(contact.phone), settings


def any_channel_chosen() -> bool:
    """Whether any contact has chosen a channel for some kind of message (the outbox skips the
    look-up of a million phones when none has)."""
    return Contact.objects.exclude(channels={}).exists()


def channels_chosen(*, phones: Collection[str], category: str) -> dict[str, tuple[str, str]]:
    """{phone: (channel, e-invoice address)} for the ``phones`` whose contact chose a channel for
    messages of ``category`` (the oldest contact decides when a phone has several)."""
    if not phones:
        return {}
    found: dict[str, tuple[str, str]] = {}
    rows = (
        Contact.objects.filter(phone__in=list(phones))
        .exclude(channels={})
        .order_by("-id")
        .values_list("phone", "channels", "invoice_email")
    )
    for phone, channels, email in rows:
        chosen = channels.get(category) if isinstance(channels, dict) else None
        if chosen:
            found[phone] = (str(chosen), email)
    return found


# -- survey samples and invitations (gridcare.assessment, ASSESS-4/5) -------------------------


@dataclass(frozen=True)
class SurveyCandidate:
    """An active account a survey sample may draw: its place in the strata, the phone its
    messages go to first (the primary contact's, else the oldest; "" when none) and whether a
    contact of its customer opted out of reminders and service messages."""

    account_id: int
    account_no: str
    unit_id: int
    customer_class: str
    phone: str
    opted_out: bool


def _first_phone(customer: OuterRef) -> Subquery:
    contacts = Contact.objects.filter(customer_id=customer).exclude(phone="").order_by("-is_primary", "id")
    return Subquery(contacts.values("phone")[:1])


def survey_candidates(*, where: Q) -> Iterator[SurveyCandidate]:
    """Every active (正常) account ``where`` selects (a filter on Account: the sample's unit or
    company), in id order."""
    opted = Contact.objects.filter(customer_id=OuterRef("customer_id"), opted_out=True)
    rows = (
        Account.objects.filter(where, status=AccountStatus.ACTIVE)
        .annotate(first_phone=_first_phone(OuterRef("customer_id")), opted=Exists(opted))
        .order_by("id")
        .values_list("id", "account_no", "supply_unit_id", "customer_class", "first_phone", "opted")
    )
    for pk, number, unit_id, kind, phone, opted_out in rows.iterator(chunk_size=FAN_OUT_CHUNK):
        yield SurveyCandidate(pk, number, unit_id, kind, phone or "", bool(opted_out))


@dataclass(frozen=True)
class SurveyContact:
    """What a sample's pages and its invitations need of a member: the masked name and phone
    (shown), the phone itself (the invitation goes there), its supply unit and customer class."""

    account_no: str
    name: str  # masked
    phone_shown: str  # masked
    phone: str
    unit_id: int
    customer_class: str
    opted_out: bool


def survey_contacts(*, account_ids: Collection[int]) -> dict[int, SurveyContact]:
    """{account id: its SurveyContact} for ``account_ids``."""
    opted = Contact.objects.filter(customer_id=OuterRef("customer_id"), opted_out=True)
    rows = (
        Account.objects.filter(pk__in=list(account_ids))
        .annotate(first_phone=_first_phone(OuterRef("customer_id")), opted=Exists(opted))
        .values_list("id", "account_no", "customer__name", "first_phone", "supply_unit_id", "customer_class", "opted")
    )
    return {
        pk: SurveyContact(
            account_no=number,
            name=rules.mask_name(name),
            phone_shown=rules.mask_phone(phone),
            phone=phone or "",
            unit_id=unit_id,
            customer_class=kind,
            opted_out=bool(opted_out),
        )
        for pk, number, name, phone, unit_id, kind, opted_out in rows
    }


def account_unit_of(*, account_id: int) -> int | None:
    """The supply unit id of the account ``account_id`` (None: no such account)."""
    found: int | None = Account.objects.filter(pk=account_id).values_list("supply_unit_id", flat=True).first()
    return found
