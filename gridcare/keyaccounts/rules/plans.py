"""An emergency supply plan's (应急方案) contents, checked before a version is written: pure
functions on what a form or the API sent, with one Chinese message per bad field.

- critical loads: a name, kW and the minutes each tolerates an interruption;
- backup sources: a type, kW and the minutes it takes to start;
- contacts: a name, a role and a phone;
- switching steps: the steps in order, one line each."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.keyaccounts.rules.facts import (
    NAME_MAX,
    Checked,
    clean_text,
    kw_of,
    plain_number,
    rows_of,
    text_message,
    whole_minutes,
)

BACKUP_TYPES: dict[str, Any] = {
    "diesel": gettext_lazy("柴油发电机"),
    "ups": gettext_lazy("不间断电源（UPS）"),
    "second_supply": gettext_lazy("第二路电源"),
    "storage": gettext_lazy("储能"),
    "other": gettext_lazy("其他"),
}
ROLE_MAX = 50
STEP_MAX = 200
NOTE_MAX = 500
PHONE = re.compile(r"^[0-9+\-() ]{5,20}$")


def critical_loads(value: object) -> Checked:
    out = Checked()
    for n, row in enumerate(rows_of(value, _("重要负荷"), "critical_loads", out.errors), start=1):
        name, problem = clean_text(row.get("name"), limit=NAME_MAX)
        if problem:
            out.errors["critical_loads"] = _("重要负荷第%(n)d行：%(why)s") % {
                "n": n,
                "why": text_message(_("负荷名称"), problem, NAME_MAX),
            }
            return out
        kw = kw_of(row.get("kw"))
        if kw is None:
            out.errors["critical_loads"] = _(
                "重要负荷第%(n)d行（%(name)s）：容量应为大于0的千瓦数（最多两位小数）。"
            ) % {
                "n": n,
                "name": name,
            }
            return out
        minutes = whole_minutes(row.get("tolerance_minutes"))
        if minutes is None:
            out.errors["critical_loads"] = _(
                "重要负荷第%(n)d行（%(name)s）：允许停电时间应为不小于0的整数（分钟）。"
            ) % {
                "n": n,
                "name": name,
            }
            return out
        out.value.append({"name": name, "kw": plain_number(kw), "tolerance_minutes": minutes})
    if not out.value and not out.errors:
        out.errors["critical_loads"] = _("请至少填写一项重要负荷。")
    return out


def backup_sources(value: object) -> Checked:
    out = Checked()
    for n, row in enumerate(rows_of(value, _("备用电源"), "backup_sources", out.errors), start=1):
        kind = row.get("type")
        if not isinstance(kind, str) or kind not in BACKUP_TYPES:
            out.errors["backup_sources"] = _("备用电源第%(n)d行：类型不在可选范围内。") % {"n": n}
            return out
        kw = kw_of(row.get("kw"))
        if kw is None:
            out.errors["backup_sources"] = _("备用电源第%(n)d行：容量应为大于0的千瓦数（最多两位小数）。") % {"n": n}
            return out
        minutes = whole_minutes(row.get("start_minutes"))
        if minutes is None:
            out.errors["backup_sources"] = _("备用电源第%(n)d行：启动时间应为不小于0的整数（分钟）。") % {"n": n}
            return out
        out.value.append({"type": kind, "kw": plain_number(kw), "start_minutes": minutes})
    return out


def contacts(value: object) -> Checked:
    out = Checked()
    for n, row in enumerate(rows_of(value, _("联系人"), "contacts", out.errors), start=1):
        name, problem = clean_text(row.get("name"), limit=ROLE_MAX)
        role, role_problem = clean_text(row.get("role"), limit=ROLE_MAX)
        phone, phone_problem = clean_text(row.get("phone"), limit=20)
        if problem:
            why = text_message(_("姓名"), problem, ROLE_MAX)
        elif role_problem:
            why = text_message(_("职务"), role_problem, ROLE_MAX)
        elif phone_problem or not PHONE.match(phone):
            why = _("电话应为5至20位数字。")
        else:
            out.value.append({"name": name, "role": role, "phone": phone})
            continue
        out.errors["contacts"] = _("联系人第%(n)d行：%(why)s") % {"n": n, "why": why}
        return out
    if not out.value and not out.errors:
        out.errors["contacts"] = _("请至少填写一位联系人。")
    return out


def switching_steps(value: object) -> Checked:
    """The steps in order (a list of lines; blank lines dropped)."""
    out = Checked()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list) or len(value) > 50:
        out.errors["switching_steps"] = _("倒闸操作步骤格式有误（最多50步）。")
        return out
    steps: list[Any] = []
    for n, raw in enumerate((v for v in value if str(v or "").strip()), start=1):
        step, problem = clean_text(raw, limit=STEP_MAX)
        if problem:
            out.errors["switching_steps"] = _("倒闸操作第%(n)d步：%(why)s") % {
                "n": n,
                "why": text_message(_("步骤"), problem, STEP_MAX),
            }
            return out
        steps.append(step)
    out.value = steps
    return out


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_contents(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The four lists of a plan checked together: (clean values, messages by field)."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in (
        ("critical_loads", critical_loads),
        ("backup_sources", backup_sources),
        ("contacts", contacts),
        ("switching_steps", switching_steps),
    ):
        checked = check(data.get(name))
        clean[name] = checked.value
        errors.update(checked.errors)
    return clean, errors
