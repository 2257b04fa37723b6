"""The corrections' history (issue 19): every correction and note event type has its label and
sentence, and they read as Chinese with the amounts in yuan to the fen."""

from __future__ import annotations

from datetime import UTC, datetime

from gridcare.billing.models import AdjustmentEvent, CorrectionEvent
from gridcare.core.history import history_lines, table_of
from gridcare.core.models import Event
from gridcare.core.testing import City


def test_every_correction_and_note_event_type_has_a_label_and_a_sentence() -> None:
    for model, types in ((CorrectionEvent, CorrectionEvent.Type), (AdjustmentEvent, AdjustmentEvent.Type)):
        table = table_of(model)
        assert table is not None
        assert {str(k): str(v) for k, v in table.labels.items()} == {str(k): str(v) for k, v in types.choices}
        assert [t for t in types.values if not table.alternatives(t)] == []


def _sentences(rows: list[Event]) -> list[str]:
    for row in rows:
        row.created_at = datetime(2026, 12, 7, tzinfo=UTC)
    return [line.sentence for line in history_lines(rows)]


def test_the_correction_and_note_sentences_read_as_chinese(town: City) -> None:
    a = town.admin
    corrections: list[Event] = [
        CorrectionEvent(
            type="requested", parameters={"reason": "reading", "old": "300.00", "amount": "107.60"}, actor=a
        ),
        CorrectionEvent(type="done", parameters={"bill": 9, "amount": "107.60", "note": "核实无误"}, actor=a),
        CorrectionEvent(type="rejected", parameters={}, actor=a),
    ]
    assert _sentences(corrections) == [
        "admin 申请更正账单（抄表差错），原应收 ¥300.00，更正后 ¥107.60",
        "admin 批准更正，账单已作废并重新出账 ¥107.60，意见：核实无误",
        "admin 驳回了更正申请",
    ]
    notes: list[Event] = [
        AdjustmentEvent(type="requested", parameters={"kind": "credit", "reason": "topup", "amount": "20.50"}, actor=a),
        AdjustmentEvent(type="approved", parameters={"note": "同意"}, actor=a),
        AdjustmentEvent(type="rejected", parameters={}, actor=a),
        AdjustmentEvent(type="applied", parameters={"period": "2026-11"}, actor=None),
    ]
    assert _sentences(notes) == [
        "admin 申请退减（贷项） ¥20.50（退补电费）",
        "admin 批准了退补，意见：同意",
        "admin 驳回了退补",
        "计入 2026-11 账单",
    ]
