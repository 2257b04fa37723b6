"""The rewards ledger's and the post states' pure rules (ASSESS-1, ASSESS-3): what a proposed
entry must hold, how its points are signed, and which post changes need what. No database."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

POINTS_MAX = 1000  # the most points one entry gives or takes
AMOUNT_LIMIT = Decimal("10000000000")  # the column holds 12 digits, 2 of them after the point
TEXT_MAX = 500
REFERENCE_MAX = 100
CENT = Decimal("0.01")
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_error(text: str) -> str:
    """Why ``text`` is not a month an entry counts for (``2026-11``), or ``""``."""
    found = _PERIOD.match(text or "")
    if found is None or not 2000 <= int(found.group(1)) <= 2100:
        return _("考核月份格式应为 2026-11。")
    return ""


def signed_points(kind: str, magnitude: int) -> int:
    """The stored points: a reward's are positive, a penalty's negative."""
    return -magnitude if kind == "penalty" else magnitude


def points_error(value: Any) -> str:
    """Why ``value`` is not an entry's points (a whole number 0…POINTS_MAX, given without its
    sign: a penalty is negative by its kind), or ``""``."""
    if isinstance(value, bool) or not isinstance(value, int):
        return _("分值应为整数。")
    if value < 0:
        return _("请填写分值的绝对值，处罚自动记为负分。")
    if value > POINTS_MAX:
        return _("分值最多 %(max)s 分。") % {"max": POINTS_MAX}
    return ""


def amount_of(value: Any) -> tuple[Decimal | None, str]:
    """The amount in yuan (``None``: none given) and why it is refused (or ``""``): a number of
    yuan with at most two decimal places, not negative, within the column."""
    if value is None or value == "":
        return None, ""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None, _("金额应为数字，如 200.00。")
    if not amount.is_finite():
        return None, _("金额应为数字，如 200.00。")
    if amount < 0:
        return None, _("金额不能为负数。")
    if amount >= AMOUNT_LIMIT:
        return None, _("金额过大。")
    if amount != amount.quantize(CENT):
        return None, _("金额最多保留两位小数。")
    return amount.quantize(CENT), ""


def text_error(value: str, *, required: str, limit: int = TEXT_MAX) -> str:
    """Why a free text is refused: empty when ``required`` says so (its message), or too long."""
    if required and not value.strip():
        return required
    if len(value) > limit:
        return _("最多 %(max)s 个字。") % {"max": limit}
    return ""
