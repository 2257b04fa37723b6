"""The remote service (远程服务, KEY-4): the nightly check over every key account's load data of
one day, and the status of what it finds.

The check reads the day and the same weekdays of the weeks before from the store in one query
(``store.daily``), judges each account with ``rules.remote.day_findings`` and puts each finding
in its manager's worklist: a finding of the same account and kind still open (or contacted) is
the same finding seen again — its ``occurrences`` grow by one, its ``last_day`` and figures are
the day's — so repeats are merged, never duplicated; checking the same day twice changes nothing
more. A new finding writes its history row.

A finding then moves open → contacted → resolved or false alarm (``TRANSITIONS``), by a post with
KEY_FINDING_HANDLE in whose reach the account is, with a note (required to close it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, AccountStatus
from gridcare.keyaccounts.access import key_account_q
from gridcare.keyaccounts.events import key_account_event
from gridcare.keyaccounts.events_findings import FindingEventType
from gridcare.keyaccounts.exceptions import StateConflict
from gridcare.keyaccounts.loads_access import finding_get_for_scope
from gridcare.keyaccounts.loads_conf import key_decimal, key_int
from gridcare.keyaccounts.models import Finding, FindingStatus
from gridcare.keyaccounts.rules import remote as rules
from gridcare.keyaccounts.selectors_loads import tariff_terms
from gridcare.keyaccounts.store import DayFigures, LoadStore, load_store
from gridcare.org.access import Capability, Scope, require

OPEN = (FindingStatus.OPEN, FindingStatus.CONTACTED)
TRANSITIONS: dict[str, frozenset[str]] = {
    FindingStatus.OPEN: frozenset({FindingStatus.CONTACTED, FindingStatus.RESOLVED, FindingStatus.FALSE_ALARM}),
    FindingStatus.CONTACTED: frozenset({FindingStatus.RESOLVED, FindingStatus.FALSE_ALARM}),
    FindingStatus.RESOLVED: frozenset(),
    FindingStatus.FALSE_ALARM: frozenset(),
}
NOTE_REQUIRED = frozenset({FindingStatus.RESOLVED, FindingStatus.FALSE_ALARM})


@dataclass
class CheckResult:
    day: date
    accounts: int = 0
    new: int = 0
    again: int = 0


def remote_thresholds() -> rules.RemoteThresholds:
    return rules.RemoteThresholds(
        overload_percent=key_decimal("OVERLOAD_PERCENT"),
        usage_z=key_decimal("USAGE_Z"),
        usage_weeks=key_int("USAGE_WEEKS"),
        usage_min_weeks=key_int("USAGE_MIN_WEEKS"),
        missing_percent=key_decimal("MISSING_PERCENT"),
    )


def _day(row: DayFigures) -> rules.Day:
    return rules.Day(row.readings, row.interval_minutes, row.kwh, row.max_kw, row.max_kva, row.kvarh)


def check_day(
    *, day: date, accounts: list[Account], store: LoadStore, t: rules.RemoteThresholds
) -> list[tuple[Account, str, dict[str, str]]]:
    """Every finding of ``day`` over ``accounts`` (no database writes: the nightly check's core,
    measured in benchmarks/key_accounts.py)."""
    first = day - timedelta(weeks=t.usage_weeks)
    by_account: dict[str, dict[date, DayFigures]] = defaultdict(dict)
    for row in store.daily(first=first, last=day):
        by_account[row.account_no][row.day] = row
    standards: dict[str, Decimal] = {}
    found = []
    for account in accounts:
        days = by_account.get(account.account_no, {})
        code = account.tariff_code
        if code not in standards:
            standards[code] = tariff_terms(account, on=day).pf_standard or key_decimal("PF_STANDARD")
        weekdays = [days[d].kwh for w in range(t.usage_weeks, 0, -1) if (d := day - timedelta(weeks=w)) in days]
        today = days.get(day)
        for kind, detail in rules.day_findings(
            _day(today) if today else None,
            same_weekdays=weekdays,
            had_data=bool(days) and today is None,
            contract_kva=account.contract_capacity_kva,
            pf_standard=standards[code],
            t=t,
        ):
            found.append((account, kind, detail))
    return found


def remote_check(*, day: date | None = None, store: LoadStore | None = None) -> CheckResult:
    """Check every active key account's data of ``day`` (yesterday by default) and merge the
    findings into the worklist."""
    day = day or business_date() - timedelta(days=1)
    accounts = list(Account.objects.filter(key_account_q(), status=AccountStatus.ACTIVE).order_by("account_no"))
    result = CheckResult(day=day, accounts=len(accounts))
    found = check_day(day=day, accounts=accounts, store=store or load_store(), t=remote_thresholds())
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (f.account_id, f.kind): f
            for f in Finding.objects.filter(status__in=OPEN, account__in=[a for a, _, _ in found]).select_for_update()
        }
        for account, kind, detail in found:
            finding = existing.get((account.pk, kind))
            if finding is None:
                finding = Finding.objects.create(
                    account=account, kind=kind, first_day=day, last_day=day, detail=detail, updated_at=now
                )
                key_account_event(
                    FindingEventType.FINDING_FOUND,
                    actor=None,
                    account=account,
                    finding=finding,
                    day=day.isoformat(),
                    kind=kind,
                )
                result.new += 1
            elif finding.last_day < day:
                Finding.objects.filter(pk=finding.pk).update(
                    occurrences=F("occurrences") + 1, last_day=day, detail=detail, updated_at=now
                )
                result.again += 1
    return result


def finding_transition(*, scope: Scope, actor: Actor, finding_id: int, status: str, note: str = "") -> Finding:
    """Move a finding in the caller's reach to ``status`` with ``note`` (KEY_FINDING_HANDLE)."""
    require(scope, Capability.KEY_FINDING_HANDLE)
    finding = finding_get_for_scope(scope=scope, finding_id=finding_id)
    note = (note or "").replace("\x00", "").strip()
    errors = {}
    if status not in FindingStatus.values:
        errors["status"] = _("请选择处理结果。")
    if status in NOTE_REQUIRED and not note:
        errors["note"] = _("请填写处理说明。")
    if len(note) > 500:
        errors["note"] = _("处理说明不能超过 500 字。")
    if errors:
        raise InvalidInput(_("未能更新这条发现。"), errors=errors)
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if status not in TRANSITIONS[finding.status]:
            raise StateConflict(
                _("这条发现已是“%(status)s”，不能再改为“%(new)s”。")
                % {"status": FindingStatus(finding.status).label, "new": FindingStatus(status).label}
            )
        old = finding.status
        finding.status, finding.note, finding.updated_at = status, note or finding.note, timezone.now()
        finding.save(update_fields=["status", "note", "updated_at"])
        key_account_event(
            FindingEventType.FINDING_STATUS,
            actor=actor,
            account=finding.account,
            finding=finding,
            kind=finding.kind,
            old=old,
            new=status,
            note=note,
        )
    return finding
