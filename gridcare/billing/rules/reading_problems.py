"""What a held reading's problem is, said as a clerk reads it (issue 13, convention 4): the
exception's kind and the figures the import or the interval summation stored with it
(``ReadingException.detail``) become one sentence; never field names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

SENTENCES: dict[str, Any] = {
    "negative": lambda: _("本次示数 %(register)s 小于上次示数 %(previous)s"),
    "rollover": lambda: _("示数由 %(previous)s 回到 %(register)s：电能表可能已满量程翻转"),
    "spike": lambda: _("本月电量 %(kwh)s 千瓦时，远高于近期月均 %(average)s 千瓦时"),
    "gap": lambda: _("负荷曲线缺 %(missing)s 个 %(step_minutes)s 分钟时段"),
    "overlap": lambda: _("负荷曲线有 %(count)s 个时段重复：%(starts)s"),
    "split": lambda: _("峰电量 %(peak)s 加谷电量 %(valley)s 超过总电量 %(kwh)s 千瓦时"),
}


def problem_text(kind: str, detail: Mapping[str, Any], label: str) -> str:
    """The sentence of a ``kind`` of problem with its ``detail``; ``label`` (the kind's name)
    when the kind or one of its figures is not there."""
    sentence = SENTENCES.get(kind)
    if sentence is None:
        return label
    try:
        return str(sentence() % {k: str(v) for k, v in detail.items()})
    except (KeyError, TypeError, ValueError):
        return label
