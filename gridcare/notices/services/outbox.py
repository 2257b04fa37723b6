"""The one outbox writer (NOTE-3): every message to a customer, from any app, is written here.

Callers give plain values (template code, phone, account id, variables, dedupe key) inside the
business transaction that causes the message. This module decides, once for every app, the
channel (a phone that follows the official account is told by WeChat, the phone kept as the SMS
fallback; any other phone by SMS), renders the text, counts the SMS segments and sets the claim
priority. Quiet hours and opt-out are applied by the sender when a message falls due
(``rules.URGENT_CATEGORIES``, ``rules.OPT_OUT_CATEGORIES``), so a customer who opts out after a
message is queued is still spared it.

``notices_enqueue`` writes many messages with one bulk insert (COPY on PostgreSQL): a bill run, a
prepaid run or an outage fan-out of a million rows. ``notice_enqueue`` writes one, idempotent by
its dedupe key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from types import MappingProxyType
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridcare.core.bulk import insert_rows
from gridcare.customers.selectors import any_channel_chosen, channels_chosen
from gridcare.notices import rules
from gridcare.notices.models import Channel, Notice, NoticeStatus, NoticeText, WeChatBinding
from gridcare.notices.selectors import template_get, template_variables
from gridcare.notices.services.templates import render

# Phones looked up for a WeChat binding per query; rows per bulk insert (each insert is one COPY,
# and the messages' source, perhaps a server-side cursor, is read between two of them).
ROUTE_CHUNK = 2000
WRITE_CHUNK = 50_000


@dataclass(frozen=True)
class SharedText:
    """A ``NoticeText`` many messages point at instead of carrying their own body."""

    id: int
    segments: int
    variables: Mapping[str, str] = field(default_factory=dict)


_NO_VARIABLES: Mapping[str, object] = MappingProxyType({})


class NewNotice(NamedTuple):
    """One message. ``recipient`` is a phone unless ``channel`` is given (an e-mail address, a
    device); without ``channel`` the customer's channel is chosen here. ``fallback_phone`` goes
    with an explicit WeChat channel (a message re-sent the way the first one went). A named tuple
    rather than a dataclass: a bill run builds a million of them, and a tuple is built in a
    third of the time."""

    recipient: str
    variables: Mapping[str, object] = _NO_VARIABLES
    account_id: int | None = None
    dedupe_key: str | None = None
    channel: str | None = None
    fallback_phone: str = ""
    text: SharedText | None = None


# The columns the writer fills, in the order ``_rows`` yields them; every other column of Notice
# gets its model default, so a column added later needs no change here.
COLUMNS = (
    "channel",
    "category",
    "recipient",
    "fallback_phone",
    "account_id",
    "template_code",
    "template_version",
    "variables",
    "body",
    "text_id",
    "dedupe_key",
    "status",
    "created_at",
    "not_before",
    "segments",
    "priority",
    "outage_id",
)


def other_columns() -> tuple[tuple[str, ...], tuple[object, ...]]:
    """The columns the writer leaves to their model defaults, and those defaults (database values)."""
    fields = [f for f in Notice._meta.concrete_fields if not f.primary_key and f.attname not in COLUMNS]
    return tuple(f.column for f in fields), tuple(f.get_db_prep_save(f.get_default(), connection) for f in fields)


def _openids(phones: Iterable[str]) -> dict[str, str]:
    """{phone: openid} for the phones whose contact follows the official account (the binding
    made first when a phone has several)."""
    found: dict[str, str] = {}
    wanted = sorted(set(phones) - {""})
    for start in range(0, len(wanted), ROUTE_CHUNK):
        rows = (
            WeChatBinding.objects.filter(contact__phone__in=wanted[start : start + ROUTE_CHUNK], active=True)
            .order_by("-id")
            .values_list("contact__phone", "openid")
        )
        found.update(rows)
    return found


def _chosen(category: str, messages: Iterable[NewNotice]) -> Iterator[tuple[NewNotice, str, str, str]]:
    """The phones whose customer chose a channel for this kind of message (the portal's 消息设置)
    go that way: SMS even when the phone follows the official account, WeChat when it does,
    e-mail to the customer's address (the phone kept as the fallback, so opting out still holds
    when the message falls due). Everyone else goes the house's way (``_routed``)."""
    iterator = iter(messages)
    while chunk := list(islice(iterator, ROUTE_CHUNK)):
        phones = [m.recipient for m in chunk if m.channel is None]
        chosen = channels_chosen(phones=phones, category=category)
        openids = _openids(phones)
        for m in chunk:
            choice, email = chosen.get(m.recipient, ("", "")) if m.channel is None else ("", "")
            if m.channel is not None:
                yield m, m.channel, m.recipient, m.fallback_phone
            elif choice == Channel.EMAIL and email:
                yield m, Channel.EMAIL, email, m.recipient
            elif choice != Channel.SMS and m.recipient in openids:
                yield m, Channel.WECHAT, openids[m.recipient], m.recipient
            else:
                yield m, Channel.SMS, m.recipient, ""


def _routed(messages: Iterable[NewNotice], category: str = "") -> Iterator[tuple[NewNotice, str, str, str]]:
    """Each message with its (channel, recipient, fallback phone)."""
    chosen_as = rules.CHANNEL_CHOSEN_AS.get(category, category)
    if chosen_as in rules.OPT_OUT_CATEGORIES and any_channel_chosen():
        yield from _chosen(chosen_as, messages)
        return
    if not WeChatBinding.objects.filter(active=True).exists():
        # Nobody follows the official account: every message without a channel goes by SMS.
        for m in messages:
            yield (
                (m, m.channel, m.recipient, m.fallback_phone)
                if m.channel is not None
                else (m, Channel.SMS, m.recipient, "")
            )
        return
    iterator = iter(messages)
    while chunk := list(islice(iterator, ROUTE_CHUNK)):
        openids = _openids(m.recipient for m in chunk if m.channel is None)
        for m in chunk:
            if m.channel is not None:
                yield m, m.channel, m.recipient, m.fallback_phone
            elif m.recipient in openids:
                yield m, Channel.WECHAT, openids[m.recipient], m.recipient
            else:
                yield m, Channel.SMS, m.recipient, ""


@dataclass(frozen=True)
class _Call:
    """What every message of one call shares."""

    template_code: str
    not_before: datetime | None = None
    outage_id: int | None = None
    now: datetime | None = None


def _rows(
    call: _Call, messages: Iterable[NewNotice], *, for_database: bool, tail: tuple[object, ...] = ()
) -> Iterator[tuple[Any, ...]]:
    """The values of ``COLUMNS`` for each message, then ``tail``; database values when
    ``for_database``. The loop runs a million times in a bill run: what every row shares is
    looked up once before it."""
    category, version, text = template_get(call.template_code)
    needed = template_variables(text)
    priority = rules.priority_of(category)
    created_at: object = call.now or timezone.now()
    not_before: object = call.not_before
    if for_database:
        created_at = connection.ops.adapt_datetimefield_value(call.now or timezone.now())
        not_before = connection.ops.adapt_datetimefield_value(call.not_before)
    encode = json.JSONEncoder(ensure_ascii=False).encode if for_database else None
    code, outage_id, queued, sms = call.template_code, call.outage_id, NoticeStatus.QUEUED.value, Channel.SMS.value
    for m, channel, recipient, fallback in _routed(messages, category):
        if m.text is not None:
            variables: dict[str, str] = {}
            body, segments = "", m.text.segments
        else:
            variables = {k: str(v) for k, v in m.variables.items()}
            body = render(text, variables) if needed - variables.keys() else text.format(**variables)
            segments = rules.sms_segments(body)
        yield (
            channel,
            category,
            recipient,
            fallback,
            m.account_id,
            code,
            version,
            encode(variables) if encode is not None else variables,
            body,
            m.text.id if m.text is not None else None,
            m.dedupe_key,
            queued,
            created_at,
            not_before,
            segments if channel == sms or m.text is not None else 1,
            priority,
            outage_id,
            *tail,
        )


def notices_enqueue(
    *,
    template_code: str,
    messages: Iterable[NewNotice],
    not_before: datetime | None = None,
    outage_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Queue ``messages`` of one template with one bulk insert in the caller's transaction;
    returns how many rows were written. Dedupe keys must be new (a bill's first message): a key
    already used fails the whole insert. ``not_before`` holds them until then; ``outage_id``
    ties them to the outage they announce; ``now`` is their creation time."""
    call = _Call(template_code=template_code, not_before=not_before, outage_id=outage_id, now=now)
    other_names, other_values = other_columns()
    rows = _rows(call, messages, for_database=True, tail=other_values)
    written = 0
    while chunk := list(islice(rows, WRITE_CHUNK)):
        written += insert_rows(Notice, (*COLUMNS, *other_names), chunk)
    return written


def notice_enqueue(
    *,
    template_code: str,
    variables: dict[str, Any],
    recipient: str,
    account_id: int | None = None,
    channel: str = Channel.SMS,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    outage_id: int | None = None,
) -> Notice | None:
    """Put one message in the outbox. With a ``dedupe_key`` already used, nothing is added and
    None is returned, so a retried business action never sends twice. ``not_before`` holds the
    message until then (a reminder for tomorrow morning). An SMS goes by WeChat when the phone
    follows the official account."""
    message = NewNotice(
        recipient=recipient,
        variables=variables,
        account_id=account_id,
        dedupe_key=dedupe_key,
        channel=None if channel == Channel.SMS else channel,
    )
    call = _Call(template_code=template_code, not_before=not_before, outage_id=outage_id)
    fields = dict(zip(COLUMNS, next(_rows(call, [message], for_database=False)), strict=True))
    if dedupe_key is None:
        return Notice.objects.create(**fields)
    try:
        with transaction.atomic():
            return Notice.objects.create(**fields)
    except IntegrityError:
        if Notice.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def notices_resend_by_sms(*, notice_ids: Sequence[int]) -> int:
    """Queue each of these messages once more as an SMS to its fallback phone: the same text,
    template version, outage and hour as the first (not a fresh rendering), under the dedupe key
    ``wechat-fallback:<id>`` so a second fallback is impossible. A message without a fallback
    phone is skipped. Returns the SMS messages queued."""
    fallbacks = [
        Notice(
            channel=Channel.SMS,
            category=n.category,
            recipient=n.fallback_phone,
            account_id=n.account_id,
            template_code=n.template_code,
            template_version=n.template_version,
            variables=n.variables,
            body=n.body,
            text_id=n.text_id,
            dedupe_key=f"wechat-fallback:{n.pk}",
            not_before=n.not_before,
            segments=n.segments,
            priority=n.priority,
            outage_id=n.outage_id,
        )
        for n in Notice.objects.filter(pk__in=list(notice_ids)).exclude(fallback_phone="")
    ]
    return len(Notice.objects.bulk_create(fallbacks, ignore_conflicts=True))


def notice_texts_create(*, template_code: str, variables: Sequence[Mapping[str, object]]) -> list[SharedText]:
    """Render template ``template_code`` once for each set of ``variables`` into shared texts
    (an outage's message to one 台区), in the same order."""
    _category, version, text = template_get(template_code)
    texts = []
    for values in variables:
        plain = {k: str(v) for k, v in values.items()}
        body = render(text, plain)
        texts.append(
            NoticeText(
                template_code=template_code,
                template_version=version,
                variables=plain,
                body=body,
                segments=rules.sms_segments(body),
            )
        )
    NoticeText.objects.bulk_create(texts)
    return [SharedText(id=t.pk, segments=t.segments, variables=t.variables) for t in texts]
