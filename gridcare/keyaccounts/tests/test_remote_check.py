"""The nightly remote-service check (KEY-4): findings merged, never duplicated; their status."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.history import history_lines
from gridcare.core.testing import City
from gridcare.keyaccounts.exceptions import StateConflict
from gridcare.keyaccounts.models import Finding, KeyAccountEvent
from gridcare.keyaccounts.rules.remote import Day, RemoteThresholds, day_findings
from gridcare.keyaccounts.services.remote import finding_transition, remote_check
from gridcare.keyaccounts.store import SCHEMA, load_store, month_of
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)  # a Monday


@pytest.fixture
def town(town: City) -> City:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(100)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    return town


def write_day(account_no: str, day: date, kw: float, *, kvar: float | None = None, count: int = 96) -> None:
    start = datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8)
    table = pa.table(
        {
            "account_no": [account_no] * count,
            "ts": [start + timedelta(minutes=15 * i) for i in range(count)],
            "kw": [kw] * count,
            "kvar": [kvar] * count,
            "interval_minutes": [15] * count,
        },
        schema=SCHEMA,
    )
    store = load_store()
    old = store.read(account_no=account_no, start=start - timedelta(days=62), end=start + timedelta(days=62))
    # the store replaces an account's month: keep the other days of the month
    keep = [i for i, ts in enumerate(old.ts) if month_of((ts + 8 * 3600).astype(object).date()) == month_of(day)]
    kept = pa.table(
        {
            "account_no": [account_no] * len(keep),
            "ts": [datetime.fromtimestamp(int(old.ts[i].astype(int)), tz=UTC) for i in keep],
            "kw": [float(old.kw[i]) for i in keep],
            "kvar": [None if old.kvar[i] != old.kvar[i] else float(old.kvar[i]) for i in keep],
            "interval_minutes": [15] * len(keep),
        },
        schema=SCHEMA,
    )
    kept = kept.filter(pa.compute.invert(pa.compute.is_in(kept["ts"], value_set=table["ts"])))
    store.write(month=month_of(day), unit="U1", table=pa.concat_tables([kept, table]))


def test_the_rules_of_one_day() -> None:
    t = RemoteThresholds()
    quiet = Day(96, 15, 1200.0, 50.0, 50.0, None)
    assert (
        day_findings(
            quiet,
            same_weekdays=[1200.0] * 8,
            had_data=True,
            contract_kva=Decimal(100),
            pf_standard=Decimal("0.90"),
            t=t,
        )
        == []
    )
    busy = Day(90, 15, 2400.0, 110.0, 120.0, 2400.0)
    kinds = [
        k
        for k, _ in day_findings(
            busy,
            same_weekdays=[1000, 1100, 1200, 1000, 1100],
            had_data=True,
            contract_kva=Decimal(100),
            pf_standard=Decimal("0.90"),
            t=t,
        )
    ]
    assert kinds == ["missing_data", "overload", "low_power_factor", "usage_deviation"]
    assert day_findings(
        None, same_weekdays=[], had_data=True, contract_kva=Decimal(100), pf_standard=Decimal("0.90"), t=t
    ) == [("missing_data", {"missing": "100", "readings": "0"})]
    assert (
        day_findings(
            None, same_weekdays=[], had_data=False, contract_kva=Decimal(100), pf_standard=Decimal("0.90"), t=t
        )
        == []
    )


def test_a_finding_seen_again_is_merged_and_the_same_day_twice_changes_nothing(town: City) -> None:
    no = town.account.account_no
    write_day(no, DAY - timedelta(days=1), 120.0)  # above 100 kVA
    write_day(no, DAY, 130.0)
    first = remote_check(day=DAY - timedelta(days=1))
    assert (first.accounts, first.new, first.again) == (1, 1, 0)
    second = remote_check(day=DAY)
    assert (second.new, second.again) == (0, 1)
    remote_check(day=DAY)  # again: nothing more
    (finding,) = Finding.objects.all()
    assert (finding.kind, finding.occurrences, finding.first_day, finding.last_day) == (
        "overload",
        2,
        DAY - timedelta(days=1),
        DAY,
    )
    assert finding.detail == {"max_kva": "130.0", "contract_kva": "100"}
    assert KeyAccountEvent.objects.filter(finding=finding).count() == 1


def test_a_closed_finding_found_again_opens_a_new_one(town: City) -> None:
    no = town.account.account_no
    write_day(no, DAY - timedelta(days=1), 120.0)
    write_day(no, DAY, 130.0)
    remote_check(day=DAY - timedelta(days=1))
    finding = Finding.objects.get()
    finding_transition(
        scope=scope_for(town.kam), actor=town.kam, finding_id=finding.pk, status="resolved", note="已增容"
    )
    remote_check(day=DAY)
    assert list(Finding.objects.order_by("pk").values_list("status", "occurrences")) == [("resolved", 1), ("open", 1)]


def test_status_changes_their_refusals_and_history(town: City) -> None:
    write_day(town.account.account_no, DAY, 130.0)
    remote_check(day=DAY)
    finding = Finding.objects.get()
    kam = scope_for(town.kam)
    with pytest.raises(InvalidInput) as exc:
        finding_transition(scope=kam, actor=town.kam, finding_id=finding.pk, status="false_alarm", note="")
    assert exc.value.errors == {"note": "请填写处理说明。"}
    with pytest.raises(Forbidden):
        finding_transition(scope=scope_for(town.planner), actor=town.planner, finding_id=finding.pk, status="contacted")
    with pytest.raises(NotFound):
        finding_transition(
            scope=scope_for(town.other_supervisor),
            actor=town.other_supervisor,
            finding_id=finding.pk,
            status="contacted",
        )
    finding.refresh_from_db()
    assert finding.status == "open"
    finding_transition(scope=kam, actor=town.kam, finding_id=finding.pk, status="contacted", note="已电话联系")
    finding_transition(
        scope=scope_for(town.supervisor),
        actor=town.supervisor,
        finding_id=finding.pk,
        status="false_alarm",
        note="试车负荷",
    )
    with pytest.raises(StateConflict):
        finding_transition(scope=kam, actor=town.kam, finding_id=finding.pk, status="contacted")
    lines = [line.sentence for line in history_lines(KeyAccountEvent.objects.filter(finding=finding).order_by("pk"))]
    assert lines == [
        "远程服务检查于 2026-11-30 发现“超合同容量”",
        "kam 将“超合同容量”由“待处理”改为“已联系”，说明：已电话联系",
        "supervisor 将“超合同容量”由“已联系”改为“误报”，说明：试车负荷",
    ]


def test_missing_and_deviating_days(town: City) -> None:
    no = town.account.account_no
    for w in range(1, 9):
        write_day(no, DAY - timedelta(weeks=w), 50.0 + w % 2)
    write_day(no, DAY, 5.0, count=48)
    remote_check(day=DAY)
    assert sorted(Finding.objects.values_list("kind", flat=True)) == ["missing_data", "usage_deviation"]
