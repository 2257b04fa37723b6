"""Every step of a key account's history has a label and a sentence, and an assignment of a
台区 reads as one too."""

from __future__ import annotations

from gridcare.core.history import table_of
from gridcare.keyaccounts.events import KeyEventType
from gridcare.keyaccounts.models import KeyAccountEvent


def test_every_type_has_a_label_and_a_sentence() -> None:
    table = table_of(KeyAccountEvent)
    assert table is not None
    labels = {str(k): str(v) for k, v in table.labels.items()}
    assert {str(k): labels.get(str(k)) for k in KeyEventType.values} == {
        str(k): str(v) for k, v in KeyEventType.choices
    }
    assert sorted(t for t in KeyEventType.values if not table.alternatives(t)) == []
