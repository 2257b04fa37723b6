"""Replay real queue data through the hall's queue logic and measure the waiting-time estimate.

Data: ../shared/data/anonymous_bank_february.tsv (Technion SEE "Anonymous Bank" call centre,
February 1999, 33,344 calls; Guedj and Mandelbaum). Each call that reached the queue is a customer
taking a ticket for its service type; agents are counters; the agents who served a type in the
last 30 minutes are the counters "open for that type".

At each arrival, with only what the hall would know at that instant (who is waiting, which agents
are busy, the handling times that have ended), we compute:
  - people ahead with gridcare.halls.rules.queue_positions (the real calling order: bank priority
    2 → key account, others normal; 20-minute ageing);
  - several candidate estimates, among them gridcare.halls.rules.estimate_wait_minutes (the one the
    hall uses);
and compare each with the wait that customer really had. Abandoned calls (HANG) have no true wait
and are left out of the error; they still stand in the queue ahead of others while they wait.

    .venv/bin/python benchmarks/hall_wait_replay.py [--write]

--write replaces the figures table in docs/WAIT_ESTIMATE.md.
"""

from __future__ import annotations

import bisect
import os
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from gridcare.halls import rules  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "anonymous_bank_february.tsv"
DOC = ROOT / "docs" / "WAIT_ESTIMATE.md"
TZ = ZoneInfo("Asia/Shanghai")
WINDOW = 30 * 60  # seconds: agents seen serving a type this recently count as its open counters
RECENT = 20  # handling times that feed the estimate (selectors.RECENT_HANDLED)
CONFIGURED_MINUTES = 3.0  # what a manager would type as "expected handling time" for a phone call
AGEING = timedelta(minutes=20)


@dataclass
class Call:
    id: int
    day: str
    kind: str
    priority: int
    arrive: int  # seconds since midnight the customer joined the queue (or was served at once)
    leave_queue: int  # seconds: when the customer left the queue (served or hung up)
    served: bool
    wait: int  # seconds, real
    start: int  # service start (served only)
    end: int
    server: str


def _seconds(text: str) -> int:
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


def load() -> list[Call]:
    calls = []
    with DATA.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in handle:
            f = [x.strip() for x in line.rstrip("\n").split("\t")]
            outcome = f[col["outcome"]]
            if outcome == "PHANTOM":
                continue
            q_time = int(f[col["q_time"]])
            queued = f[col["q_start"]] != "0:00:00"
            served = outcome == "AGENT"
            start = _seconds(f[col["ser_start"]]) if served else 0
            arrive = _seconds(f[col["q_start"]]) if queued else (start or _seconds(f[col["vru_exit"]]))
            calls.append(
                Call(
                    id=int(f[col["call_id"]]),
                    day=f[col["date"]],
                    kind=f[col["type"]],
                    priority=int(f[col["priority"]]),
                    arrive=arrive,
                    leave_queue=arrive + q_time if queued else arrive,
                    served=served,
                    wait=q_time if queued else 0,
                    start=start,
                    # ser_time, not ser_exit: a call that crosses midnight would look negative.
                    end=start + int(f[col["ser_time"]]) if served else 0,
                    server=f[col["server"]],
                )
            )
    return calls


@dataclass(frozen=True)
class Moment:
    """What the hall knows when a customer takes a ticket."""

    ahead: int
    open_counters: int
    idle_counters: int
    recent: list[float]  # minutes, newest last
    last_wait: float | None  # minutes waited by the last customer of the type to be called


def _departures(m: Moment) -> int:
    return m.ahead + 1 - m.idle_counters


def _by_typical(typical: Callable[[list[float]], float]) -> Callable[[Moment], float]:
    def estimate(m: Moment) -> float:
        need = _departures(m)
        if need <= 0:
            return 0.0
        return need * typical(m.recent) / max(m.open_counters, 1)

    return estimate


def _mean(recent: list[float]) -> float:
    return statistics.fmean(recent) if len(recent) >= rules.MIN_SAMPLES else CONFIGURED_MINUTES


def _trimmed(recent: list[float]) -> float:
    if len(recent) < rules.MIN_SAMPLES:
        return CONFIGURED_MINUTES
    ordered = sorted(recent)
    cut = len(ordered) // 10
    return statistics.fmean(ordered[cut : len(ordered) - cut] or ordered)


def chosen(m: Moment) -> float:
    return rules.estimate_wait_minutes(
        ahead=m.ahead,
        open_counters=m.open_counters,
        idle_counters=m.idle_counters,
        recent_minutes=m.recent,
        expected_minutes=CONFIGURED_MINUTES,
    )


def _median(recent: list[float]) -> float:
    return statistics.median(recent) if len(recent) >= rules.MIN_SAMPLES else CONFIGURED_MINUTES


ESTIMATORS: dict[str, Callable[[Moment], float]] = {
    "always 0 (baseline)": lambda m: 0.0,
    "configured time only: (ahead+1-idle) × 3 min / counters": lambda m: (
        max(_departures(m), 0) * CONFIGURED_MINUTES / max(m.open_counters, 1)
    ),
    "naive: ahead × recent mean / counters": lambda m: m.ahead * _mean(m.recent) / max(m.open_counters, 1),
    "(ahead+1-idle) × recent mean / counters": _by_typical(_mean),
    "(ahead+1-idle) × recent 10%-trimmed mean / counters": _by_typical(_trimmed),
    "(ahead+1-idle) × recent median / counters": _by_typical(_median),
    "**chosen: rules.estimate_wait_minutes** ((ahead + ½ if none idle) × recent mean / counters, whole minutes)": chosen,
    "(ahead+1) × recent median / counters, idle ignored": lambda m: (
        (m.ahead + 1) * _median(m.recent) / max(m.open_counters, 1)
    ),
    "ahead × recent median / counters, idle ignored": lambda m: m.ahead * _median(m.recent) / max(m.open_counters, 1),
    "(ahead + ½ if no counter idle) × recent mean / counters": lambda m: (
        (m.ahead + (0.5 if m.idle_counters <= 0 else 0.0)) * _mean(m.recent) / max(m.open_counters, 1)
    ),
    "as chosen, but 0 when more counters idle than people ahead": lambda m: (
        0.0 if m.idle_counters > m.ahead else chosen(m)
    ),
    "(ahead + ½ if no counter idle) × recent median / counters": lambda m: (
        (m.ahead + (0.5 if m.idle_counters <= 0 else 0.0)) * _median(m.recent) / max(m.open_counters, 1)
    ),
    "last customer's wait (LES)": lambda m: m.last_wait if m.last_wait is not None else 0.0,
}


def _moment(call: Call, day_calls: list[Call], index: dict[str, list[Call]], ended: dict[str, list[Call]]) -> Moment:
    t = call.arrive
    base = datetime(1999, 2, 1, tzinfo=TZ)
    queue = [
        rules.Waiting(
            id=other.id,
            priority="vip" if other.priority == 2 else "normal",
            issued_at=base + timedelta(seconds=other.arrive),
            line=other.kind,
        )
        for other in index[call.kind]
        if other.arrive < t < other.leave_queue or other.id == call.id
    ]
    ahead = rules.queue_positions(queue, now=base + timedelta(seconds=t), ageing=AGEING)[call.id]
    services = [c for c in day_calls if c.served and c.start <= t and c.end >= t - WINDOW]
    open_servers = {c.server for c in services if c.kind == call.kind}
    busy = {c.server for c in services if c.start <= t < c.end}
    done = ended[call.kind]
    cut = bisect.bisect_left([c.end for c in done], t)
    recent = [(c.end - c.start) / 60 for c in done[max(cut - RECENT, 0) : cut]]
    started = [c for c in index[call.kind] if c.served and c.start < t]
    last_wait = max(started, key=lambda c: c.start).wait / 60 if started else None
    return Moment(
        ahead=ahead,
        open_counters=len(open_servers),
        idle_counters=len(open_servers - busy),
        recent=recent,
        last_wait=last_wait,
    )


def replay(calls: list[Call]) -> dict[str, list[float]]:
    errors: dict[str, list[float]] = defaultdict(list)
    truths: list[float] = []
    days: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        days[call.day].append(call)
    for day_calls in days.values():
        index: dict[str, list[Call]] = defaultdict(list)
        ended: dict[str, list[Call]] = defaultdict(list)
        for call in day_calls:
            index[call.kind].append(call)
            if call.served:
                ended[call.kind].append(call)
        for kind in ended:
            ended[kind].sort(key=lambda c: c.end)
        for call in day_calls:
            if not call.served:
                continue
            moment = _moment(call, day_calls, index, ended)
            truth = call.wait / 60
            truths.append(truth)
            errors["__ahead__"].append(moment.ahead)
            for name, estimate in ESTIMATORS.items():
                errors[name].append(estimate(moment) - truth)
    errors["__truth__"] = truths
    return errors


def table(errors: dict[str, list[float]]) -> str:
    truths = errors["__truth__"]
    waited = [i for i, t in enumerate(truths) if t > 0]
    behind = [i for i, a in enumerate(errors["__ahead__"]) if a >= 1]
    lines = [
        f"Customers replayed: {len(truths):,} served calls (of which {len(waited):,} queued); "
        f"real wait mean {statistics.fmean(truths):.2f} min, 90th percentile {rules.percentile(truths, 0.9):.2f} min; "
        f"{len(behind):,} found at least one person ahead of them "
        f"(their real wait: mean {statistics.fmean(truths[i] for i in behind):.2f} min).",
        "",
        "| estimator | MAE all (min) | MAE, those who queued | MAE, ≥1 person ahead | bias (min) | within 2 min |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ESTIMATORS:
        e = errors[name]
        mae = statistics.fmean(abs(x) for x in e)
        mae_q = statistics.fmean(abs(e[i]) for i in waited)
        mae_b = statistics.fmean(abs(e[i]) for i in behind)
        bias = statistics.fmean(e)
        within = sum(1 for x in e if abs(x) <= 2) / len(e)
        lines.append(f"| {name} | {mae:.2f} | {mae_q:.2f} | {mae_b:.2f} | {bias:+.2f} | {within:.0%} |")
    return "\n".join(lines)


def main() -> None:
    calls = load()
    errors = replay(calls)
    text = table(errors)
    print(text)
    if "--write" in sys.argv:
        doc = DOC.read_text(encoding="utf-8")
        start = doc.index("<!-- replay:start -->") + len("<!-- replay:start -->")
        end = doc.index("<!-- replay:end -->")
        DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")
        print(f"written to {DOC}")


if __name__ == "__main__":
    main()
