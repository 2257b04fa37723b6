"""The history of improvement actions (ActionEvent) and the sentence each row shows
(gridcare.core.history); registered when ``gridcare.assessment.events`` is imported."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.assessment.models import ActionEvent, ActionResult, ImprovementAction
from gridcare.assessment.rules.actions import COUNT, FIGURE_KIND, FIGURE_LABELS, RATE, TIME, in_human_units
from gridcare.core.events import Actor, record
from gridcare.core.history import Missing, Sentence, Text, label_of, one_of, register

# The fields an edit names, as the history says them.
FIELD_LABELS = {
    "title": _("措施名称"),
    "description": _("措施内容"),
    "owner": _("责任人"),
    "level": _("对象层级"),
    "subject": _("考核对象"),
    "figure": _("指标"),
    "expected_change": _("预期变化"),
    "started_on": _("开始日期"),
    "due_on": _("完成期限"),
    "window_days": _("对比天数"),
}


def action_event(
    *, action: ImprovementAction, type: ActionEvent.Type, actor: Actor, at: datetime, **parameters: Any
) -> ActionEvent:
    return record(ActionEvent, action=action, type=type, actor=actor, at=at, parameters=parameters)


def _figure(value: Any) -> Text:
    if value not in FIGURE_LABELS:
        raise Missing
    return FIGURE_LABELS[value]


def _fields(value: Any) -> str:
    if not isinstance(value, list) or not value or any(v not in FIELD_LABELS for v in value):
        raise Missing
    return "、".join(str(FIELD_LABELS[v]) for v in value)


A = ActionEvent.Type
register(
    ActionEvent,
    labels=A.choices,
    shows={
        "figure": _figure,
        "fields": _fields,
        "result": label_of(ActionResult),
        "complete": one_of({False: _("（对比期未满，数据齐全后自动重新评估）")}),
        "unit": one_of({RATE: "%", TIME: _(" 分钟"), COUNT: _(" 件/天")}),
    },
    sentences={
        A.CREATED: Sentence(
            _("%(actor)s 创建措施“%(title)s”：%(figure)s 预期变化 %(expected)s"),
            more=(_("，对象：%(subject)s"), _("，%(started)s 至 %(due)s"), _("，前后各对比 %(window)s 天")),
        ),
        A.EDITED: Sentence(_("%(actor)s 修改了%(fields)s")),
        A.EVALUATED: Sentence(
            _("%(actor)s 评估效果：%(result)s"),
            more=(
                _("，%(figure)s 由 %(before)s%(unit)s 变为 %(after)s%(unit)s"),
                _("，p = %(p)s"),
                "%(complete)s",
            ),
        ),
    },
)


def evaluated_parameters(figure: str, before: float | None, after: float | None) -> dict[str, Any]:
    """The before and after values of an evaluation as its sentence shows them: in the figure's
    human units (a rate in percent, minutes, a count per day), one decimal, and the unit's code."""
    kind = FIGURE_KIND[figure]

    def one(value: float | None) -> str | None:
        human = in_human_units(figure, value)
        return None if human is None else f"{human:.1f}"

    return {"before": one(before), "after": one(after), "unit": kind}
