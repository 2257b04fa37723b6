"""Importing a metering system's load-data file (KEY-3): checked whole, then stored whole or not
at all.

Every row is checked first (``rules.load_file``) and every account with it: an account the
importer cannot reach is "unknown" (nobody learns which numbers exist), one they reach that is not
in their key-account reach is "not a key account" (``loads_access.diagnosis_filter``: a
大客户经理 their own accounts, supervisors the unit's, administrators all). Any blocking problem
refuses the file: the import is recorded as refused with its problems, and nothing reaches the
store. Otherwise the readings replace the accounts' readings of the months the file covers
(``store.ParquetLoadStore.write``: importing the same file twice gives the same data), and the
import is recorded with its gaps listed. The store is written before the import row, so a failure
between the two leaves data a repeated import rewrites identically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import Forbidden
from gridcare.customers.models import Account
from gridcare.keyaccounts.exceptions import ImportRefused
from gridcare.keyaccounts.loads_access import diagnosis_filter
from gridcare.keyaccounts.loads_conf import key_decimal, key_int
from gridcare.keyaccounts.models import LoadImport, LoadImportStatus, LoadProblem
from gridcare.keyaccounts.rules import load_file as rules
from gridcare.keyaccounts.store import SCHEMA, LoadStore, load_store
from gridcare.org.access import Capability, Scope, require

MB = 1024 * 1024


@dataclass(frozen=True)
class AccountFacts:
    unit: str
    capacity_kva: Decimal
    key: bool


def _accounts(scope: Scope, account_nos: set[str]) -> dict[str, AccountFacts]:
    """The accounts of the file the importer reaches, and whether each is in their portfolio."""
    reach = Account.objects.filter(scope.account_filter(), account_no__in=account_nos)
    keys = set(
        Account.objects.filter(diagnosis_filter(scope), account_no__in=account_nos).values_list("account_no", flat=True)
    )
    return {
        no: AccountFacts(unit=unit, capacity_kva=capacity, key=no in keys)
        for no, unit, capacity in reach.values_list("account_no", "supply_unit__code", "contract_capacity_kva")
    }


def _account_problems(parsed: rules.Parsed, facts: dict[str, AccountFacts]) -> list[rules.Problem]:
    found = []
    for no, line in parsed.first_rows:  # each account once, at its first row
        if no in facts and facts[no].key:
            continue
        if no not in facts:
            found.append(rules.Problem("unknown_account", line, no, _("户号 %(no)s 不存在") % {"no": no}))
        else:
            detail = _("户号 %(no)s 不是您负责的大客户") % {"no": no}
            found.append(rules.Problem("not_key_account", line, no, detail))
    return found


def _parse(file_name: str, data: bytes, interval_minutes: int | None) -> rules.Parsed:
    errors: dict[str, str] = {}
    if interval_minutes not in (None, *rules.INTERVALS):
        errors["interval_minutes"] = _("数据间隔只能是 15、30 或 60 分钟。")
    limit = key_int("LOAD_FILE_MAX_MB")
    if not data:
        errors["file"] = _("请选择要导入的文件。")
    elif len(data) > limit * MB:
        errors["file"] = _("文件超过 %(mb)s MB，请按月或按单位拆分后导入。") % {"mb": limit}
    if errors:
        raise ImportRefused(_("文件未导入。"), errors=errors)
    try:
        return rules.parse_columns(rules.read_columns(file_name, data), interval_minutes=interval_minutes)
    except rules.FileUnreadable as exc:
        raise ImportRefused(_("文件未导入。"), errors={"file": str(exc)}) from exc


def load_import(
    *,
    scope: Scope,
    actor: Actor,
    file_name: str,
    data: bytes,
    interval_minutes: int | None = None,
    store: LoadStore | None = None,
) -> LoadImport:
    """Import a load-data file (KEY_LOAD_IMPORT): imported whole or refused whole, recorded either
    way with its problems. A file that cannot be read at all raises ``ImportRefused`` (nothing is
    recorded)."""
    require(scope, Capability.KEY_LOAD_IMPORT)
    user = actor_user(actor)
    if user is None:
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    file_name = (file_name or "").replace("\x00", "")[-200:] or "load.csv"
    parsed = _parse(file_name, data, interval_minutes)
    facts = _accounts(scope, set(parsed.accounts))
    parsed.problems += _account_problems(parsed, facts)
    jump = key_decimal("LOAD_JUMP_PERCENT")
    capacities = {no: f.capacity_kva for no, f in facts.items()}
    parsed.problems += rules.jump_problems(parsed, capacity_kva=capacities, jump_percent=jump)
    refused = parsed.blocking
    if not refused:
        _store(parsed, facts, store or load_store())
    return _record(parsed, file_name=file_name, data=data, actor=user, refused=refused)


def _store(parsed: rules.Parsed, facts: dict[str, AccountFacts], store: LoadStore) -> None:
    """One write per month (all its units' partitions under the month's lock), each unit's table
    in account and time order."""
    units = sorted({facts[no].unit for no in parsed.accounts})
    unit_of = np.array([units.index(facts[no].unit) for no in parsed.accounts], dtype=np.int64)
    order = parsed.order
    month = rules.month_index(parsed)[order]
    unit = unit_of[parsed.account_index[order]]
    accounts = pa.array(parsed.accounts, pa.string())
    for m in sorted(pc.unique(pa.array(month)).to_pylist()):
        tables = {}
        in_month = month == m
        for u in sorted(pc.unique(pa.array(unit[in_month])).to_pylist()):
            rows = order[in_month & (unit == u)]
            kvar = parsed.kvar[rows]
            tables[units[u]] = pa.table(
                {
                    "account_no": accounts.take(pa.array(parsed.account_index[rows])),
                    "ts": pa.array(parsed.starts[rows].view("datetime64[us]"), pa.timestamp("us", tz="UTC")),
                    "kw": pa.array(parsed.kw[rows]),
                    "kvar": pa.array(kvar, mask=np.isnan(kvar)),
                    "interval_minutes": pa.array(np.full(rows.size, parsed.interval_minutes, dtype=np.int16)),
                },
                schema=SCHEMA,
            )
        store.write_month(month=rules.month_name(int(m)), tables=tables)


def _record(parsed: rules.Parsed, *, file_name: str, data: bytes, actor: User, refused: bool) -> LoadImport:
    problems = sorted(parsed.problems, key=lambda p: (not p.blocking, p.row or 0, p.account_no))
    with transaction.atomic():
        record = LoadImport.objects.create(
            file_name=file_name,
            sha256=hashlib.sha256(data).hexdigest(),
            interval_minutes=parsed.interval_minutes,
            status=LoadImportStatus.REFUSED if refused else LoadImportStatus.IMPORTED,
            rows=int(parsed.rows.size) + parsed.bad_rows,
            accounts=len(parsed.accounts),
            first_at=parsed.first_at,
            last_at=parsed.last_at,
            months=rules.months_of(parsed),
            has_kvar=parsed.has_kvar and bool((~np.isnan(parsed.kvar)).any()),
            imported_by=actor,
            imported_at=timezone.now(),
        )
        LoadProblem.objects.bulk_create(
            LoadProblem(
                load_import=record,
                row=p.row,
                account_no=p.account_no[:20],
                kind=p.kind,
                detail=p.detail[:300],
                blocking=p.blocking,
            )
            for p in problems[: rules.MAX_PROBLEMS]
        )
    return record
