"""The pure rules of questions and answers (rules.surveys): what a question may hold, what an
answer may be, the satisfaction score and its spread, months back."""

from __future__ import annotations

import math
from datetime import date

import pytest

from gridcare.assessment.rules.surveys import (
    QuestionSpec,
    check_answers,
    months_before,
    question_errors,
    rate,
    satisfaction_score,
    standard_deviation,
)

QUESTIONS = [
    QuestionSpec("q1", "scale", "总体满意程度", construct="satisfaction"),
    QuestionSpec("q2", "choice", "渠道", choices=("营业厅", "网上国网")),
    QuestionSpec("q3", "text", "意见", required=False),
]


def test_good_answers_are_kept_typed_and_the_texts_become_the_comment() -> None:
    checked = check_answers(QUESTIONS, {"q1": " 10 ", "q2": "营业厅", "q3": " 多开窗口\n周末也开 "})
    assert checked.errors == {}
    assert checked.answers == {"q1": 10, "q2": "营业厅", "q3": "多开窗口\n周末也开"}
    assert checked.comment == "多开窗口\n周末也开"


@pytest.mark.parametrize(
    ("posted", "wrong"),
    [
        ({"q2": "营业厅"}, {"q1"}),
        ({"q1": 0, "q2": "营业厅"}, {"q1"}),
        ({"q1": True, "q2": "营业厅"}, {"q1"}),
        ({"q1": "５", "q2": "营业厅"}, {"q1"}),  # a full-width digit is no answer on the scale
        ({"q1": 5.5, "q2": "营业厅"}, {"q1"}),
        ({"q1": 5, "q2": "电话"}, {"q2"}),
        ({"q1": 5, "q2": ["营业厅"]}, {"q2"}),
        ({"q1": 5, "q2": "营业厅", "q3": "x" * 501}, {"q3"}),
        ({"q1": 5, "q2": "营业厅", "q3": "a\x00b"}, {"q3"}),
        ({"q1": 5, "q2": "营业厅", "q9": "多余"}, {"__all__"}),
    ],
)
def test_bad_answers_are_named_and_nothing_is_kept(posted: dict[str, object], wrong: set[str]) -> None:
    checked = check_answers(QUESTIONS, posted)
    assert set(checked.errors) == wrong
    assert checked.answers == {}


def test_a_question_is_checked_field_by_field() -> None:
    assert question_errors(kind="scale", text="满意度", choices="", construct="satisfaction") == ({}, ())
    assert question_errors(kind="choice", text="渠道", choices="营业厅\n 网上国网 \n", construct="") == (
        {},
        ("营业厅", "网上国网"),
    )
    errors, _ = question_errors(kind="choice", text="", choices="甲\n甲", construct="quality")
    assert set(errors) == {"text", "choices", "construct"}
    errors, _ = question_errors(kind="essay", text="题" * 301, choices=["a"], construct="nonsense")
    assert set(errors) == {"kind", "text", "construct"}  # options are judged once the kind is known


def test_scores_spreads_rates_and_months_back() -> None:
    assert satisfaction_score({"s1": 6, "s2": 9, "other": 1}, ["s1", "s2"]) == 7.5
    assert satisfaction_score({"s1": "x"}, ["s1"]) is None
    assert standard_deviation([4.0, 6.0]) == math.sqrt(2)
    assert standard_deviation([5.0]) is None
    assert (rate(1, 3), rate(0, 0)) == (33.3, None)
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)
