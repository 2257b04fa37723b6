"""The arrivals forecast of the staffing plan (PLAN-1) on a real series: the five-minute call
counts of a North-American bank's call centre (../shared/data/bank_calls_5min.csv, Weinberg,
Brown and Stroud 2007, fpp3::bank_calls), summed to half hours, run through the same rules
(gridcare.planning.rules.forecast) with the same rolling-origin backtest as a hall's plan:
MAPE, the seasonal-naive baseline's (same weekday a week before), their ratio, and the time.

    .venv/bin/python benchmarks/planning_forecast.py [--origins 40] [--weeks 8]

No database. Without ../shared the benchmark says so and exits 0."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "bank_calls_5min.csv"


def read_series(path: Path) -> dict[date, dict[tuple[str, int], float]]:
    """Arrivals per day and half hour (UTC clock of the file; the same for every day)."""
    days: dict[date, dict[tuple[str, int], float]] = defaultdict(lambda: defaultdict(float))
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            moment = datetime.fromisoformat(row["DateTime"].replace("Z", "+00:00"))
            slot = moment.hour * 2 + moment.minute // 30
            days[moment.date()][("calls", slot)] += float(row["Calls"])
    return {d: dict(c) for d, c in days.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=40, help="days forecast in the backtest (the last ones)")
    parser.add_argument("--weeks", type=int, default=8, help="weeks of history each forecast is fitted on")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is not there (../shared/data is absent on this machine)")
        return 0
    sys.path.insert(0, str(ROOT))
    from benchmarks._setup import machine
    from gridcare.planning.rules.forecast import backtest

    history = read_series(DATA)

    def weekdays(d: date) -> bool:
        return d.weekday() < 5  # the bank's calendar is not China's: weekdays, no holidays

    started = time.perf_counter()
    days = sorted(history)
    # Each origin is fitted on the ``weeks`` weeks before it, as a hall's plan is.
    window = args.weeks * 5
    chosen = {d: history[d] for d in days[-(args.origins + window) :]}
    result = backtest(chosen, is_working=weekdays, edge_days=3, origins=args.origins, min_training_days=window // 2)
    seconds = time.perf_counter() - started
    print(f"machine: {machine()}")
    print(f"series: {DATA.name}, {len(days)} days {days[0]}..{days[-1]}, half hours")
    print(f"backtest: {result.origins} origins, each fitted on up to {window} days before it")
    print(f"MAPE {result.mape:.2f}%  seasonal-naive MAPE {result.naive_mape:.2f}%  ratio {result.ratio:.3f}")
    print(f"time {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
