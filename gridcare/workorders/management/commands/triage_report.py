"""Measure the triage model: grouped cross-validation per class, and the text pipeline on the
real customer reviews of ../shared/data/waimai_10k.csv (figures for docs/TRIAGE.md)."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gridcare.workorders import triage

WAIMAI = Path(settings.BASE_DIR).parent / "shared" / "data" / "waimai_10k.csv"


def waimai_rows(path: Path = WAIMAI) -> tuple[list[str], list[str]]:
    """Reviews and labels (0 complaint, 1 praise), interleaved so every fifth row mixes both."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    negative = [r["review"] for r in rows if r["label"] == "0"]
    positive = [r["review"] for r in rows if r["label"] == "1"]
    texts: list[str] = []
    labels: list[str] = []
    for i in range(max(len(negative), len(positive))):
        for group, label in ((negative, "complaint"), (positive, "praise")):
            if i < len(group):
                texts.append(group[i])
                labels.append(label)
    return texts, labels


class Command(BaseCommand):
    help = "Print the triage model's held-out accuracy per class and the waimai_10k check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--features", default="chars,words,both")

    def handle(self, *args: Any, features: str, **options: Any) -> None:
        for kind in features.split(","):
            started = time.perf_counter()
            report = triage.evaluate_held_out(features=kind)
            self.stdout.write(
                f"[{kind}] {report.size} examples, type {report.type_accuracy:.3f}, "
                f"class {report.class_accuracy:.3f} ({time.perf_counter() - started:.1f} s)"
            )
            for score in report.type_scores + report.class_scores:
                self.stdout.write(f"  {score.label:<18} {score.correct:>4}/{score.support:<4} {score.accuracy:.3f}")
        if not WAIMAI.exists():
            raise CommandError(f"{WAIMAI} is absent: the waimai_10k check needs ../shared/data beside the project.")
        texts, labels = waimai_rows()
        for kind in features.split(","):
            started = time.perf_counter()
            scores = triage.evaluate_binary(texts, labels, features=kind)
            detail = ", ".join(f"{s.label} {s.correct}/{s.support} {s.accuracy:.3f}" for s in scores)
            self.stdout.write(
                f"[{kind}] waimai_10k held-out {triage.accuracy(scores):.3f}: {detail} "
                f"({time.perf_counter() - started:.1f} s)"
            )
