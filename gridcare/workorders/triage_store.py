"""The triage model versions kept in the database (issue 18): each retraining's pipelines are
pickled into ``TriageModel.blob``; the adopted version with the highest number is what suggests
(``active``), the built-in model trained from ``triage_data/labelled.csv`` until one is adopted."""

from __future__ import annotations

import pickle
import threading

from gridcare.workorders import triage
from gridcare.workorders.models import TriageModel

_lock = threading.Lock()
_loaded: dict[str, tuple[int, triage.Models]] = {}


def dumps(models: triage.Models) -> bytes:
    return pickle.dumps(models, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> triage.Models:
    # Only this module writes the blobs (the retraining job), into the project's own database.
    models = pickle.loads(bytes(blob))  # noqa: S301 - our own rows, never a user's upload
    assert isinstance(models, triage.Models)
    return models


def active() -> triage.Models | None:
    """The adopted stored models (one indexed query; the pipelines loaded once per version), or
    None for the built-in ones."""
    version = TriageModel.objects.filter(adopted=True).order_by("-version").values_list("version", flat=True).first()
    if version is None:
        return None
    with _lock:
        cached = _loaded.get("active")
        if cached is not None and cached[0] == version:
            return cached[1]
        blob = TriageModel.objects.filter(version=version).values_list("blob", flat=True).first()
        if blob is None:
            return None
        models = loads(bytes(blob))
        _loaded["active"] = (version, models)
        return models


def suggest(text: str) -> triage.Suggestion:
    """The suggestion of the model in use (the intake and the intake page's live suggestion)."""
    return triage.suggest(text, trained=active())
