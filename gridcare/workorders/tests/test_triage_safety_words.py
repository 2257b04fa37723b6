"""Urgency catches every safety word, every time, whatever the rest of the text says."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridcare.workorders import triage
from gridcare.workorders.triage import SAFETY_WORDS, load_examples

CONTEXTS = [
    "{w}",
    "客户来电反映：{place}{w}了，请尽快处理。",
    "我要表扬你们，但是门口的线{w}了",
    "请问{w}了该怎么办",
    "建议在电箱旁边贴上防{w}的提示",
    "营业厅态度太差了，而且外面电线{w}",
    "{place} {w} ！！",
]
PLACES = ["阳光花园", "李家村", "建设路", ""]


@pytest.mark.parametrize("word", SAFETY_WORDS)
def test_every_safety_word_in_every_context_is_urgent(word: str) -> None:
    for context in CONTEXTS:
        for place in PLACES:
            text = context.format(w=word, place=place)
            assert triage.suggest(text).urgency == "high", text


def test_every_labelled_text_with_a_safety_word_is_urgent() -> None:
    texts = [e.text for e in load_examples() if any(w in e.text for w in SAFETY_WORDS)]
    assert len(texts) >= 50
    assert [t for t in texts if triage.suggest(t).urgency != "high"] == []


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=30), word=st.sampled_from(SAFETY_WORDS), after=st.text(max_size=30))
def test_a_safety_word_anywhere_in_any_text_is_urgent(before: str, word: str, after: str) -> None:
    assert triage.urgency(before + word + after, "praise") == "high"


def test_full_width_and_spaced_writing_is_caught_too() -> None:
    assert triage.suggest("家里电线冒 烟了").urgency == "high"
    assert triage.suggest("有人触　电").urgency == "high"


def test_danger_reported_in_a_question_becomes_a_fault_to_send_a_crew() -> None:
    s = triage.suggest("请问电线断线掉在地上了怎么办")
    assert (s.type, s.urgency) == ("fault", "high")
