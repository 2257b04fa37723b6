"""Pure rules of questionnaires, samples and survey answers (issue 14, ASSESS-4/5): what a question
may hold, what an answer may be, a questionnaire's states, a stratum's name, a response's
satisfaction score and its spread. No database here (the services and selectors call these).

- A question: its text (1-300 characters, no control characters); a 1-10 scale may carry one
  construct of the CCSI model (the satisfaction drivers read those); a single choice has 2-10
  distinct options of at most 50 characters; a free text question carries neither.
- An answer: a 1-10 scale answers a whole number from 1 to 10; a choice one of its options' texts;
  a text at most 500 characters without control characters (line breaks allowed). A required
  question must be answered; an optional one may be left empty. Answers to questions the
  questionnaire does not have are refused.
- States: draft → published → retired; a published questionnaire is never changed (a change is
  a new draft version copied from it).
"""

from __future__ import annotations

import calendar
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

SCALE_MIN, SCALE_MAX = 1, 10
QUESTION_TEXT_MAX = 300
CHOICE_TEXT_MAX = 50
CHOICES_MIN, CHOICES_MAX = 2, 10
ANSWER_TEXT_MAX = 500
TITLE_MAX = 200
INTRO_MAX = 500
QUESTIONS_MAX = 60

KINDS = ("scale", "choice", "text")
CONSTRUCTS = ("image", "expectation", "quality", "value", "satisfaction", "loyalty")

# The one transition table of a questionnaire version.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"published"}),
    "published": frozenset({"retired"}),
    "retired": frozenset(),
}

PURPOSES = ("survey", "supervisors")
METHODS = ("proportional", "neyman")
# A stratum's key: the supply unit's code and the customer class ("U1/residential").
STRATUM_SEPARATOR = "/"


def stratum_key(unit_code: str, customer_class: str) -> str:
    return f"{unit_code}{STRATUM_SEPARATOR}{customer_class}"


def stratum_parts(key: str) -> tuple[str, str]:
    unit, _sep, kind = key.rpartition(STRATUM_SEPARATOR)
    return unit, kind


def has_control(text: str, *, line_breaks: bool = False) -> bool:
    """Whether ``text`` holds a control character (NUL, escape …); ``line_breaks`` allows \\n, \\r, \\t."""
    allowed = {"\n", "\r", "\t"} if line_breaks else set()
    return any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") and c not in allowed for c in text)


def text_error(value: Any, *, required: str, limit: int, line_breaks: bool = False) -> str:
    """The message for a text field (empty when it is fine): required (unless ``required`` is
    ""), at most ``limit`` characters, no control characters."""
    if not isinstance(value, str):
        return _("请填写文字。")
    text = value.strip()
    if not text:
        return required
    if len(text) > limit:
        return _("最多 %(n)d 个字。") % {"n": limit}
    if has_control(text, line_breaks=line_breaks):
        return _("不能包含控制字符。")
    return ""


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the rules see it."""

    code: str
    kind: str
    text: str
    choices: tuple[str, ...] = ()
    construct: str = ""
    required: bool = True


def question_errors(
    *, kind: Any, text: Any, choices: Any, construct: Any, required: Any = True
) -> tuple[dict[str, str], tuple[str, ...]]:
    """(the errors by field, the cleaned options) of a question as an editor sends it;
    ``choices`` a list of texts or one text with an option per line."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = _("请选择题型：1-10分、单选或文字。")
    if message := text_error(text, required=_("请填写题目。"), limit=QUESTION_TEXT_MAX):
        errors["text"] = message
    options: tuple[str, ...] = ()
    if isinstance(choices, str):
        raw: Sequence[Any] = choices.splitlines()
    elif isinstance(choices, list | tuple):
        raw = choices
    else:
        raw = []
        errors["choices"] = _("选项应为文字，每行一个。")
    if kind == "choice" and "choices" not in errors:
        options, message = _options(raw)
        if message:
            errors["choices"] = message
    elif kind in ("scale", "text") and any(str(o).strip() for o in raw if isinstance(o, str)):
        errors["choices"] = _("只有单选题需要选项。")
    if construct not in ("", None, *CONSTRUCTS):
        errors["construct"] = _("请选择测量变量。")
    elif construct and kind != "scale":
        errors["construct"] = _("只有1-10分题可以计入测量变量。")
    if not isinstance(required, bool):
        errors["required"] = _("请选择是否必答。")
    return errors, options


def _options(raw: Sequence[Any]) -> tuple[tuple[str, ...], str]:
    if any(not isinstance(o, str) for o in raw):
        return (), _("选项应为文字，每行一个。")
    options = tuple(o.strip() for o in raw if o.strip())
    if not CHOICES_MIN <= len(options) <= CHOICES_MAX:
        return (), _("单选题需要 %(low)d 到 %(high)d 个选项，每行一个。") % {"low": CHOICES_MIN, "high": CHOICES_MAX}
    if any(len(o) > CHOICE_TEXT_MAX for o in options):
        return (), _("每个选项最多 %(n)d 个字。") % {"n": CHOICE_TEXT_MAX}
    if any(has_control(o) for o in options):
        return (), _("选项不能包含控制字符。")
    if len(set(options)) != len(options):
        return (), _("选项不能重复。")
    return options, ""


@dataclass(frozen=True)
class CheckedAnswers:
    answers: dict[str, int | str] = field(default_factory=dict)  # question code → answer
    comment: str = ""  # the free-text answers, one per line (what the topics read)
    errors: dict[str, str] = field(default_factory=dict)  # question code → message


def _scale(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 2:
        number = int(value.strip())
    else:
        return None
    return number if SCALE_MIN <= number <= SCALE_MAX else None


def _one(question: QuestionSpec, value: Any) -> tuple[int | str | None, str]:
    """(the answer, or None when left empty; the message when it is wrong)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _("请回答这道题。") if question.required else ""
    if question.kind == "scale":
        number = _scale(value)
        if number is None:
            return None, _("请选择 1 到 10 分。")
        return number, ""
    if question.kind == "choice":
        if not isinstance(value, str) or value.strip() not in question.choices:
            return None, _("请选择列出的选项之一。")
        return value.strip(), ""
    message = text_error(value, required="", limit=ANSWER_TEXT_MAX, line_breaks=True)
    return (None, message) if message else (str(value).strip(), "")


def check_answers(questions: Sequence[QuestionSpec], posted: Mapping[str, Any]) -> CheckedAnswers:
    """The answers to ``questions`` in ``posted`` (question code → value), checked."""
    known = {q.code for q in questions}
    errors: dict[str, str] = {}
    unknown = [key for key in posted if key not in known]
    if unknown:
        errors["__all__"] = _("问卷没有这些题目：%(codes)s") % {"codes": "、".join(sorted(map(str, unknown))[:5])}
    answers: dict[str, int | str] = {}
    comments: list[str] = []
    for question in questions:
        value, message = _one(question, posted.get(question.code))
        if message:
            errors[question.code] = message
        elif value is not None:
            answers[question.code] = value
            if question.kind == "text":
                comments.append(str(value))
    if errors:
        return CheckedAnswers(errors=errors)
    return CheckedAnswers(answers=answers, comment="\n".join(comments))


def satisfaction_score(answers: Mapping[str, Any], codes: Sequence[str]) -> float | None:
    """The mean of a response's 1-10 answers to ``codes`` (its satisfaction questions), None
    when it answered none of them on the scale."""
    values = [float(v) for c in codes if isinstance(v := answers.get(c), int | float) and not isinstance(v, bool)]
    values = [v for v in values if SCALE_MIN <= v <= SCALE_MAX]
    return sum(values) / len(values) if values else None


def standard_deviation(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n − 1), None for fewer than two values."""
    if len(values) < 2:
        return None
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def rate(answered: int, sent: int) -> float | None:
    """The response rate in percent, one decimal (None before anything was sent)."""
    return round(100 * answered / sent, 1) if sent else None


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
