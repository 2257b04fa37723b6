"""Retraining the triage model from the agents' overrides (issue 18): a candidate that scores no
lower on the held-out set is adopted and suggests from then on; one that scores lower is kept
as a version but not adopted, and the previous model stays. The worker runs it as a job, and
the figures are on the triage page."""

from __future__ import annotations

from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import now
from gridcare.jobs.registry import BY_NAME, Context
from gridcare.workorders import triage, triage_store
from gridcare.workorders.models import TriageModel, TriageOverride, WorkOrder
from gridcare.workorders.services import triage_retrain
from gridcare.workorders.tests.conftest import Clock, take


def _overrides(order: WorkOrder, rows: list[tuple[str, str, str]]) -> None:
    TriageOverride.objects.bulk_create(
        TriageOverride(
            order=order,
            text=text,
            suggested_type="inquiry",
            chosen_type=chosen,
            chosen_class=klass,
            confidence=0.5,
            created_at=now(),
        )
        for text, chosen, klass in rows
    )


PLACES = ["阳光花园", "幸福里", "城东新村", "李家村", "建设路", "滨江苑", "工业园区", "南门", "桃源镇", "学府路"]


def _charger_questions(count: int) -> list[tuple[str, str, str]]:
    """A phrasing the labelled set lacks, which the agents file as inquiries (the model said
    service request): a candidate that learns it does better on its held-out fifth."""
    texts = [f"我想在{p}{i}号小区车位装一个电动汽车充电桩，需要怎么申请报装" for i in range(10) for p in PLACES]
    return [(t, "inquiry", "") for t in texts[:count]]


def _wrong(count: int) -> list[tuple[str, str, str]]:
    """Every fault report of the training templates filed as praise: a candidate that learns it is worse."""
    faults = [e for e in triage.load_examples() if e.type == "fault" and triage.fold_of(e) != triage.HOLD_OUT_FOLD]
    return [(e.text, "praise", "") for e in faults[:count]]


def test_a_candidate_no_worse_is_adopted_and_a_worse_one_is_not(town: City, clock: Clock) -> None:
    order = take(town.agent)
    assert triage_retrain() is None  # fewer overrides than the setting asks
    _overrides(order, _charger_questions(40))
    first = triage_retrain()
    assert first is not None
    assert (first.version, first.adopted, first.previous_version, first.overrides) == (1, True, None, 40)
    assert first.candidate_accuracy >= first.current_accuracy
    assert triage_retrain() is None  # no override since
    wrong = _wrong(200)
    _overrides(order, wrong)
    second = triage_retrain()
    assert second is not None
    assert (second.version, second.adopted, second.previous_version, second.overrides) == (2, False, 1, 40 + len(wrong))
    assert second.candidate_accuracy < second.current_accuracy
    active = triage_store.active()
    assert active is not None
    assert triage_store.dumps(active) == bytes(TriageModel.objects.get(version=1).blob)
    assert triage_store.suggest("家里突然停电了，整栋楼都没电").type == "fault"


def test_the_job_retrains_and_the_figures_are_shown(town: City, clock: Clock) -> None:
    order = take(town.agent)
    _overrides(order, _charger_questions(30))
    result = BY_NAME["retrain_triage"].work(Context(once=True))
    assert result.counts == {"trained": 1, "adopted": 1, "overrides": 30}
    made = TriageModel.objects.get()
    page = signed_in(town.supervisor).get("/workorders/triage/").content.decode()
    assert f"{made.candidate_accuracy:.3f}" in page and f"{made.current_accuracy:.3f}" in page
    assert "已采用" in page
    assert signed_in(town.clerk).get("/workorders/triage/").status_code == 403
    listed = api_client(town.supervisor).get("/api/v1/workorders/triage/models").json()
    assert [(v["version"], v["adopted"], v["overrides"]) for v in listed] == [(1, True, 30)]
