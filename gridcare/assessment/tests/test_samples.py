"""Survey samples and social supervisors (issue 14, ASSESS-4): stratified by supply unit ×
customer class, proportional allocation in exact counts, the same inputs and seed give the same
members, opted-out, unreachable and recently surveyed customers are left out, Neyman needs the
spread of recent answers, bad input writes nothing; a supervisors' sample invites its members
as social supervisors, whose state changes with a history."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from gridcare.assessment.models import (
    Sample,
    SampleMember,
    SocialSupervisor,
    SupervisorEvent,
    SurveyInvite,
    SurveyResponse,
)
from gridcare.assessment.services.samples import supervisor_set_state
from gridcare.assessment.tests.surveys_helpers import accounts, drawn, published, strata
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City
from gridcare.core.timezone import now
from gridcare.customers.models import Contact, CustomerClass
from gridcare.org.access import scope_for

PROPORTIONAL = {"U1/commercial": 6, "U1/residential": 12, "U2/residential": 2}


def _members(sample: Sample) -> list[int]:
    return sorted(SampleMember.objects.filter(sample=sample).values_list("account_id", flat=True))


def _per_stratum(sample: Sample) -> dict[str, int]:
    return dict(Counter(SampleMember.objects.filter(sample=sample).values_list("stratum", flat=True)))


def test_a_company_sample_is_proportional_in_exact_counts_per_stratum(town: City) -> None:
    strata(town)
    sample = drawn(town.admin, size=20)
    # 20 of 100: 30 → 6, 60 → 12, 10 → 2, no remainders; the other company's account is not drawn from.
    assert sample.population == {"U1/commercial": 30, "U1/residential": 60, "U2/residential": 10}
    assert sample.allocation == PROPORTIONAL
    assert _per_stratum(sample) == PROPORTIONAL
    assert town.foreign_account.pk not in _members(sample)
    assert (sample.seed, sample.size, sample.unit, sample.company_id) == (42, 20, None, town.company.pk)


def test_largest_remainders_round_a_proportional_sample(town: City) -> None:
    strata(town)
    sample = drawn(town.admin, size=7)
    # 7 of 100: ideal 2.1, 4.2, 0.7 → floors 2, 4, 0; U2 is raised to its one member.
    assert sample.allocation == {"U1/commercial": 2, "U1/residential": 4, "U2/residential": 1}
    assert _per_stratum(sample) == sample.allocation


def test_the_same_inputs_and_seed_give_the_same_members(town: City) -> None:
    strata(town)
    first = drawn(town.admin, size=20, seed=7, purpose="supervisors")
    again = drawn(town.admin, size=20, seed=7, purpose="supervisors")
    other = drawn(town.admin, size=20, seed=8, purpose="supervisors")
    assert _members(first) == _members(again)
    assert len(_members(first)) == 20
    assert _members(first) != _members(other)


def test_a_seed_left_empty_is_drawn_and_kept(town: City) -> None:
    strata(town)
    sample = drawn(town.admin, size=5, seed="")
    again = drawn(town.admin, size=5, seed=sample.seed, purpose="supervisors")
    assert 0 <= sample.seed < 2**32
    assert sample.allocation == again.allocation


def test_a_supervisor_draws_from_their_own_unit_only(town: City) -> None:
    strata(town)
    sample = drawn(town.supervisor, unit="U1", size=9)
    assert sample.population == {"U1/commercial": 30, "U1/residential": 60}
    assert sample.allocation == {"U1/commercial": 3, "U1/residential": 6}
    for unit in ("U2", ""):  # another unit, the whole company
        with pytest.raises(InvalidInput) as refused:
            drawn(town.supervisor, unit=unit, size=5)
        assert set(refused.value.errors) == {"unit"}
    assert Sample.objects.count() == 1


def test_opted_out_unreachable_and_recently_surveyed_customers_are_left_out(town: City) -> None:
    strata(town)
    opted = accounts(town.other_unit, 2)
    Contact.objects.filter(customer__accounts__in=opted).update(opted_out=True)
    accounts(town.other_unit, 3, phone=False)
    earlier = drawn(town.admin, unit="U2", size=4)
    sample = drawn(town.admin, unit="U2", size=6)
    assert (earlier.excluded_opted_out, earlier.excluded_no_phone, earlier.excluded_recent) == (2, 3, 0)
    assert (sample.excluded_opted_out, sample.excluded_no_phone, sample.excluded_recent) == (2, 3, 4)
    assert sample.population == {"U2/residential": 6}
    assert not set(_members(sample)) & set(_members(earlier))
    # Seven months later the first sample's members may be drawn again.
    Sample.objects.filter(pk=earlier.pk).update(created_at=now() - timedelta(days=7 * 31))
    later = drawn(town.admin, unit="U2", size=4)
    assert later.excluded_recent == 6  # only the second sample's members rest now
    assert set(_members(later)) == set(_members(earlier))


def test_neyman_is_refused_without_recent_answers_in_every_stratum(town: City) -> None:
    strata(town)
    with pytest.raises(InvalidInput) as refused:
        drawn(town.admin, size=20, method="neyman")
    assert set(refused.value.errors) == {"method"}
    assert "城区供电所 · 居民" in refused.value.errors["method"]
    assert Sample.objects.count() == 0


def _answered(town: City, account_ids: list[int], scores: list[int]) -> None:
    q = published(town.admin, title=f"近期调查{len(account_ids)}")
    for i, (account_id, score) in enumerate(zip(account_ids, scores, strict=True)):
        invite = SurveyInvite.objects.create(
            questionnaire=q,
            account_id=account_id,
            channel="sms",
            token_hash=f"{q.pk:08d}{i:056d}",
            created_at=now() - timedelta(days=30),
            expires_at=now() - timedelta(days=16),
            answered_at=now() - timedelta(days=29),
        )
        SurveyResponse.objects.create(
            invite=invite, questionnaire=q, answered_at=invite.answered_at, answers={"q1": score, "q2": "营业厅"}
        )


def test_neyman_weighs_each_stratum_by_the_spread_of_its_recent_satisfaction(town: City) -> None:
    strata(town)
    residential = accounts(town.unit, 2)
    commercial = accounts(town.unit, 2, CustomerClass.COMMERCIAL)
    rural = accounts(town.other_unit, 2)
    # S: U1 居民 sd(4, 6) = √2, U1 工商业 sd(2, 8) = 3√2, U2 居民 sd(5, 7) = √2.
    _answered(town, [a.pk for a in residential + commercial + rural], [4, 6, 2, 8, 5, 7])
    sample = drawn(town.admin, size=20, method="neyman")
    # N·S: 62√2, 32·3√2 = 96√2, 12√2 (the answering accounts are in the strata too): 20·62/170 =
    # 7.29, 20·96/170 = 11.29, 20·12/170 = 1.41 → floors 7, 11, 1; the one left to U2 (.41 > .29).
    assert sample.population == {"U1/commercial": 32, "U1/residential": 62, "U2/residential": 12}
    assert sample.allocation == {"U1/commercial": 11, "U1/residential": 7, "U2/residential": 2}
    assert _per_stratum(sample) == sample.allocation


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"size": 0}, "size"),
        ({"size": "十"}, "size"),
        ({"size": 101}, "size"),
        ({"size": 10**9}, "size"),
        ({"method": "random"}, "method"),
        ({"purpose": "lottery"}, "purpose"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**40}, "seed"),
        ({"unit": "NOSUCH"}, "unit"),
        ({"unit": "X1"}, "unit"),  # the other company's unit
        ({"unit": "U1\x00"}, "unit"),
        ({"name": "抽样\x00"}, "name"),
        ({"name": "名" * 201}, "name"),
        ({"questionnaire": 999999}, "questionnaire"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_writes_nothing(
    town: City, fields: dict[str, object], field: str
) -> None:
    strata(town)
    with pytest.raises(InvalidInput) as refused:
        drawn(town.supervisor if fields.get("unit") == "X1" else town.admin, **{"unit": "", **fields})
    assert field in refused.value.errors
    assert (Sample.objects.count(), SampleMember.objects.count()) == (0, 0)


@pytest.mark.parametrize("persona", ["clerk", "manager", "agent", "planner", "outsider", "foreign_clerk"])
def test_posts_without_survey_manage_draw_nothing(town: City, persona: str) -> None:
    strata(town)
    with pytest.raises(Forbidden):
        drawn(town.users[persona], unit="U1", size=5)
    assert Sample.objects.count() == 0


def test_a_supervisors_sample_invites_its_members_as_social_supervisors(town: City) -> None:
    strata(town)
    sample = drawn(town.supervisor, unit="U1", size=6, purpose="supervisors")
    supervisors = SocialSupervisor.objects.filter(sample=sample)
    assert sorted(supervisors.values_list("account_id", flat=True)) == _members(sample)
    assert set(supervisors.values_list("state", "unit_id")) == {("invited", town.unit.pk)}
    events = SupervisorEvent.objects.filter(supervisor__sample=sample)
    assert sorted(events.values_list("type", flat=True)) == ["invited"] * 6
    assert {e.parameters["sample"] for e in events} == {sample.name}


def test_a_supervisor_is_appointed_for_a_term_renewed_and_ended_with_history(town: City) -> None:
    strata(town)
    sample = drawn(town.supervisor, unit="U1", size=2, purpose="supervisors")
    first, second = SocialSupervisor.objects.filter(sample=sample).order_by("pk")
    scope = scope_for(town.supervisor)
    supervisor_set_state(
        scope=scope,
        actor=town.supervisor,
        supervisor_id=first.pk,
        state="active",
        term_start="2026-12-01",
        term_end="2027-11-30",
    )
    supervisor_set_state(scope=scope, actor=town.supervisor, supervisor_id=second.pk, state="declined", note="工作太忙")
    first.refresh_from_db()
    assert (first.state, str(first.term_start), str(first.term_end)) == ("active", "2026-12-01", "2027-11-30")
    with pytest.raises(Conflict):
        supervisor_set_state(
            scope=scope,
            actor=town.supervisor,
            supervisor_id=second.pk,
            state="active",
            term_start="2026-12-01",
            term_end="2027-11-30",
        )
    supervisor_set_state(scope=scope, actor=town.supervisor, supervisor_id=first.pk, state="ended", note="迁出")
    first.refresh_from_db()
    assert first.state == "ended"
    assert [(e.type, e.parameters.get("from"), e.parameters.get("to")) for e in first.events.order_by("pk")] == [
        ("invited", None, None),
        ("state", "invited", "active"),
        ("state", "active", "ended"),
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"state": "invited"}, "state"),
        ({"state": "active", "term_start": "", "term_end": "2027-01-01"}, "term_start"),
        ({"state": "active", "term_start": "2027-01-01", "term_end": "2026-01-01"}, "term_end"),
        ({"state": "active", "term_start": "2026-01-01", "term_end": "2036-01-01"}, "term_end"),
        ({"state": "declined", "note": "备注\x07"}, "note"),
    ],
)
def test_a_bad_state_change_is_refused_on_its_field_and_changes_nothing(
    town: City, fields: dict[str, str], field: str
) -> None:
    strata(town)
    sample = drawn(town.supervisor, unit="U1", size=1, purpose="supervisors")
    supervisor = SocialSupervisor.objects.get(sample=sample)
    with pytest.raises(InvalidInput) as refused:
        supervisor_set_state(
            scope=scope_for(town.supervisor), actor=town.supervisor, supervisor_id=supervisor.pk, **fields
        )
    assert field in refused.value.errors
    assert SocialSupervisor.objects.get().state == "invited"
    assert SupervisorEvent.objects.count() == 1


def test_another_units_supervisor_finds_no_such_supervisor(town: City) -> None:
    strata(town)
    sample = drawn(town.supervisor, unit="U1", size=1, purpose="supervisors")
    supervisor = SocialSupervisor.objects.get(sample=sample)
    with pytest.raises(NotFound):
        supervisor_set_state(
            scope=scope_for(town.other_supervisor),
            actor=town.other_supervisor,
            supervisor_id=supervisor.pk,
            state="declined",
        )
    assert SupervisorEvent.objects.count() == 1
