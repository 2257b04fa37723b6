"""An improvement action's effect (issue 14, ASSESS-5) on constructed before/after roll-ups: the
figure in the window before the start against the window after the due date, a two-proportion
test for a rate, a rank test for times (every ticket's time) and for daily counts; effective,
not shown or worse. Evaluating again on the same data writes nothing; the worker's job evaluates
what is due once."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

import pytest
from django.utils import timezone
from scipy import stats

from gridcare.assessment.models import ActionEvent, ImprovementAction
from gridcare.assessment.services.actions import action_evaluate, actions_evaluate_due
from gridcare.assessment.tests.actions_helpers import AFTER, BEFORE, DUE, NOW, create, order_days, rolled, service_days
from gridcare.core.exceptions import Conflict
from gridcare.core.history import history_lines
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock(NOW)
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


def _z(s1: int, n1: int, s2: int, n2: int) -> float:
    pooled = (s1 + s2) / (n1 + n2)
    return (s2 / n2 - s1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def _six(value: float) -> float:
    return float(f"{value:.6g}")


def _evaluate(town: City, action: ImprovementAction) -> ImprovementAction:
    done = action_evaluate(scope=scope_for(town.manager), actor=town.manager, action_id=action.pk)
    return done.action


def test_a_satisfaction_rate_that_clearly_rose_is_effective(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)  # 420 of 600: 70 %
    service_days(town, AFTER, evaluated=20, satisfied=19)  # 570 of 600: 95 %
    rolled(AFTER[1])
    action = _evaluate(town, create(town, expected="5"))
    e = action.evaluation
    assert action.result == "effective"
    assert e["test"] == "two_proportion"
    assert e["before"] == {"start": "2026-09-01", "end": "2026-09-30", "value": 0.7, "n": 600}
    assert e["after"] == {"start": "2026-11-01", "end": "2026-11-30", "value": 0.95, "n": 600}
    assert e["statistic"] == _six(_z(420, 600, 570, 600))
    assert e["p_value"] == _six(math.erfc(abs(_z(420, 600, 570, 600)) / math.sqrt(2)))
    assert (e["difference"], e["reached"], e["complete"], e["verdict"]) == (25.0, True, True, "effective")


def test_an_unchanged_rate_is_not_shown(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=14)
    rolled(AFTER[1])
    action = _evaluate(town, create(town))
    assert action.result == "not_shown"
    assert (action.evaluation["statistic"], action.evaluation["p_value"], action.evaluation["reached"]) == (
        0.0,
        1.0,
        False,
    )


def test_a_rate_that_fell_against_the_aim_is_worse(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=19)
    service_days(town, AFTER, evaluated=20, satisfied=14)
    rolled(AFTER[1])
    action = _evaluate(town, create(town))
    assert action.result == "worse"
    assert action.evaluation["difference"] == -25.0
    assert action.evaluation["statistic"] == _six(_z(570, 600, 420, 600))


def test_waiting_times_compare_every_tickets_time_by_rank(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, waits=[10, 20, 30])
    service_days(town, AFTER, waits=[5, 8, 10])
    rolled(AFTER[1])
    action = _evaluate(town, create(town, figure="wait_mean", expected="-5"))
    e = action.evaluation
    reference = stats.mannwhitneyu([5, 8, 10] * 30, [10, 20, 30] * 30, alternative="two-sided")
    assert action.result == "effective"
    assert (e["test"], e["compared"], e["before"]["n"], e["after"]["n"]) == ("mann_whitney", [20.0, 8.0], 90, 90)
    assert (e["before"]["value"], e["after"]["value"]) == (20.0, _six(23 / 3))
    assert (e["statistic"], e["p_value"]) == (_six(float(reference.statistic)), _six(float(reference.pvalue)))
    assert e["reached"] is True  # 20 → 7.7 minutes: more than the 5 expected


def test_longer_waits_after_an_action_are_worse(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, waits=[5, 8, 10])
    service_days(town, AFTER, waits=[10, 20, 30])
    rolled(AFTER[1])
    assert _evaluate(town, create(town, figure="wait_p90", expected="-5")).result == "worse"


def test_complaints_found_true_compare_day_by_day(town: City, clock: Clock) -> None:
    order_days(town, BEFORE, [2, 1, 3])
    order_days(town, AFTER, [0, 0, 1])
    rolled(AFTER[1])
    clerk = town.clerk.staff.employee_no
    action = _evaluate(town, create(town, figure="verified", level="person", subject=clerk, expected="-1"))
    e = action.evaluation
    reference = stats.mannwhitneyu([0, 0, 1] * 10, [2, 1, 3] * 10, alternative="two-sided")
    assert action.result == "effective"
    assert (e["before"]["value"], e["after"]["value"], e["before"]["n"], e["after"]["n"]) == (2.0, _six(1 / 3), 30, 30)
    assert e["p_value"] == _six(float(reference.pvalue))


def test_no_data_before_the_start_is_not_shown_and_says_so(town: City, clock: Clock) -> None:
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    action = _evaluate(town, create(town))
    assert (action.result, action.evaluation["no_data"], action.evaluation["test"]) == ("not_shown", "before", "")


def test_evaluating_again_on_the_same_data_writes_nothing(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    action = create(town)
    first = _evaluate(town, action)
    again = action_evaluate(scope=scope_for(town.supervisor), actor=town.supervisor, action_id=action.pk)
    assert again.changed is False
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.result, stored.evaluation, stored.evaluated_at) == (
        first.result,
        first.evaluation,
        first.evaluated_at,
    )
    assert list(ActionEvent.objects.filter(action=action).values_list("type", flat=True)) == ["created", "evaluated"]
    assert actions_evaluate_due().evaluated == 0  # the whole window is evaluated already


def test_the_job_evaluates_each_due_action_once(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    action = create(town)
    rolled(AFTER[1].replace(day=29))  # the after-window is not all rolled up yet: nothing to do
    assert (actions_evaluate_due().evaluated, ImprovementAction.objects.get(pk=action.pk).result) == (0, "")
    rolled(AFTER[1])
    assert actions_evaluate_due().evaluated == 1
    assert actions_evaluate_due().evaluated == 0
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.result, stored.evaluation["complete"]) == ("effective", True)
    events = ActionEvent.objects.filter(action=action, type="evaluated")
    assert [(e.actor_id, e.parameters["result"]) for e in events] == [(None, "effective")]
    line = history_lines(events)[0]
    assert (line.who, line.sentence) == ("系统", "系统 评估效果：有效，满意率 由 70.0% 变为 95.0%，p = 0.0000")


def test_an_early_evaluation_is_completed_by_the_job_when_the_window_is_in(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    clock.at = datetime(2026, 11, 15, 10, 0, tzinfo=SHANGHAI)
    rolled(AFTER[0].replace(day=14))
    action = _evaluate(town, create(town))
    assert (action.evaluation["after"]["end"], action.evaluation["after"]["n"], action.evaluation["complete"]) == (
        "2026-11-14",
        280,
        False,
    )
    clock.at = NOW
    rolled(AFTER[1])
    assert actions_evaluate_due().evaluated == 1
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.evaluation["after"]["end"], stored.evaluation["after"]["n"]) == ("2026-11-30", 600)
    sentences = [line.sentence for line in history_lines(ActionEvent.objects.filter(action=action, type="evaluated"))]
    assert sentences == [
        "manager 评估效果：有效，满意率 由 70.0% 变为 95.0%，p = 0.0000（对比期未满，数据齐全后自动重新评估）",
        "系统 评估效果：有效，满意率 由 70.0% 变为 95.0%，p = 0.0000",
    ]


def test_before_the_due_date_or_its_data_evaluation_is_refused_and_nothing_changes(town: City, clock: Clock) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    action = create(town)
    clock.at = datetime(2026, 10, 31, 18, 0, tzinfo=SHANGHAI)  # the due date itself
    with pytest.raises(Conflict, match="完成期限（2026-10-31）过后才能评估效果"):
        _evaluate(town, action)
    clock.at = datetime(2026, 11, 1, 9, 0, tzinfo=SHANGHAI)
    rolled(DUE)  # rolled up only to the due date
    with pytest.raises(Conflict, match="完成期限后的数据尚未汇总"):
        _evaluate(town, action)
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.result, stored.evaluation, stored.evaluated_at) == ("", {}, None)
    assert ActionEvent.objects.filter(action=action).count() == 1
