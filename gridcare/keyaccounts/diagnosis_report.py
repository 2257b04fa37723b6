"""What the diagnosis page and its PDF say (KEY-3): the rules' ``Diagnosis`` turned into sentences,
tables and chart data, and nothing computed beside it (shares of the split and Beijing times are
only how its numbers are shown). The page (``loads_views.diagnosis``) and the PDF
(``diagnosis_pdf``) both print these, so they show the same numbers as the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.customers.models import Account
from gridcare.keyaccounts.rules.diagnosis import Anomaly, Diagnosis

Row = list[str]


def band_label(kind: str) -> str:
    return {"peak": _("峰段"), "flat": _("平段"), "valley": _("谷段")}[kind]


def kw(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def kwh(value: float | Decimal) -> str:
    return f"{Decimal(repr(value)) if isinstance(value, float) else value:,.2f}"


def yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def percent(value: Decimal) -> str:
    """A share as typed: 10, 12.5 (never 1E+1)."""
    return f"{value.normalize():f}"


def local(value: datetime | str | None) -> str:
    """A UTC moment as Beijing time, to the minute."""
    if value is None or value == "":
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def anomaly_sentence(a: Anomaly) -> str:
    p = a.parameters
    if a.kind == "base_load_jump":
        return _("%(day)s 起基础负荷升至 %(kw)s kW，此前一周约为 %(before)s kW，请核实是否新增了常开设备。") % p
    if a.kind == "weekend_night_load":
        return (
            _(
                "周末夜间平均负荷 %(night_kw)s kW，为工作日白天平均负荷 %(day_kw)s kW 的 %(percent)s%%，可检查停产时未关闭的设备。"
            )
            % p
        )
    if a.kind == "demand_near_capacity":
        return _(
            "有 %(count)s 个时段的视在功率超过合同容量的警戒值 %(limit_kva)s kVA，最高 %(top_kva)s kVA，首次在 %(first)s。"
        ) % {**p, "first": local(p.get("first"))}
    if a.kind == "data_gap":
        return _("%(first)s 至 %(last)s 缺少 %(count)s 个时段的数据。") % {
            **p,
            "first": local(p.get("first")),
            "last": local(p.get("last")),
        }
    return _("发现一项异常。")


def cheaper_sentence(d: Diagnosis) -> str:
    b = d.basic
    if not b.months:
        return _("近12个月没有负荷数据，无法比较基本电费的计收方式。")
    if not b.cheaper:
        return _("近 %(n)s 个月按容量与按需量计收的基本电费相同。") % {"n": len(b.months)}
    name = _("按容量计收") if b.cheaper == "capacity" else _("按需量计收")
    return _("近 %(n)s 个月%(name)s更省，少 %(diff)s 元。") % {
        "n": len(b.months),
        "name": name,
        "diff": yuan(b.difference),
    }


def pf_sentence(d: Diagnosis) -> str:
    if d.power_factor is None:
        return _("本期数据没有无功功率，无法计算功率因数。")
    if d.pf_adjustment_percent is None or d.pf_adjustment is None:
        return _("本期功率因数 %(pf)s，该户不执行功率因数调整电费。") % {"pf": d.power_factor}
    if d.pf_adjustment_percent > 0:
        return _("本期功率因数 %(pf)s，低于考核标准，电费增收 %(p)s%%，约 %(y)s 元；建议加装或检修无功补偿装置。") % {
            "pf": d.power_factor,
            "p": d.pf_adjustment_percent,
            "y": yuan(d.pf_adjustment),
        }
    if d.pf_adjustment_percent < 0:
        return _("本期功率因数 %(pf)s，高于考核标准，电费减收 %(p)s%%，约 %(y)s 元。") % {
            "pf": d.power_factor,
            "p": -d.pf_adjustment_percent,
            "y": yuan(-d.pf_adjustment),
        }
    return _("本期功率因数 %(pf)s，达到考核标准，电费不调整。") % {"pf": d.power_factor}


def summary(d: Diagnosis) -> list[str]:
    """The diagnosis in sentences, as the page and the PDF open with them."""
    p = d.profile
    lines = [
        _(
            "%(first)s 至 %(last)s 共用电 %(kwh)s kWh，最大需量 %(max)s kW（%(at)s），平均负荷 %(mean)s kW，基础负荷 %(min)s kW，负荷率 %(lf)s%%。"
        )
        % {
            "first": d.first.isoformat(),
            "last": d.last.isoformat(),
            "kwh": kwh(p.energy_kwh),
            "max": kw(p.max_kw),
            "at": local(d.peak_at),
            "mean": kw(p.mean_kw),
            "min": kw(p.min_kw),
            "lf": f"{p.load_factor * 100:.1f}",
        },
        _("电度电费约 %(charge)s 元；若把峰段用电的 %(share)s%% 移到谷段，可节省约 %(saving)s 元。")
        % {"charge": yuan(d.energy_charge), "share": percent(d.shift_percent), "saving": yuan(d.shift_saving)},
        pf_sentence(d),
        cheaper_sentence(d),
    ]
    if d.readings < d.expected:
        lines.append(
            _("本期应有 %(expected)s 个时段的数据，实有 %(readings)s 个。")
            % {"expected": d.expected, "readings": d.readings}
        )
    return lines


def figure_rows(d: Diagnosis) -> list[Row]:
    p = d.profile
    return [
        [_("用电量（kWh）"), kwh(p.energy_kwh)],
        [_("最大需量（kW）"), kw(p.max_kw)],
        [_("最大需量出现时间"), local(d.peak_at)],
        [_("平均负荷（kW）"), kw(p.mean_kw)],
        [_("基础负荷（kW）"), kw(p.min_kw)],
        [_("负荷率"), f"{p.load_factor * 100:.1f}%"],
        [_("数据间隔（分钟）"), str(d.interval_minutes)],
        [_("实有/应有时段"), f"{d.readings}/{d.expected}"],
    ]


def split_rows(d: Diagnosis) -> list[Row]:
    total = sum(d.split.values(), Decimal(0))
    rows = []
    for kind in ("peak", "flat", "valley"):
        share = f"{d.split[kind] * 100 / total:.1f}%" if total else "—"
        rows.append([band_label(kind), kwh(d.split[kind]), share])
    rows.append([_("合计"), kwh(total), "100.0%" if total else "—"])
    return rows


def money_rows(d: Diagnosis) -> list[Row]:
    rows = [
        [_("电度电费（元）"), yuan(d.energy_charge)],
        [_("峰移谷比例"), f"{percent(d.shift_percent)}%"],
        [_("峰移谷可节省（元）"), yuan(d.shift_saving)],
        [_("无功电量（kvarh）"), kwh(d.kvarh) if d.kvarh is not None else "—"],
        [_("功率因数"), str(d.power_factor) if d.power_factor is not None else "—"],
        [
            _("功率因数调整（%）"),
            f"{d.pf_adjustment_percent:+}" if d.pf_adjustment_percent is not None else "—",
        ],
        [_("功率因数调整电费（元）"), yuan(d.pf_adjustment)],
    ]
    return rows


def basic_rows(d: Diagnosis) -> list[Row]:
    return [[month, kw(top), yuan(charge)] for month, top, charge in d.basic.demand_by_month]


def basic_totals(d: Diagnosis) -> list[Row]:
    b = d.basic
    cheaper = {"capacity": _("按容量计收"), "demand": _("按需量计收")}.get(b.cheaper, _("相同"))
    return [
        [_("按容量计收（元）"), yuan(b.capacity_total)],
        [_("按需量计收（元）"), yuan(b.demand_total)],
        [_("更省的方式"), str(cheaper)],
        [_("相差（元）"), yuan(b.difference)],
    ]


def profile_rows(d: Diagnosis) -> list[Row]:
    return [[f"{h:02d}:00", kw(d.weekday_hours[h]), kw(d.weekend_hours[h])] for h in range(24)]


@dataclass(frozen=True)
class Report:
    """Everything the page and the PDF show of one diagnosis."""

    account: Account
    diagnosis: Diagnosis
    summary: list[str]
    anomalies: list[str]
    figures: list[Row]
    split: list[Row]
    money: list[Row]
    basic: list[Row]
    basic_totals: list[Row]
    profiles: list[Row]


def report(account: Account, d: Diagnosis) -> Report:
    return Report(
        account=account,
        diagnosis=d,
        summary=summary(d),
        anomalies=[anomaly_sentence(a) for a in d.anomalies],
        figures=figure_rows(d),
        split=split_rows(d),
        money=money_rows(d),
        basic=basic_rows(d),
        basic_totals=basic_totals(d),
        profiles=profile_rows(d),
    )


def heat_rows(d: Diagnosis) -> list[tuple[Any, Row]]:
    """The load curve's readings as the table under the curve and the heat map: a row per day,
    a column per time of day."""
    return [(day, [kw(v) for v in line]) for day, line in zip(d.heat.days, d.heat.values, strict=True)]


def chart_data(d: Diagnosis) -> dict[str, Any]:
    """The charts' data for the page's script (json_script): the same numbers as the tables."""
    heat = d.heat
    return {
        "labels": {
            "kw": _("负荷（kW）"),
            "weekday": _("工作日"),
            "weekend": _("周末"),
            "kwh": _("用电量（kWh）"),
        },
        "curve": [
            [f"{day.isoformat()} {slot}", value]
            for day, line in zip(heat.days, heat.values, strict=True)
            for slot, value in zip(heat.slots, line, strict=True)
        ],
        "days": [day.isoformat() for day in heat.days],
        "slots": heat.slots,
        "heat": [
            [col, row, value]
            for row, line in enumerate(heat.values)
            for col, value in enumerate(line)
            if value is not None
        ],
        "max_kw": d.profile.max_kw,
        "hours": [f"{h:02d}:00" for h in range(24)],
        "weekday": d.weekday_hours,
        "weekend": d.weekend_hours,
        "bands": [band_label(k) for k in ("peak", "flat", "valley")],
        "split": [float(d.split[k]) for k in ("peak", "flat", "valley")],
    }


def finding_detail(kind: str, detail: dict[str, Any]) -> str:
    """A worklist finding's figures as a sentence (the nightly check's, ``rules.remote``)."""
    p = {k: str(v) for k, v in (detail or {}).items()}
    try:
        if kind == "overload":
            return _("当日最大视在功率 %(max_kva)s kVA，超过合同容量 %(contract_kva)s kVA。") % p
        if kind == "low_power_factor":
            return _("当日功率因数 %(pf)s，低于考核标准 %(standard)s。") % p
        if kind == "usage_deviation":
            return (
                _(
                    "当日用电 %(kwh)s kWh，前几周同一天通常约 %(usual)s kWh（偏离 %(z)s 个标准差），可能是计量故障或窃电。"
                )
                % p
            )
        if kind == "missing_data":
            return _("当日缺少 %(missing)s%% 的数据（实有 %(readings)s 个时段）。") % p
        if kind in ("base_load_jump", "weekend_night_load"):
            return anomaly_sentence(Anomaly(kind, p))
    except KeyError:
        pass
    return _("详见该户的能效诊断。")
