"""Retraining the triage model from the agents' overrides (WO-6, issue 18), run by the worker.

The candidate is trained on the labelled set (less its held-out templates) and the overrides
(less every n-th, ``TRIAGE_HOLD_OUT_EVERY``). The candidate and the model in use are scored on the
same held-out set (the labelled set's held-out templates and the held-out overrides), which no
stored version ever trained on; the candidate is adopted only if it scores no lower, else the
previous model stays. Every retraining is kept as a version with both figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from gridcare.core.timezone import now
from gridcare.workorders import triage, triage_store
from gridcare.workorders.models import OrderType, TriageModel, TriageOverride
from gridcare.workorders.rules import setting


@dataclass(frozen=True)
class Split:
    train: list[triage.Example]
    held_out: list[triage.Example]
    overrides: int


def split(labelled: list[triage.Example], overrides: list[tuple[int, str, str, str]], every: int) -> Split:
    """The labelled set by template (fold ``HOLD_OUT_FOLD`` held out) and the overrides by id
    (every ``every``-th held out), so a row is held out in every retraining or in none."""
    train = [e for e in labelled if triage.fold_of(e) != triage.HOLD_OUT_FOLD]
    held = [e for e in labelled if triage.fold_of(e) == triage.HOLD_OUT_FOLD]
    for pk, text, chosen_type, chosen_class in overrides:
        klass = chosen_class if chosen_type == OrderType.COMPLAINT else ""
        example = triage.Example(text, chosen_type, klass, f"override.{pk}")
        (held if pk % max(every, 1) == 0 else train).append(example)
    return Split(train=train, held_out=held, overrides=len(overrides))


def _current(labelled: list[triage.Example]) -> tuple[triage.Models, TriageModel | None]:
    """The model in use and its row; the built-in one trained without the held-out templates."""
    row = TriageModel.objects.filter(adopted=True).order_by("-version").first()
    if row is not None:
        return triage_store.loads(bytes(row.blob)), row
    return triage.train([e for e in labelled if triage.fold_of(e) != triage.HOLD_OUT_FOLD]), None


def triage_retrain(*, at: datetime | None = None, force: bool = False) -> TriageModel | None:
    """Train a candidate from the overrides, score it beside the model in use, keep the better.
    None when there are fewer overrides than ``TRIAGE_RETRAIN_MIN_OVERRIDES`` or none since the
    last version (``force``: train anyway)."""
    at = at or now()
    rows = list(TriageOverride.objects.order_by("id").values_list("id", "text", "chosen_type", "chosen_class"))
    last = TriageModel.objects.order_by("-version").first()
    if not force and (len(rows) < setting("TRIAGE_RETRAIN_MIN_OVERRIDES") or (last and last.overrides == len(rows))):
        return None
    labelled = triage.load_examples()
    parts = split(labelled, rows, setting("TRIAGE_HOLD_OUT_EVERY"))
    candidate = triage.train(parts.train)
    current, current_row = _current(labelled)
    new_type, new_class = triage.score(candidate, parts.held_out)
    old_type, old_class = triage.score(current, parts.held_out)
    with transaction.atomic():
        version = (TriageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        return TriageModel.objects.create(
            version=version,
            trained_at=at,
            overrides=parts.overrides,
            examples=len(parts.train),
            held_out=len(parts.held_out),
            candidate_accuracy=new_type,
            current_accuracy=old_type,
            candidate_class_accuracy=new_class,
            current_class_accuracy=old_class,
            previous_version=current_row.version if current_row else None,
            adopted=new_type >= old_type,
            blob=triage_store.dumps(candidate),
        )
