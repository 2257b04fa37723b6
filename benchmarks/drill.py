"""The crash drill of issue 21 behind scripts/drill: kill -9 every long-running or batch process
at random moments, restart it, and check that nothing was lost, nothing half-written, nothing
sent twice beyond the bound, and that the result equals one clean run.

    scripts/drill [--kills 10] [--seed 21] [--database sqlite|postgres|both] [--customers 300]

On a fresh small demo city (``seed_demo --customers N``), copied once for a clean run, each
process runs in turn as a real subprocess, in the order its work depends on:

    readings    manage.py import_readings FILE              (a month's readings, 2026-11)
    intervals   manage.py import_readings --interval FILE   (15-minute load data)
    bill run    manage.py bill_run --period 2026-11 --no-notify --chunk 25
    worker      manage.py worker                            (its interval jobs: bill_notify …)
    debit       manage.py bank_debit --result FILE          (the bank's answer to a debit file)
    statement   manage.py reconcile --statement FILE        (the channel's daily statement)
    fan-out     an outage registered over a unit's feeders  (its messages to every customer)
    sender      manage.py send_notices --loop               (the file gateway, GRIDCARE_NOTICE_FILE)

On the clean copy each runs once to its end. On the drill database each is started, SIGKILLed
after a random time (reproducible from ``--seed``; batch commands within their clean run's wall
time, so the kills land in their work), started again, ``--kills`` times, then run to its end.
Then: the database equals the clean one on what the process writes (bills to the fen, readings,
payments, messages), no row is left in an intermediate state (a notice ``sending``, a bill run or
job run ``running``, a lease held), and for the sender every message is in the file once and the
gateway dropped at most one repeat per connection per kill. Exit status 1 when any check fails.

PostgreSQL: the server of DATABASE_URL when it is one, else a throwaway cluster
(scripts/pg-throwaway, ``--pg-port``); the drill's databases are created there and dropped.
"""

# ruff: noqa: S608 - every query is the drill's own text: module constants and ids it read itself
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("PY", sys.executable)
PERIOD = "2026-11"
# The bank's debit result and its statement are of yesterday (Shanghai), as a bank's files are.
DEBIT_DAY = (datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)).isoformat()
BANK = "ICBC"
OUTAGE_REASON = "停电演练（issue 21）"
MARK = "drill:"  # dedupe-key prefix of the sender's bulk messages

# -- the database, read from the drill itself (no Django here: each child process has its own) --


class Db:
    """One database of the drill, read with plain SQL between the child processes' runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self.path = url.split(":///", 1)[1] if self.sqlite else ""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite:
            conn = sqlite3.connect(self.path, timeout=60)
            try:
                return [tuple(r) for r in conn.execute(sql).fetchall()]
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(_libpq(self.url)) as pg, pg.cursor() as cursor:
            cursor.execute(sql)  # type: ignore[arg-type] # the drill's own constant queries
            return [tuple(r) for r in cursor.fetchall()]

    def one(self, sql: str) -> Any:
        found = self.rows(sql)
        return found[0][0] if found else None

    def copy(self, name: str) -> Db:
        """A copy of this database (SQLite: the backup API; PostgreSQL: CREATE DATABASE … TEMPLATE)."""
        if self.sqlite:
            target = str(Path(self.path).with_name(f"{name}.sqlite3"))
            src, dst = sqlite3.connect(self.path), sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
            return Db(f"sqlite:///{target}")
        _pg_admin(self.url, f'CREATE DATABASE "{name}" TEMPLATE "{_dbname(self.url)}"')
        return Db(_with_db(self.url, name))

    def drop(self) -> None:
        if self.sqlite:
            for suffix in ("", "-wal", "-shm"):
                Path(self.path + suffix).unlink(missing_ok=True)
        else:
            _pg_admin(self.url, f'DROP DATABASE IF EXISTS "{_dbname(self.url)}" WITH (FORCE)')


def _libpq(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def _dbname(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(_with_db(url, "postgres")), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type] # names made by the drill


# -- child processes ------------------------------------------------------------------------


@dataclass
class Env:
    work: Path
    extra: dict[str, str] = field(default_factory=dict)

    def of(self, db: Db, **more: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        return {**env, "DATABASE_URL": db.url, **self.extra, **more}


def start(cmd: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - the drill's own commands
            list(cmd), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def run(cmd: Sequence[str], env: dict[str, str], log: Path, *, ok: tuple[int, ...] = (0,)) -> float:
    """Run to the end; the wall time. A status outside ``ok`` stops the drill (with the log)."""
    began = time.monotonic()
    rc = start(cmd, env, log).wait()
    if rc not in ok:
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"drill: {' '.join(cmd)} ended with {rc}:\n{tail}")
    return time.monotonic() - began


def manage(*args: str) -> list[str]:
    return [PY, "manage.py", *args]


def helper(*args: str) -> list[str]:
    return [PY, "benchmarks/drill.py", "--child", *args]


# -- one process's drill ----------------------------------------------------------------------


@dataclass
class Outcome:
    process: str
    kills: int = 0  # SIGKILLs delivered
    finished: int = 0  # starts that ended by themselves before their kill time
    caught: int = 0  # kills that left work in flight (a row in an intermediate state, a partial file)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return all(passed for _what, passed in self.checks)

    def check(self, what: str, passed: bool) -> None:
        self.checks.append((what, passed))


def kill_loop(
    outcome: Outcome,
    *,
    cmd: Sequence[str],
    env: dict[str, str],
    log: Path,
    rng: random.Random,
    kills: int,
    window: tuple[float, float],
    in_flight: Callable[[], bool],
) -> None:
    """Start ``cmd`` ``kills`` times, each SIGKILLed after a random time in ``window`` unless it
    ended first; ``in_flight()`` (read right after the kill) says whether it caught work."""
    for _ in range(kills):
        delay = rng.uniform(*window)
        proc = start(cmd, env, log)
        try:
            proc.wait(timeout=delay)
            outcome.finished += 1
            continue
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        outcome.kills += 1
        if in_flight():
            outcome.caught += 1


def wait_until(condition: Callable[[], bool], seconds: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def stop(proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """SIGTERM (the graceful stop of the worker and the sender), then wait."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# -- what each process writes, read back for the comparison -------------------------------------

READINGS = (
    "SELECT a.account_no, r.period, r.kwh, r.kwh_peak, r.kwh_flat, r.kwh_valley, r.status "
    "FROM billing_reading r JOIN customers_account a ON a.id = r.account_id "
    f"WHERE r.period = '{PERIOD}' ORDER BY 1"
)
IMPORTS = "SELECT kind, rows, exceptions FROM billing_readingimport ORDER BY id"
INTERVALS = (
    "SELECT a.account_no, i.starts_at, i.kwh FROM billing_intervalreading i "
    "JOIN customers_account a ON a.id = i.account_id ORDER BY 1, 2"
)
BILLS = (
    "SELECT a.account_no, b.kwh, b.energy_charge, b.amount, b.status FROM billing_bill b "
    f"JOIN customers_account a ON a.id = b.account_id WHERE b.period = '{PERIOD}' ORDER BY 1"
)
# Starting the bill run of a finished period again adds a run that bills what is new (nothing
# here): the runs' totals must equal one clean run's, however many run records the kills left.
RUNS = f"SELECT sum(billed), sum(amount), sum(missing) FROM billing_billrun WHERE period = '{PERIOD}'"
PAYMENTS = (
    "SELECT p.channel_txn_id, a.account_no, p.amount FROM billing_payment p "
    "JOIN customers_account a ON a.id = p.account_id WHERE p.channel = 'bank_debit' ORDER BY 1"
)
PAID = f"SELECT status, count(*) FROM billing_bill WHERE period = '{PERIOD}' GROUP BY status ORDER BY 1"
RECONCILIATIONS = (
    f"SELECT r.id, r.matched FROM billing_reconciliation r WHERE r.channel = 'bank_debit' AND "
    f"r.business_date = '{DEBIT_DAY}' ORDER BY r.id"
)
BILL_NOTICES = (
    "SELECT dedupe_key, recipient, channel FROM notices_notice WHERE dedupe_key LIKE 'bill_issued:%' ORDER BY 1"
)
OUTAGES = f"SELECT affected_accounts, notices_queued, status FROM notices_outage WHERE reason = '{OUTAGE_REASON}'"
OUTAGE_NOTICES = (
    "SELECT n.recipient, n.channel FROM notices_notice n JOIN notices_outage o ON o.id = n.outage_id "
    f"WHERE o.reason = '{OUTAGE_REASON}' ORDER BY 1, 2"
)
NOTICE_STATUS = "SELECT channel, status, count(*) FROM notices_notice GROUP BY channel, status ORDER BY 1, 2"
SENT_IDS = "SELECT id FROM notices_notice WHERE status = 'sent' AND gateway LIKE '%-console'"
SENDING = "SELECT count(*) FROM notices_notice WHERE status = 'sending'"
DUE = "SELECT count(*) FROM notices_notice WHERE status IN ('queued', 'sending') AND not_before IS NULL"
RUNNING_RUNS = "SELECT count(*) FROM jobs_jobrun WHERE outcome = 'running'"
LEASES = "SELECT count(*) FROM jobs_job WHERE lease_token <> ''"
STUCK = {
    "notice sending": SENDING,
    "bill run running": "SELECT count(*) FROM billing_billrun WHERE status = 'running'",
    "job run running": RUNNING_RUNS,
    "job lease held": LEASES,
}


def items_of(db: Db, rec_id: int) -> list[tuple[Any, ...]]:
    return db.rows(
        "SELECT kind, channel_txn_id, account_no, statement_amount, posted_amount FROM billing_reconciliationitem "
        f"WHERE reconciliation_id = {int(rec_id)} ORDER BY 1, 2"
    )


@dataclass
class Drill:
    base: Db
    work: Path
    kills: int
    rng: random.Random
    env: Env
    notice_lease: int
    job_lease: int
    messages: int
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.clean = self.base.copy(f"{_stem(self.base)}_clean")
        self.drill = self.base.copy(f"{_stem(self.base)}_drill")

    def log(self, name: str) -> Path:
        return self.work / f"{name}.log"

    # A batch command: clean run, kills within its clean wall time, a last run, comparison.
    def batch(
        self,
        name: str,
        cmd: Sequence[str],
        reads: Sequence[str],
        *,
        in_flight: Callable[[Db], bool],
        again_ok: tuple[int, ...] = (0,),
        extra: Callable[[Outcome], None] | None = None,
        shows: str = "",
    ) -> Outcome:
        """``shows`` (a count that grows as the work commits) times the clean run's first visible
        write, so the kills fall between just before it and the end, not in Django's start."""
        outcome = Outcome(name)
        began = time.monotonic()
        proc = start(cmd, self.env.of(self.clean), self.log(f"{name}-clean"))
        if shows:
            before = self.clean.one(shows)
            wait_until(lambda: proc.poll() is not None or self.clean.one(shows) != before, 600, step=0.05)
        first = time.monotonic() - began
        if proc.wait() != 0:
            raise SystemExit(f"drill: the clean {name} failed; see {self.log(f'{name}-clean')}")
        seconds = time.monotonic() - began
        low = 0.8 * first if shows else 0.4 * seconds
        kill_loop(
            outcome,
            cmd=cmd,
            env=self.env.of(self.drill),
            log=self.log(f"{name}-drill"),
            rng=self.rng,
            kills=self.kills,
            window=(low, seconds),
            in_flight=lambda: in_flight(self.drill),
        )
        # The last start runs to its end: it finishes the work, or refuses a file already in.
        run(cmd, self.env.of(self.drill), self.log(f"{name}-drill"), ok=again_ok)
        for sql in reads:
            outcome.check(
                f"equal to a clean run: {sql.split(' FROM ')[1].split()[0]}",
                self.drill.rows(sql) == self.clean.rows(sql),
            )
        if extra:
            extra(outcome)
        self.outcomes.append(outcome)
        return outcome

    def prepare(self, step: str, *args: str) -> None:
        run(helper(step, str(self.work), *args), self.env.of(self.drill), self.log("prepare"))

    def readings(self) -> None:
        self.prepare("readings")
        started = self.drill.one("SELECT count(*) FROM billing_readingimport")
        self.batch(
            "readings",
            manage("import_readings", str(self.work / "readings.csv")),
            [READINGS, IMPORTS, "SELECT kind, status, count(*) FROM billing_readingexception GROUP BY 1, 2"],
            in_flight=lambda db: db.one("SELECT count(*) FROM billing_readingimport") == started,
            again_ok=(0, 1),  # after a kill that came after the commit, the file is refused whole
        )

    def intervals(self) -> None:
        self.prepare("intervals")
        self.batch(
            "intervals",
            manage("import_readings", "--interval", str(self.work / "intervals.csv")),
            [INTERVALS, IMPORTS, READINGS],
            in_flight=lambda db: db.one("SELECT count(*) FROM billing_intervalreading") == 0,
            again_ok=(0, 1),
        )

    def bill_run(self) -> None:
        self.batch(
            "bill run",
            manage("bill_run", "--period", PERIOD, "--no-notify", "--chunk", "25"),
            [BILLS, RUNS],
            in_flight=lambda db: (
                db.one(f"SELECT count(*) FROM billing_billrun WHERE period = '{PERIOD}' AND status = 'running'") > 0
            ),
            shows=f"SELECT count(*) FROM billing_bill WHERE period = '{PERIOD}'",
        )

    def worker(self) -> None:
        """The worker's interval jobs (bill_notify queues the new run's "bill issued" messages);
        the sender job is off (the sender has its own drill below)."""
        outcome = Outcome("worker")
        env = {
            "GRIDCARE_JOB_SEND_NOTICES": "off",
            "GRIDCARE_JOBS_LEASE_SECONDS": str(self.job_lease),
        }

        def settled(db: Db) -> bool:
            # Every job that ever ran has a finished latest run, and bill_notify succeeded.
            latest = db.rows(
                "SELECT j.name, (SELECT r.outcome FROM jobs_jobrun r WHERE r.job_id = j.id ORDER BY r.started_at DESC, r.id DESC LIMIT 1) FROM jobs_job j"
            )
            return (
                bool(latest)
                and all(o in (None, "succeeded", "failed") for _n, o in latest)
                and (("bill_notify", "succeeded") in latest)
            )

        def serve(db: Db, log: Path) -> tuple[bool, float]:
            """Run the worker until every job settled; (settled, seconds to its first run)."""
            began = time.monotonic()
            runs = db.one("SELECT count(*) FROM jobs_jobrun")
            proc = start(manage("worker"), self.env.of(db, **env), log)
            wait_until(lambda: db.one("SELECT count(*) FROM jobs_jobrun") > runs, 120, step=0.1)
            first = time.monotonic() - began
            done = wait_until(lambda: settled(db), 3 * self.job_lease + 120)
            stop(proc)
            return done, first

        _done, first = serve(self.clean, self.log("worker-clean"))
        kill_loop(
            outcome,
            cmd=manage("worker"),
            env=self.env.of(self.drill, **env),
            log=self.log("worker-drill"),
            rng=self.rng,
            kills=self.kills,
            # From just before its first job starts to a few seconds into its work.
            window=(0.8 * first, first + 3.0),
            in_flight=lambda: self.drill.one(RUNNING_RUNS) > 0,
        )
        interrupted = self.drill.one("SELECT count(*) FROM jobs_jobrun WHERE outcome IN ('running', 'interrupted')")
        began = time.monotonic()
        outcome.check("every cut-short job retried and finished", serve(self.drill, self.log("worker-drill"))[0])
        outcome.note = f"{interrupted} runs cut short, all retried within {time.monotonic() - began:.0f} s"
        outcome.check(
            "equal to a clean run: bill-issued messages", self.drill.rows(BILL_NOTICES) == self.clean.rows(BILL_NOTICES)
        )
        outcome.check("no job run left running", self.drill.one(RUNNING_RUNS) == 0)
        outcome.check("no lease left held", self.drill.one(LEASES) == 0)
        self.outcomes.append(outcome)

    def debit(self) -> None:
        run(
            manage("bank_debit", "--bank", BANK, "--date", DEBIT_DAY, "--export", str(self.work / "debit.csv")),
            self.env.of(self.drill),
            self.log("prepare"),
        )
        self.prepare("debit_result")
        self.batch(
            "bank debit",
            manage(
                "bank_debit",
                "--bank",
                BANK,
                "--date",
                DEBIT_DAY,
                "--result",
                str(self.work / "debit-result.csv"),
                "--user",
                "admin",
            ),
            [PAYMENTS, PAID],
            in_flight=lambda db: db.one("SELECT count(*) FROM billing_payment WHERE channel = 'bank_debit'") == 0,
        )

    def statement(self) -> None:
        self.prepare("statement")

        def whole(outcome: Outcome) -> None:
            [(clean_id, clean_matched)] = self.clean.rows(RECONCILIATIONS)
            want = (clean_matched, items_of(self.clean, clean_id))
            got = [(m, items_of(self.drill, i)) for i, m in self.drill.rows(RECONCILIATIONS)]
            outcome.check(
                "every reconciliation whole and equal to the clean one", bool(got) and all(g == want for g in got)
            )
            outcome.note = (
                f"{len(got)} reconciliation records of the day (a re-run after a committed kill compares again)"
            )

        self.batch(
            "statement",
            manage(
                "reconcile",
                "--channel",
                "bank_debit",
                "--date",
                DEBIT_DAY,
                "--statement",
                str(self.work / "statement.csv"),
            ),
            [],
            in_flight=lambda db: not db.rows(RECONCILIATIONS),
            extra=whole,
        )

    def fan_out(self) -> None:
        self.batch(
            "outage fan-out",
            helper("outage", str(self.work)),
            [OUTAGES, OUTAGE_NOTICES, "SELECT count(*) FROM notices_outageaccount"],
            in_flight=lambda db: not db.rows(OUTAGES),
        )

    def sender(self) -> None:
        outcome = Outcome("sender")
        for db in (self.clean, self.drill):
            run(helper("enqueue", str(self.work), str(self.messages)), self.env.of(db), self.log("prepare"))
        files = {"clean": self.work / "sent-clean.jsonl", "drill": self.work / "sent-drill.jsonl"}
        for path in files.values():
            for suffix in ("", ".repeats"):
                Path(str(path) + suffix).unlink(missing_ok=True)

        def env(db: Db, which: str) -> dict[str, str]:
            return self.env.of(
                db, GRIDCARE_NOTICE_FILE=str(files[which]), GRIDCARE_NOTICE_LEASE_SECONDS=str(self.notice_lease)
            )

        def finish(db: Db, which: str) -> tuple[float, float]:
            """Send until nothing is due; (seconds to the first message in the file, in all)."""
            began = time.monotonic()
            proc = start(
                manage("send_notices", "--loop", "--idle-seconds", "0.5"), env(db, which), self.log(f"sender-{which}")
            )
            wait_until(lambda: files[which].exists() and files[which].stat().st_size > 0, 120, step=0.1)
            first = time.monotonic() - began
            wait_until(lambda: db.one(DUE) == 0, 3 * self.notice_lease + 300)
            stop(proc)
            return first, time.monotonic() - began

        first, _took = finish(self.clean, "clean")
        already = {int(r[0]) for r in self.drill.rows(SENT_IDS)}  # sent before the drill (the demo's)
        kill_loop(
            outcome,
            cmd=manage("send_notices", "--loop", "--idle-seconds", "0.5"),
            env=env(self.drill, "drill"),
            log=self.log("sender-drill"),
            rng=self.rng,
            kills=self.kills,
            # From just before the first message leaves to a few seconds into the sending.
            window=(0.8 * first, first + 4.0),
            in_flight=lambda: self.drill.one(SENDING) > 0,
        )
        left = self.drill.one(SENDING)
        _first, took = finish(self.drill, "drill")
        lines = [json.loads(t) for t in files["drill"].read_text().splitlines() if t.strip().startswith("{")]
        ids = [int(line["id"]) for line in lines]
        repeats_file = Path(str(files["drill"]) + ".repeats")
        repeats = len(repeats_file.read_text().split()) if repeats_file.exists() else 0
        channels = self.drill.one("SELECT count(DISTINCT channel) FROM notices_notice") or 1
        bound = outcome.kills * channels  # one message in the gateway's hands per connection
        sent = {int(r[0]) for r in self.drill.rows(SENT_IDS)} - already
        outcome.check("every message delivered", self.drill.one(DUE) == 0)
        outcome.check("each sent message in the file exactly once", len(ids) == len(set(ids)) and set(ids) == sent)
        outcome.check(f"repeats dropped by the gateway within the bound ({bound})", repeats <= bound)
        outcome.check(
            "equal to a clean run: statuses per channel",
            self.drill.rows(NOTICE_STATUS) == self.clean.rows(NOTICE_STATUS),
        )
        outcome.note = (
            f"{len(sent):,} sent, {repeats} repeats dropped (bound {bound}); {left} left sending by the last kill, "
            f"all delivered {took:.0f} s after the restart"
        )
        self.outcomes.append(outcome)

    def finish(self) -> Outcome:
        outcome = Outcome("every table")
        for what, sql in STUCK.items():
            outcome.check(f"no {what}", self.drill.one(sql) == 0)
        self.outcomes.append(outcome)
        return outcome


def _stem(db: Db) -> str:
    return Path(db.path).stem if db.sqlite else _dbname(db.url)


PHASES = ("readings", "intervals", "bill_run", "worker", "debit", "statement", "fan_out", "sender")


def table(outcomes: list[Outcome], database: str) -> str:
    lines = [
        f"| process ({database}) | SIGKILLs | ended before its kill | kills before the work was done | checks | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for o in outcomes:
        failed = [what for what, passed in o.checks if not passed]
        result = "ok" if o.ok else "FAILED: " + "; ".join(failed)
        kills = "—" if o.process == "every table" else str(o.kills)
        ended = "—" if o.process == "every table" else str(o.finished)
        caught = "—" if o.process == "every table" else str(o.caught)
        note = f" ({o.note})" if o.note else ""
        lines.append(f"| {o.process} | {kills} | {ended} | {caught} | {len(o.checks)}{note} | {result} |")
    return "\n".join(lines)


# -- the helper children (each a Django process of its own) -------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def child(step: str, work: Path, args: list[str]) -> None:
    _django()
    rng = random.Random(21)  # the files are the same on every run
    if step == "readings":
        from gridcare.billing.models import Reading

        previous = Reading.objects.filter(period="2026-10").select_related("account").order_by("account__account_no")
        with (work / "readings.csv").open("w", encoding="utf-8") as out:
            out.write("户号,账期,抄表日期,上次示数,本次示数\n")
            for r in previous:
                if r.account.status != "active":
                    continue
                used = rng.randint(50, 900)
                out.write(f"{r.account.account_no},{PERIOD},{PERIOD}-28,{r.register},{r.register + used}\n")
    elif step == "intervals":
        from gridcare.billing.models import Reading

        accounts = list(
            Reading.objects.filter(period=PERIOD)
            .order_by("account__account_no")
            .values_list("account__account_no", flat=True)[:40]
        )
        with (work / "intervals.csv").open("w", encoding="utf-8") as out:
            out.write("户号,开始时间,电量\n")
            for no in accounts:
                for day in range(1, 4):
                    for q in range(96):
                        out.write(
                            f"{no},{PERIOD}-{day:02d} {q // 4:02d}:{q % 4 * 15:02d},{rng.randint(0, 90) / 100:.2f}\n"
                        )
    elif step == "debit_result":
        lines = (work / "debit.csv").read_text(encoding="utf-8").splitlines()[1:]
        with (work / "debit-result.csv").open("w", encoding="utf-8") as out:
            out.write("流水号,户号,金额,结果\n")
            for i, line in enumerate(lines):
                txn, account_no, _bank_account, amount = line.split(",")[:4]
                out.write(f"{txn},{account_no},{amount},{'3001' if i % 7 == 3 else '0000'}\n")
    elif step == "statement":
        from gridcare.billing.models import Payment

        paid = Payment.objects.filter(channel="bank_debit").select_related("account").order_by("channel_txn_id")
        with (work / "statement.csv").open("w", encoding="utf-8") as out:
            out.write("流水号,户号,金额\n")
            for i, p in enumerate(paid):
                if i % 9 != 4:  # some posted payments missing from the statement
                    out.write(f"{p.channel_txn_id},{p.account.account_no},{p.amount}\n")
            out.write(f"{BANK}DRILL00001,0000000000,12.34\n")  # one the bank has and we do not
    elif step == "outage":
        _outage()
    elif step == "enqueue":
        _enqueue(int(args[0]))
    else:
        raise SystemExit(f"drill: unknown step {step}")


def _outage() -> None:
    """Register the drill's outage over the first unit's feeders, unless it is registered already
    (as a dispatcher would see it in the list): the registration and its fan-out are one
    transaction, so a kill leaves all of it or nothing."""

    from django.contrib.auth.models import AnonymousUser

    from gridcare.core import timezone as tz
    from gridcare.customers.models import Feeder
    from gridcare.notices.models import Outage
    from gridcare.notices.services.outages import NewOutage, outage_register
    from gridcare.org.access import Scope

    if Outage.objects.filter(reason=OUTAGE_REASON).exists():
        print("outage already registered")
        return
    unit = Feeder.objects.order_by("unit_id").values_list("unit_id", flat=True).first()
    feeders = list(Feeder.objects.filter(unit_id=unit).order_by("code").values_list("code", flat=True))
    everyone = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
    begins = tz.now() + timedelta(minutes=5)
    data = NewOutage(
        kind="emergency", reason=OUTAGE_REASON, starts_at=begins, ends_at=begins + timedelta(hours=2), feeders=feeders
    )
    outage = outage_register(scope=everyone, actor=AnonymousUser(), data=data)
    print(f"outage {outage.pk}: {outage.affected_accounts} accounts, {outage.notices_queued} messages")


def _enqueue(count: int) -> None:
    """The sender's load: ``count`` queue-call messages ("your turn is near", time-critical)."""
    from django.db import transaction

    from gridcare.notices.services.outbox import NewNotice, notices_enqueue

    with transaction.atomic():
        notices_enqueue(
            template_code="queue_near",
            messages=(
                NewNotice(
                    recipient=f"139{i:08d}",
                    variables={"hall": "演练营业厅", "number": f"A{i:04d}", "ahead": i % 5},
                    dedupe_key=f"{MARK}{i}",
                )
                for i in range(count)
            ),
        )


# -- the whole drill on one database --------------------------------------------------------------


def drill_one(database: str, args: argparse.Namespace) -> bool:
    work = Path(tempfile.mkdtemp(prefix=f"gridcare-drill-{database}-"))
    env = Env(work, {"GRIDCARE_NOTICE_QUIET_HOURS": "", "GRIDCARE_NOTICE_CONSOLE_RATE": str(args.rate)})
    throwaway = ""
    if database == "sqlite":
        base = Db(f"sqlite:///{work}/base.sqlite3")
    else:
        server = os.environ.get("DATABASE_URL", "")
        if not server.startswith("postgres"):
            out = subprocess.run(  # noqa: S603
                [str(ROOT / "scripts/pg-throwaway"), "start", str(args.pg_port)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            found = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line)
            server, throwaway = found["DATABASE_URL"], found["PG_THROWAWAY_DIR"]
        name = f"gridcare_drill_{os.getpid()}"
        _pg_admin(server, f'CREATE DATABASE "{name}"')
        base = Db(_with_db(server, name))
    began = time.monotonic()
    made: list[Db] = [base]
    try:
        if args.base_sqlite and database == "sqlite":
            # A migrated, empty database given (the test suite's own): copied, not migrated again.
            src, dst = sqlite3.connect(args.base_sqlite), sqlite3.connect(base.path)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        else:
            run(manage("migrate", "-v0"), env.of(base), work / "seed.log")
        seed = ["--customers", str(args.customers), "--orders", "20", "--history-weeks", "1", "--seed", "1"]
        run(manage("seed_demo", *seed), env.of(base), work / "seed.log")
        seeded = time.monotonic() - began
        d = Drill(
            base,
            work,
            args.kills,
            random.Random(args.seed),
            env,
            notice_lease=args.notice_lease,
            job_lease=args.job_lease,
            messages=args.messages,
        )
        made += [d.clean, d.drill]
        for phase in PHASES:
            if args.only and phase not in args.only:
                continue
            getattr(d, phase)()
            print(f"  {database}: {phase} done ({time.monotonic() - began:.0f} s)", flush=True)
        d.finish()
        ok = all(o.ok for o in d.outcomes)
        print(table(d.outcomes, database))
        load = os.getloadavg()
        print(
            f"{database}: {'passed' if ok else 'FAILED'} in {time.monotonic() - began:.0f} s "
            f"(demo city of {args.customers} customers seeded in {seeded:.0f} s; kills {args.kills}, seed {args.seed}; "
            f"{os.cpu_count()} cores, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}); logs in {work}"
        )
        return ok
    finally:
        if not args.keep:
            for db in made:
                try:
                    db.drop()
                except Exception as exc:  # noqa: BLE001 - cleaning up; the drill's answer stands
                    print(f"drill: could not drop {db.url}: {exc}", file=sys.stderr)
        if throwaway:
            subprocess.run([str(ROOT / "scripts/pg-throwaway"), "stop", throwaway], check=False)  # noqa: S603


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(
        description="Crash drill (issue 21): kill -9 every process, check nothing is lost."
    )
    parser.add_argument("--kills", type=int, default=10, help="SIGKILLs per process (default 10)")
    parser.add_argument("--seed", type=int, default=21, help="random seed of the kill moments")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--customers", type=int, default=300, help="size of the demo city")
    parser.add_argument("--messages", type=int, default=4000, help="queue-call messages for the sender")
    parser.add_argument("--rate", type=int, default=200, help="the file gateway's messages per second")
    parser.add_argument("--notice-lease", type=int, default=15, help="GRIDCARE_NOTICE_LEASE_SECONDS")
    parser.add_argument("--job-lease", type=int, default=6, help="GRIDCARE_JOBS_LEASE_SECONDS in the drill")
    parser.add_argument("--pg-port", type=int, default=55443, help="port of a throwaway PostgreSQL cluster")
    parser.add_argument("--only", action="append", choices=PHASES, help="only these processes (repeat)")
    parser.add_argument("--keep", action="store_true", help="keep the drill's databases")
    parser.add_argument("--base-sqlite", help="a migrated empty SQLite database to start from (skips migrate)")
    args = parser.parse_args()
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    results = [drill_one(database, args) for database in databases]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
