"""Triage accuracy on templates the model never saw (grouped cross-validation), and the same text
pipeline on real customer reviews. Thresholds are justified in docs/TRIAGE.md."""

from __future__ import annotations

import os

import pytest

from gridcare.workorders import triage
from gridcare.workorders.management.commands.triage_report import WAIMAI, waimai_rows


@pytest.fixture(scope="module")
def report() -> triage.HeldOutReport:
    return triage.evaluate_held_out()


def test_held_out_type_and_class_accuracy_clear_the_documented_thresholds(report: triage.HeldOutReport) -> None:
    assert report.size == 1200
    assert report.type_accuracy >= 0.80
    assert report.class_accuracy >= 0.72
    # No type may be left to chance: at least 0.55 for every one (nine types: chance is 0.11).
    assert min(s.accuracy for s in report.type_scores) >= 0.55
    assert min(s.accuracy for s in report.class_scores) >= 0.6


def test_characters_beat_jieba_words_on_held_out_templates(report: triage.HeldOutReport) -> None:
    chars = report
    words = triage.evaluate_held_out(features="words")
    assert chars.type_accuracy > words.type_accuracy
    assert chars.class_accuracy > words.class_accuracy


@pytest.fixture
def waimai() -> tuple[list[str], list[str]]:
    """The real reviews from ../shared/data (not carried in the repository: research-use data).
    A fresh clone without them skips this check; CI, which always has them, fails instead."""
    if not WAIMAI.exists():
        reason = f"{WAIMAI} is absent: the real reviews live in ../shared/data (research use, not in the repository)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return waimai_rows()


def test_the_pipeline_separates_real_complaints_from_praise_in_waimai_10k(
    waimai: tuple[list[str], list[str]],
) -> None:
    texts, labels = waimai
    assert len(texts) == 11987
    scores = triage.evaluate_binary(texts, labels)
    assert triage.accuracy(scores) >= 0.87
    assert {s.label: s.support for s in scores} == {"complaint": 1598, "praise": 800}


def test_the_suggestion_has_the_documented_fields() -> None:
    s = triage.suggest("这个月电费突然多了八百元，肯定是抄错表了")
    assert s.type == "complaint"
    assert s.complaint_class == "business"
    assert s.urgency == "normal"
    assert 0 < s.confidence <= 1
    praise = triage.suggest("要表扬一下抢修师傅，半夜冒雨来修好了，非常感谢")
    assert (praise.type, praise.complaint_class, praise.urgency) == ("praise", None, "low")
