"""发送调查 (issue 14, ASSESS-5): one SMS per member of a survey sample through the outbox, each
with a fresh random token whose SHA-256 alone is kept and the link /s/<token>/, expiring after
GRIDCARE_ASSESSMENT_SURVEY_INVITE_DAYS; sending twice sends once; a member who opted out since
the draw is not invited; a supervisors' sample, an unpublished questionnaire or a post without
SURVEY_MANAGE is refused with nothing written."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest

from gridcare.assessment.models import Sample, SampleMember, SurveyInvite
from gridcare.assessment.services.surveys import survey_send, survey_send_preview
from gridcare.assessment.tests.surveys_helpers import drawn, published, strata
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Contact
from gridcare.notices.models import Category, Notice
from gridcare.org.access import scope_for

AT = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
LINK = re.compile(r"http://127\.0\.0\.1:8000/s/([A-Za-z0-9_-]{32})/")


def _send(town: City, sample: Sample, **more: object) -> object:
    return survey_send(scope=scope_for(town.supervisor), actor=town.supervisor, sample_id=sample.pk, **more)


def test_each_member_gets_one_sms_with_its_own_link_through_the_outbox(town: City) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=9, questionnaire=questionnaire.pk)
    done = survey_send(scope=scope_for(town.supervisor), actor=town.supervisor, sample_id=sample.pk, at=AT)
    assert (done.invited, done.unreachable) == (9, 0)
    members = set(SampleMember.objects.filter(sample=sample).values_list("account_id", flat=True))
    notices = list(Notice.objects.filter(template_code="survey_invite"))
    assert len(notices) == 9
    assert {n.account_id for n in notices} == members
    assert {n.category for n in notices} == {Category.SERVICE}
    invites = {i.account_id: i for i in SurveyInvite.objects.filter(sample=sample)}
    assert set(invites) == members
    tokens = set()
    for notice in notices:
        found = LINK.search(notice.body)
        assert found, notice.body
        token = found.group(1)
        tokens.add(token)
        invite = invites[notice.account_id]
        assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in invite.token_hash
        assert "2026-12-18" in notice.body
        assert notice.dedupe_key == f"survey:{sample.pk}:{notice.account_id}"
    assert len(tokens) == 9
    assert {(i.channel, i.questionnaire_id, i.expires_at) for i in invites.values()} == {
        ("sms", questionnaire.pk, AT + timedelta(days=14))
    }
    sample.refresh_from_db()
    assert (sample.status, sample.expires_at) == ("sent", AT + timedelta(days=14))


def test_sending_twice_sends_once(town: City) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=5)
    preview = survey_send_preview(scope=scope_for(town.supervisor), sample_id=sample.pk, questionnaire=questionnaire.pk)
    assert (preview.to_invite, preview.already) == (5, 0)
    assert Notice.objects.count() == 0  # the preview writes nothing
    first = _send(town, sample, questionnaire=questionnaire.pk)
    again = _send(town, sample, questionnaire=str(questionnaire.pk))
    assert (first.invited, again.invited) == (5, 0)  # type: ignore[attr-defined]
    assert Notice.objects.count() == 5
    assert SurveyInvite.objects.count() == 5


def test_a_member_who_opted_out_after_the_draw_is_not_invited(town: City) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=4, questionnaire=questionnaire.pk)
    member = SampleMember.objects.filter(sample=sample).order_by("pk").first()
    assert member is not None
    Contact.objects.filter(customer__accounts=member.account_id).update(opted_out=True)
    done = _send(town, sample)
    assert (done.invited, done.unreachable) == (3, 1)  # type: ignore[attr-defined]
    assert not Notice.objects.filter(account_id=member.account_id).exists()
    assert not SurveyInvite.objects.filter(account_id=member.account_id).exists()


def test_a_supervisors_sample_and_an_unpublished_questionnaire_are_refused(town: City) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    supervisors = drawn(town.supervisor, unit="U1", size=3, purpose="supervisors")
    with pytest.raises(Conflict):
        _send(town, supervisors, questionnaire=questionnaire.pk)
    survey = drawn(town.supervisor, unit="U1", size=3)
    with pytest.raises(InvalidInput) as refused:
        _send(town, survey)  # none chosen at the draw, none now
    assert set(refused.value.errors) == {"questionnaire"}
    questionnaire.state = "retired"
    questionnaire.save()
    with pytest.raises(InvalidInput):
        _send(town, survey, questionnaire=questionnaire.pk)
    assert (Notice.objects.count(), SurveyInvite.objects.count()) == (0, 0)


@pytest.mark.parametrize("persona", ["clerk", "manager", "planner", "outsider", "other_supervisor"])
def test_others_cannot_send_and_nothing_is_written(town: City, persona: str) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=3, questionnaire=questionnaire.pk)
    user = town.users[persona]
    with pytest.raises(NotFound if persona == "other_supervisor" else Forbidden):
        survey_send(scope=scope_for(user), actor=user, sample_id=sample.pk)
    assert (Notice.objects.count(), SurveyInvite.objects.count()) == (0, 0)
