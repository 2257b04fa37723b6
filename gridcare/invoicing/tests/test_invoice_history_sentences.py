"""Every event type of invoices and titles has a label and a sentence (gridcare.core.history)."""

from __future__ import annotations

from gridcare.core.history import table_of
from gridcare.invoicing.models import InvoiceEvent, TitleEvent


def test_every_type_has_a_label_and_a_sentence() -> None:
    for model in (InvoiceEvent, TitleEvent):
        table = table_of(model)
        assert table is not None
        types = model.Type
        assert {str(k): str(v) for k, v in table.labels.items()} == {str(k): str(v) for k, v in types.choices}
        assert [t for t in types.values if not table.alternatives(t)] == []
