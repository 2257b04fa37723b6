"""The structured facts of a visit (走访), checked before anything is written: pure functions on
plain values (what a form or the API sent), each returning the cleaned facts and one Chinese
message per bad field (``errors``), naming the row that is wrong.

- load composition: a share (percent, one decimal at most) per use, the shares summing to 100;
- critical production steps: a name and how many minutes the step tolerates an interruption;
- own generation: a type and its capacity in kW;
- needs: a category and what the customer asked;
- follow-up tasks: what, who (a staff 工号, resolved by the service) and by when."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LOAD_USES: dict[str, Any] = {
    "production": gettext_lazy("生产"),
    "hvac": gettext_lazy("空调暖通"),
    "lighting": gettext_lazy("照明"),
    "office": gettext_lazy("办公"),
    "other": gettext_lazy("其他"),
}
GENERATION_TYPES: dict[str, Any] = {
    "diesel": gettext_lazy("柴油发电机"),
    "pv": gettext_lazy("光伏"),
    "gas": gettext_lazy("燃气发电"),
    "storage": gettext_lazy("储能"),
    "other": gettext_lazy("其他"),
}
NAME_MAX = 100
TEXT_MAX = 500
FOLLOW_UP_MAX = 300
ROWS_MAX = 20  # rows of any one list
MINUTES_MAX = 7 * 24 * 60  # a week: longer is "any interruption is tolerated"
KW_MAX = Decimal("1000000")
HUNDRED = Decimal(100)


@dataclass
class Checked:
    """What a check found: the clean value and the messages by field."""

    value: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def has_control(text: str) -> bool:
    """A NUL or other control character (but line breaks and tabs) that no column should hold."""
    return any(ord(c) < 32 and c not in "\n\r\t" for c in text)


def clean_text(value: object, *, limit: int) -> tuple[str, str | None]:
    """The stripped text and its problem: "missing", "long", "control" or None."""
    if value is None:
        value = ""
    if not isinstance(value, str | int | float | Decimal):
        return "", "missing"
    text = str(value).strip()
    if not text:
        return "", "missing"
    if len(text) > limit:
        return text, "long"
    if has_control(text):
        return text, "control"
    return text, None


def text_message(what: str, problem: str, limit: int) -> str:
    if problem == "missing":
        return _("请填写%(what)s。") % {"what": what}
    if problem == "long":
        return _("%(what)s不能超过%(n)d个字。") % {"what": what, "n": limit}
    return _("%(what)s含有无效字符。") % {"what": what}


def decimal_of(value: object) -> Decimal | None:
    """A finite decimal from a number or its text, else None (booleans are not numbers)."""
    if isinstance(value, bool) or value is None:
        return None
    if not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def plain_number(number: Decimal) -> str:
    """A decimal as people write it: 40, 12.5 (never 4E+1)."""
    return format(number.normalize(), "f")


def whole_minutes(value: object) -> int | None:
    """Whole minutes from 0 to a week, else None."""
    number = decimal_of(value)
    if number is None or number != number.to_integral_value() or not 0 <= number <= MINUTES_MAX:
        return None
    return int(number)


def rows_of(value: object, label: str, key: str, errors: dict[str, str]) -> list[Mapping[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(r, Mapping) for r in value):
        errors[key] = _("%(what)s格式有误。") % {"what": label}
        return []
    if len(value) > ROWS_MAX:
        errors[key] = _("%(what)s最多%(n)d行。") % {"what": label, "n": ROWS_MAX}
        return []
    return value


def load_composition(value: object) -> Checked:
    """Shares by use summing to 100 (an empty list: not asked at this visit)."""
    out = Checked()
    rows = rows_of(value, _("负荷构成"), "load_composition", out.errors)
    seen: set[str] = set()
    total = Decimal(0)
    for n, row in enumerate(rows, start=1):
        use, share = row.get("use"), decimal_of(row.get("percent"))
        if not isinstance(use, str) or use not in LOAD_USES:
            out.errors["load_composition"] = _("负荷构成第%(n)d行：用途不在可选范围内。") % {"n": n}
            return out
        if use in seen:
            out.errors["load_composition"] = _("负荷构成中“%(use)s”重复填写。") % {"use": LOAD_USES[use]}
            return out
        if share is None or not 0 < share <= HUNDRED or share != share.quantize(Decimal("0.1")):
            out.errors["load_composition"] = _("负荷构成“%(use)s”的占比应为大于0、不超过100的数（最多一位小数）。") % {
                "use": LOAD_USES[use]
            }
            return out
        seen.add(use)
        total += share
        out.value.append({"use": use, "percent": plain_number(share)})
    if rows and total != HUNDRED:
        out.errors["load_composition"] = _("负荷构成各项占比合计应为100%%，现为%(total)s%%。") % {
            "total": plain_number(total)
        }
    return out


def critical_steps(value: object) -> Checked:
    """The production steps and the minutes each tolerates an interruption."""
    out = Checked()
    for n, row in enumerate(rows_of(value, _("关键生产环节"), "critical_steps", out.errors), start=1):
        name, problem = clean_text(row.get("name"), limit=NAME_MAX)
        if problem:
            out.errors["critical_steps"] = _("关键生产环节第%(n)d行：%(why)s") % {
                "n": n,
                "why": text_message(_("环节名称"), problem, NAME_MAX),
            }
            return out
        minutes = whole_minutes(row.get("tolerance_minutes"))
        if minutes is None:
            out.errors["critical_steps"] = _(
                "关键生产环节第%(n)d行（%(name)s）：可承受停电时间应为0至%(max)d之间的整数（分钟）。"
            ) % {"n": n, "name": name, "max": MINUTES_MAX}
            return out
        out.value.append({"name": name, "tolerance_minutes": minutes})
    return out


def kw_of(value: object) -> Decimal | None:
    """A capacity in kW: more than 0, at most a million, two decimals at most."""
    number = decimal_of(value)
    if number is None or not 0 < number <= KW_MAX or number != number.quantize(Decimal("0.01")):
        return None
    return number


def own_generation(value: object) -> Checked:
    """The customer's own sources: a type and its kW."""
    out = Checked()
    for n, row in enumerate(rows_of(value, _("自备电源"), "own_generation", out.errors), start=1):
        kind = row.get("type")
        if not isinstance(kind, str) or kind not in GENERATION_TYPES:
            out.errors["own_generation"] = _("自备电源第%(n)d行：类型不在可选范围内。") % {"n": n}
            return out
        kw = kw_of(row.get("kw"))
        if kw is None:
            out.errors["own_generation"] = _("自备电源第%(n)d行：容量应为大于0的千瓦数（最多两位小数）。") % {"n": n}
            return out
        out.value.append({"type": kind, "kw": plain_number(kw)})
    return out


def needs(value: object, *, categories: Collection[str]) -> Checked:
    """The needs named: a category of ``categories`` and the customer's words."""
    out = Checked()
    for n, row in enumerate(rows_of(value, _("客户需求"), "needs", out.errors), start=1):
        category = row.get("category")
        if not isinstance(category, str) or category not in categories:
            out.errors["needs"] = _("客户需求第%(n)d行：类别不在可选范围内。") % {"n": n}
            return out
        text, problem = clean_text(row.get("text"), limit=TEXT_MAX)
        if problem:
            out.errors["needs"] = _("客户需求第%(n)d行：%(why)s") % {
                "n": n,
                "why": text_message(_("需求内容"), problem, TEXT_MAX),
            }
            return out
        out.value.append({"category": category, "text": text})
    return out


def date_of(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def follow_ups(value: object, *, earliest: date) -> Checked:
    """The tasks a visit leaves: what, whose (a 工号, checked by the service) and a due date
    from ``earliest`` on (the visit's day)."""
    out = Checked()
    for n, row in enumerate(rows_of(value, _("跟进事项"), "follow_ups", out.errors), start=1):
        text, problem = clean_text(row.get("text"), limit=FOLLOW_UP_MAX)
        if problem:
            out.errors["follow_ups"] = _("跟进事项第%(n)d行：%(why)s") % {
                "n": n,
                "why": text_message(_("事项"), problem, FOLLOW_UP_MAX),
            }
            return out
        owner, problem = clean_text(row.get("owner"), limit=20)
        if problem:
            out.errors["follow_ups"] = _("跟进事项第%(n)d行：请选择负责人。") % {"n": n}
            return out
        due = date_of(row.get("due_on"))
        if due is None or due < earliest:
            out.errors["follow_ups"] = _("跟进事项第%(n)d行：完成期限应为走访当天或以后的日期。") % {"n": n}
            return out
        out.value.append({"text": text, "owner": owner, "due_on": due})
    return out
