"""Delivering the outbox (NOTE-3): claim, send at each connection's rate, record the outcome.

Several senders may run at once. A claim is one conditional UPDATE that stamps the rows with the
sender's token and a lease (on PostgreSQL the candidate rows are picked ``FOR UPDATE SKIP
LOCKED``, so senders never wait on each other; SQLite serialises writers, and the UPDATE's
condition plus the token make the claim exact anyway). A live sender renews its lease every third
of it (``LEASE_SECONDS``, 15 s). Outcomes are written as soon as the gateway answers, and only for
rows that still carry the token. A sender that dies leaves rows SENDING; when the lease runs out
another sender takes them (by priority, among the new rows) and sends again only those whose
outcome was not written: at most the one message each connection had with the gateway, with the
same ``out_id`` (the notice id), which the gateway uses to drop what it has already taken.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL

from gridcare.core import timezone as tz
from gridcare.customers.selectors import phones_opted_out
from gridcare.notices import rules
from gridcare.notices.conf import notice_setting
from gridcare.notices.models import PENDING_STATUSES, Channel, Notice, NoticeStatus, WeChatBinding, statuses_before
from gridcare.notices.services.contacts import contact_delivery_failed
from gridcare.notices.services.gateways import Connection, Gateway, Outcome, Outgoing, SendResult
from gridcare.notices.services.outbox import notices_resend_by_sms

BATCH_CAP = 2000


@dataclass(frozen=True)
class Policy:
    quiet: Any  # tuple[time, time] | None
    max_attempts: int
    backoff_seconds: int
    lease: timedelta

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            quiet=rules.parse_quiet_hours(str(notice_setting("QUIET_HOURS"))),
            max_attempts=int(notice_setting("MAX_ATTEMPTS")),
            backoff_seconds=int(notice_setting("BACKOFF_SECONDS")),
            lease=timedelta(seconds=int(notice_setting("LEASE_SECONDS"))),
        )


@dataclass
class RoundResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0

    def add(self, other: RoundResult) -> None:
        for name in ("claimed", "sent", "retried", "failed", "suppressed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _pending() -> Q:
    """The condition of the partial claim index (models.Notice.Meta), repeated in the claim with
    its constants written out: SQLite uses a partial index only when the query states the
    index's condition itself, and a bound parameter does not count."""
    column = f"{connection.ops.quote_name(Notice._meta.db_table)}.{connection.ops.quote_name('status')}"
    listed = ", ".join(f"'{status}'" for status in PENDING_STATUSES)
    return Q(RawSQL(f"{column} IN ({listed})", [], output_field=BooleanField()))  # noqa: S611 - constants of this module


def _claimable(*, channel: str, now: datetime, policy: Policy) -> tuple[Q, Q]:
    """(due, abandoned): queued rows whose time has come; rows of a sender whose lease ran out."""
    pending = _pending()
    due = (
        pending & Q(status=NoticeStatus.QUEUED, channel=channel) & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    )
    abandoned = pending & Q(status=NoticeStatus.SENDING, channel=channel, lease_until__lt=now)
    if rules.in_quiet_hours(now, policy.quiet):
        urgent = Q(category__in=sorted(rules.URGENT_CATEGORIES))
        due, abandoned = due & urgent, abandoned & urgent
    return due, abandoned


def _candidates(condition: Q, limit: int) -> list[tuple[int, int]]:
    """(priority, id) of up to ``limit`` rows, first by priority, then oldest."""
    rows = Notice.objects.filter(condition).order_by("priority", "id")
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("priority", "id")[:limit])


def notice_claim(*, channel: str, limit: int, token: str, now: datetime, policy: Policy) -> list[Notice]:
    """Claim up to ``limit`` due messages of ``channel`` for the sender holding ``token``, by
    priority, then age: what a dead sender left (its lease ran out) goes out among the new rows of
    its priority, so a queue call or an outage notice taken over never waits behind reminders."""
    due, abandoned = _claimable(channel=channel, now=now, policy=policy)
    with transaction.atomic():
        found = sorted({*_candidates(abandoned, limit), *_candidates(due, limit)})[:limit]
        ids = [pk for _priority, pk in found]
        if not ids:
            return []
        Notice.objects.filter(due | abandoned, pk__in=ids).update(
            status=NoticeStatus.SENDING,
            claim_token=token,
            lease_until=now + policy.lease,
            attempts=F("attempts") + 1,
        )
    # Only the rows this UPDATE really took carry the token (row-count check by identity).
    return list(
        Notice.objects.filter(claim_token=token, status=NoticeStatus.SENDING)
        .order_by("priority", "id")
        .select_related("text")
        .only("id", "channel", "category", "recipient", "fallback_phone", "body", "attempts", "text__body")
    )


def _phone_of(n: Notice) -> str:
    """The phone behind a message: its recipient (SMS) or the phone it went instead of (WeChat,
    and an e-mail the customer chose for the kind of message)."""
    if n.channel == Channel.SMS:
        return n.recipient
    return n.fallback_phone if n.channel in (Channel.WECHAT, Channel.EMAIL) else ""


def _suppress_opted_out(rows: list[Notice], token: str) -> tuple[list[Notice], int]:
    optable = {_phone_of(n) for n in rows if n.category in rules.OPT_OUT_CATEGORIES} - {""}
    opted = phones_opted_out(phones=optable)
    if not opted:
        return rows, 0
    gone = {n.pk for n in rows if _phone_of(n) in opted and n.category in rules.OPT_OUT_CATEGORIES}
    count = Notice.objects.filter(
        pk__in=gone, claim_token=token, status__in=statuses_before(NoticeStatus.SUPPRESSED)
    ).update(status=NoticeStatus.SUPPRESSED, lease_until=None, last_error="opted out")
    kept = [n for n in rows if n.pk not in gone]
    return kept, count


class Pacer:
    """Paces one connection: evenly spaced at ``rate`` per second, and never more than ``rate``
    messages in any one-second window. A thread the scheduler woke late may catch up on at most
    ``slack`` seconds of lost time, still within the window cap."""

    def __init__(
        self,
        rate: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        slack: float = 0.1,
    ) -> None:
        self.rate = max(1, rate)
        self.interval = 1.0 / self.rate
        # One second plus half a gap: a margin for the jitter between us and the gateway.
        self.window = 1.0 + self.interval / 2
        self.clock = clock
        self.sleep = sleep
        self.slack = slack
        self.next_at = clock()
        self.recent: deque[float] = deque(maxlen=self.rate)

    def wait(self) -> None:
        now = self.clock()
        self.next_at = max(self.next_at, now - self.slack)
        at = self.next_at
        if len(self.recent) == self.rate:
            at = max(at, self.recent[0] + self.window)
        if at > now:
            self.sleep(at - now)
        self.recent.append(self.clock())
        self.next_at += self.interval


Work = queue.Queue[tuple[str, Outgoing] | None]
Done = queue.Queue[tuple[str, Outgoing, SendResult, threading.Event]]


@dataclass
class Lane:
    """One gateway connection and its pace, served by its own thread."""

    connection: Connection
    pacer: Pacer

    def run(self, messages: list[Outgoing]) -> list[tuple[Outgoing, SendResult]]:
        out = []
        for message in messages:
            self.pacer.wait()
            out.append((message, self.connection.send(message)))
        return out

    def serve(self, work: Work, done: Done) -> None:
        """Send what the work queue holds, one message at a time; each outcome is in the database
        (written by the sender's main thread) before the lane sends the next, so a kill repeats at
        most the one message each connection had with the gateway (issue 21)."""
        while (item := work.get()) is not None:
            token, message = item
            self.pacer.wait()
            try:
                result = self.connection.send(message)
            except Exception as exc:  # a gateway bug must not silently stop the lane
                result = SendResult(Outcome.RETRY, error=f"{type(exc).__name__}: {exc}"[:300])
            recorded = threading.Event()
            done.put((token, message, result, recorded))
            recorded.wait()


@dataclass
class _Batch:
    attempts: dict[int, int]
    outstanding: int


@dataclass
class Sender:
    """A sender process's view of one gateway.

    The lanes (one thread and connection each) pull from a work queue that the main thread keeps
    about one to two seconds deep by claiming a batch whenever it runs low, so the connections
    never wait for the database. The main thread writes each outcome as soon as the gateway has
    answered (the lane waits for it), and renews the lease of what it holds every third of the
    lease (the heartbeat), so a dead sender's messages are taken over within one lease."""

    gateway: Gateway
    channel: str
    policy: Policy = field(default_factory=Policy.from_settings)

    @property
    def batch_size(self) -> int:
        return max(1, min(BATCH_CAP, self.gateway.rate * self.gateway.connections))

    def run(
        self,
        *,
        now: datetime | None = None,
        loop: bool = False,
        should_stop: Callable[[], bool] = lambda: False,
        idle_seconds: float = 2.0,
    ) -> RoundResult:
        """Send what is due; with ``loop``, keep waiting for more until ``should_stop()``."""
        work: Work = queue.Queue()
        done: Done = queue.Queue()
        lanes = [Lane(self.gateway.connect(), Pacer(self.gateway.rate)) for _ in range(self.gateway.connections)]
        threads = [threading.Thread(target=lane.serve, args=(work, done), daemon=True) for lane in lanes]
        for thread in threads:
            thread.start()
        batches: dict[str, _Batch] = {}
        total = RoundResult()
        renewed = time.monotonic()
        try:
            while True:
                claimed = 0
                if not should_stop() and work.qsize() < self.batch_size:
                    claimed = self._claim(work, batches, now, total)
                if not batches and claimed == 0:
                    if loop and not should_stop():
                        time.sleep(idle_seconds)
                        continue
                    break
                self._collect(done, batches, now, total, wait=0.0 if claimed else 0.2)
                if batches and time.monotonic() - renewed >= self.policy.lease.total_seconds() / 3:
                    notice_renew_leases(channel=self.channel, tokens=list(batches), now=now, policy=self.policy)
                    renewed = time.monotonic()
        finally:
            # What no lane has started goes back to the queue now rather than when the lease ends
            # (an exception here; a kill leaves it to the lease).
            notice_release(channel=self.channel, ids_by_token=_drain(work))
            for _ in lanes:
                work.put(None)
            while any(thread.is_alive() for thread in threads):
                self._collect(done, batches, now, total, wait=0.1)
                threads = [thread for thread in threads if thread.is_alive()]
            for lane in lanes:
                lane.connection.close()
        return total

    def _claim(self, work: Work, batches: dict[str, _Batch], now: datetime | None, total: RoundResult) -> int:
        token = uuid.uuid4().hex
        moment = now or tz.now()
        rows = notice_claim(channel=self.channel, limit=self.batch_size, token=token, now=moment, policy=self.policy)
        if not rows:
            return 0
        total.claimed += len(rows)
        rows, suppressed = _suppress_opted_out(rows, token)
        total.suppressed += suppressed
        if rows:
            batches[token] = _Batch(attempts={n.pk: n.attempts for n in rows}, outstanding=len(rows))
            for n in rows:
                work.put((token, Outgoing(n.pk, n.channel, n.recipient, n.content)))
        return len(rows) + suppressed

    def _collect(
        self, done: Done, batches: dict[str, _Batch], now: datetime | None, total: RoundResult, *, wait: float
    ) -> None:
        """Write the outcomes the gateway has given (at most one per lane waits), then let their
        lanes go on."""
        arrived: list[tuple[str, Outgoing, SendResult, threading.Event]] = []
        try:
            arrived.append(done.get(timeout=wait) if wait > 0 else done.get_nowait())
            while True:
                arrived.append(done.get_nowait())
        except queue.Empty:
            pass
        by_token: dict[str, list[tuple[Outgoing, SendResult]]] = {}
        for token, message, result, _recorded in arrived:
            by_token.setdefault(token, []).append((message, result))
        try:
            for token, outcomes in by_token.items():
                batch = batches[token]
                sent, retried, failed = notice_record_outcomes(
                    token=token,
                    gateway=self.gateway.name,
                    outcomes=outcomes,
                    attempts=batch.attempts,
                    now=now,
                    policy=self.policy,
                )
                total.sent, total.retried, total.failed = (
                    total.sent + sent,
                    total.retried + retried,
                    total.failed + failed,
                )
                batch.outstanding -= len(outcomes)
                if batch.outstanding == 0:
                    del batches[token]
        finally:
            for *_rest, recorded in arrived:
                recorded.set()


def _drain(work: Work) -> dict[str, list[int]]:
    """Empty the work queue: the notice ids no lane has taken, by claim token."""
    left: dict[str, list[int]] = {}
    while True:
        try:
            item = work.get_nowait()
        except queue.Empty:
            return left
        if item is not None:
            left.setdefault(item[0], []).append(item[1].notice_id)


def notice_renew_leases(*, channel: str, tokens: list[str], now: datetime | None, policy: Policy) -> int:
    """The heartbeat: a live sender's claimed rows keep their lease."""
    moment = now or tz.now()
    return Notice.objects.filter(
        _pending(), status=NoticeStatus.SENDING, channel=channel, claim_token__in=tokens
    ).update(lease_until=moment + policy.lease)


def notice_release(*, channel: str, ids_by_token: dict[str, list[int]]) -> int:
    """Claimed rows no lane has sent go back to the queue as they were (the attempt not counted)."""
    released = 0
    for token, ids in ids_by_token.items():
        released += Notice.objects.filter(
            _pending(), status=NoticeStatus.SENDING, channel=channel, claim_token=token, pk__in=ids
        ).update(status=NoticeStatus.QUEUED, claim_token="", lease_until=None, attempts=F("attempts") - 1)
    return released


def notice_record_outcomes(
    *,
    token: str,
    gateway: str,
    outcomes: list[tuple[Outgoing, SendResult]],
    attempts: dict[int, int],
    now: datetime | None,
    policy: Policy,
) -> tuple[int, int, int]:
    """Write a batch's outcomes for the rows still claimed by ``token``: (sent, retried, failed)."""
    moment = now or tz.now()
    accepted: list[tuple[Outgoing, SendResult]] = []
    retry: list[tuple[Outgoing, SendResult]] = []
    failed: list[tuple[Outgoing, SendResult]] = []
    for m, r in outcomes:
        if r.outcome == Outcome.ACCEPTED:
            accepted.append((m, r))
        elif r.outcome == Outcome.RETRY and attempts[m.notice_id] < policy.max_attempts:
            retry.append((m, r))
        else:
            failed.append((m, r))
    table = connection.ops.quote_name(Notice._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(moment)
    sending = NoticeStatus.SENDING.value
    # Plain parameterised UPDATEs run with executemany: an ORM bulk_update builds a CASE per row
    # and was most of the sender's CPU per message. Every row is matched by id and token, so a
    # row taken over by another sender (lease ran out) is left alone.
    with transaction.atomic(), connection.cursor() as cursor:
        # A receipt may have come in before this write: the gateway fields are set anyway, the
        # status only where the row is still SENDING.
        if accepted:
            cursor.executemany(
                f"UPDATE {table} SET gateway = %s, gateway_message_id = %s, sent_at = %s "  # noqa: S608 - model metadata
                "WHERE id = %s AND claim_token = %s",
                [(gateway, r.message_id, at, m.notice_id, token) for m, r in accepted],
            )
        sent = Notice.objects.filter(
            claim_token=token, pk__in=[m.notice_id for m, _ in accepted], status=NoticeStatus.SENDING
        ).update(status=NoticeStatus.SENT, lease_until=None, last_error="")
        if retry:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, not_before = %s, last_error = %s, gateway = %s, lease_until = NULL "  # noqa: S608
                "WHERE id = %s AND claim_token = %s AND status = %s",
                [
                    (
                        NoticeStatus.QUEUED.value,
                        connection.ops.adapt_datetimefield_value(
                            moment + rules.backoff(attempts[m.notice_id], base_seconds=policy.backoff_seconds)
                        ),
                        r.error,
                        gateway,
                        m.notice_id,
                        token,
                        sending,
                    )
                    for m, r in retry
                ],
            )
        # Failures are few: one UPDATE each, so only a row this sender really failed (not one
        # another sender took over, nor one a receipt already settled) falls back to SMS.
        really_failed = []
        for m, r in failed:
            cursor.execute(
                f"UPDATE {table} SET status = %s, last_error = %s, gateway = %s, lease_until = NULL "  # noqa: S608
                "WHERE id = %s AND claim_token = %s AND status = %s",
                [NoticeStatus.FAILED.value, r.error, gateway, m.notice_id, token, sending],
            )
            if cursor.rowcount == 1:
                really_failed.append((m, r))
        bad = {m.recipient for m, r in really_failed if r.bad_recipient and m.channel == Channel.SMS}
        contact_delivery_failed(phones=bad, permanent=True)
        wechat_failed(
            [m.notice_id for m, _r in really_failed if m.channel == Channel.WECHAT],
            unreachable={m.recipient for m, r in really_failed if r.bad_recipient and m.channel == Channel.WECHAT},
        )
    return sent, len(retry), len(really_failed)


def wechat_failed(notice_ids: list[int], *, unreachable: set[str]) -> int:
    """WeChat refused these messages for good: queue each once more as an SMS to its fallback
    phone (same text, same outage; the dedupe key makes a second fallback impossible), and stop
    routing to followers WeChat says cannot be reached. Returns the SMS messages queued."""
    if unreachable:
        WeChatBinding.objects.filter(openid__in=sorted(unreachable)).update(active=False)
    if not notice_ids:
        return 0
    return notices_resend_by_sms(notice_ids=notice_ids)


def send_pending(*, channel: str, gateway: Gateway, now: datetime | None = None) -> RoundResult:
    """Send every due message of ``channel`` through ``gateway``, then return."""
    return Sender(gateway=gateway, channel=channel).run(now=now)
