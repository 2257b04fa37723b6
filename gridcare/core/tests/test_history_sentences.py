"""Histories are Chinese sentences, never dicts, field names or English codes (issue 13,
convention 4): every event type of the shown histories has a sentence and a label, a value that
is not there falls back to the label without raising, and English mode says it in English.
The apps' own tests write real events through their services (test_history_sentences.py in
customers and workorders, test_run_history_sentences.py in billing, test_outage_history_sentences.py
in notices)."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest
from django.db.models import Choices
from django.utils import timezone, translation

from gridcare.assessment.models import ActionEvent, LedgerEvent, PostEvent, SupervisorEvent
from gridcare.billing.events import RunEventType
from gridcare.billing.models import BillRunEvent, ServiceItemEvent, ServiceOrderEvent
from gridcare.billing.services.bill_run import RUN_TRANSITIONS
from gridcare.core.history import sentence_of, table_of
from gridcare.core.models import Event
from gridcare.customers.models import AccountEvent
from gridcare.jobs.services import NOTICES_QUEUED
from gridcare.notices.models import OutageEvent, PublicationEvent
from gridcare.workorders.models import OrderEvent

APPS = Path(__file__).resolve().parents[2]

# The histories the pages show, and the types each is written with.
SHOWN: list[tuple[type[Event], type[Choices]]] = [
    (AccountEvent, AccountEvent.Type),
    (OrderEvent, OrderEvent.Type),
    (BillRunEvent, RunEventType),
    (OutageEvent, OutageEvent.Type),
    (PublicationEvent, PublicationEvent.Type),
    (ServiceItemEvent, ServiceItemEvent.Type),
    (ServiceOrderEvent, ServiceOrderEvent.Type),
    (PostEvent, PostEvent.Type),
    (LedgerEvent, LedgerEvent.Type),
    (ActionEvent, ActionEvent.Type),
    (SupervisorEvent, SupervisorEvent.Type),
]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize(("model", "types"), SHOWN, ids=lambda v: getattr(v, "__name__", ""))
def test_every_type_has_a_label_and_a_sentence(model: type[Event], types: type[Choices]) -> None:
    table = table_of(model)
    assert table is not None
    assert {str(k): str(v) for k, v in table.labels.items()} == {str(k): str(v) for k, v in types.choices}
    assert sorted(t for t in types.values if not table.alternatives(t)) == []


def _literal_run_event_types() -> set[str]:
    found: set[str] = set()
    for path in APPS.glob("*/**/*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "run_event":
                for kw in node.keywords:
                    if kw.arg == "type" and isinstance(kw.value, ast.Constant):
                        found.add(str(kw.value.value))
    return found


def test_every_type_a_bill_run_is_written_with_is_declared() -> None:
    """BillRunEvent keeps its type as text: the writers' literals, the run's statuses and the
    worker's type are all in RunEventType (so each has its sentence)."""
    written = _literal_run_event_types() | {to for targets in RUN_TRANSITIONS.values() for to in targets}
    written.add(NOTICES_QUEUED)
    assert {"started", "resumed", "chunk", "finished", "notices_queued"} <= written
    assert sorted(written - set(RunEventType.values)) == []


def _event(type: str, **parameters: object) -> AccountEvent:
    return AccountEvent(type=type, parameters=parameters, created_at=timezone.now())


def test_a_row_missing_a_value_shows_its_label_and_logs_no_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="gridcare.history"):
        assert sentence_of(_event("renamed", old_name="张三")) == "更名"
    assert "张三" not in caplog.text
    assert [(r.table, r.type, r.missing) for r in caplog.records] == [("AccountEvent", "renamed", "new_name")]  # type: ignore[attr-defined]


def test_an_unknown_code_is_logged_by_its_placeholder_not_its_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="gridcare.history"):
        assert sentence_of(_event("unmasked", reason_code="13812345678", reason="核实")) == "查看完整个人信息"
    assert "13812345678" not in caplog.text
    assert [r.missing for r in caplog.records] == ["reason_code"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "event",
    [
        _event("opened", customer_class="nuclear", supply_unit="U1"),  # a code its labels do not know
        _event("tariff_changed", old="residential", new="commercial"),  # not the dicts it expects
        _event("renamed", old_name={"a": 1}, new_name="李四"),  # a dict is never printed
        _event("suspended", old="active", new=None),
        AccountEvent(type="renamed", parameters=["not", "a", "dict"], created_at=timezone.now()),
    ],
    ids=["unknown code", "not a dict", "a dict", "none", "parameters not a dict"],
)
def test_a_value_that_is_not_there_never_raises(event: AccountEvent) -> None:
    assert sentence_of(event) == str(dict(AccountEvent.Type.choices)[event.type])


def test_an_unknown_type_shows_neither_its_code_nor_its_parameters() -> None:
    assert sentence_of(_event("frobnicated", old_name="张三")) == "其他记录"


def test_an_optional_clause_is_left_out_when_its_value_is_empty() -> None:
    event = _event("suspended", old="active", new="suspended", reason="")
    assert sentence_of(event) == "系统 将账户状态由“正常”改为“暂停”"


def test_english_mode_says_the_sentence_in_english() -> None:
    event = _event("suspended", old="active", new="suspended", reason="客户申请")
    with translation.override("en"):
        sentence = sentence_of(event)
    assert sentence == "System changed the account status from “Active” to “Supply suspended”, reason: 客户申请"
    assert not SNAKE.search(sentence)
