"""Who opens the survey pages and endpoints (issue 14, ASSESS-4/5), post by post: SURVEY_RESULTS
(supervisors their unit's samples, planners and administrators the company's) reads samples and
response rates; SURVEY_MANAGE (supervisors their unit, administrators) keeps questionnaires,
draws and sends samples and keeps social supervisors; every other post is refused (403), an
object outside the reach is 404 like a missing one, and a refused write changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from gridcare.assessment.models import Sample, SampleMember, SocialSupervisor, SurveyInvite
from gridcare.assessment.services.surveys import survey_send
from gridcare.assessment.tests.surveys_helpers import accounts, drawn, published
from gridcare.core.testing import PERSONAS, City, api_client, signed_in
from gridcare.notices.models import Notice
from gridcare.org.access import Capability, can, scope_for

READERS = {"supervisor", "other_supervisor", "planner", "admin"}  # SURVEY_RESULTS
MANAGERS = {"supervisor", "other_supervisor", "admin"}  # SURVEY_MANAGE
U1_REACH = {"supervisor", "planner", "admin"}  # who reaches U1's samples and supervisors


def _world(town: City) -> dict[str, int]:
    accounts(town.unit, 6)
    questionnaire = published(town.supervisor)
    survey = drawn(town.supervisor, unit="U1", size=3, questionnaire=questionnaire.pk)
    survey_send(scope=scope_for(town.supervisor), actor=town.supervisor, sample_id=survey.pk)
    panel = drawn(town.admin, unit="U1", size=2, purpose="supervisors")
    supervisor = SocialSupervisor.objects.filter(sample=panel).order_by("pk").first()
    assert supervisor is not None
    return {"q": questionnaire.pk, "sample": survey.pk, "supervisor": supervisor.pk}


def test_the_capability_table_gives_these_posts_the_survey_pages() -> None:
    from gridcare.core.testing import STAFF_PERSONAS
    from gridcare.org.access import POSTS

    def holders(capability: Capability) -> set[str]:
        return {p for p, (role, _place) in STAFF_PERSONAS.items() if capability in POSTS[role]}

    assert holders(Capability.SURVEY_RESULTS) == READERS
    assert holders(Capability.SURVEY_MANAGE) == MANAGERS


def _expected(persona: str, wanted: set[str], *, u1_object: bool) -> int:
    if persona == "outsider":
        return 404  # no post: no staff page at all
    if persona not in wanted:
        return 403
    if u1_object and persona not in U1_REACH:
        return 404
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_answers_each_post_as_the_table_says(town: City, persona: str) -> None:
    ids = _world(town)
    client = signed_in(town.users[persona])
    pages = {
        "/assessment/surveys/": (READERS, False),
        "/assessment/samples/": (READERS, False),
        f"/assessment/samples/{ids['sample']}/": (READERS, True),
        "/assessment/samples/new/": (MANAGERS, False),
        "/assessment/surveys/questionnaires/": (MANAGERS, False),
        f"/assessment/surveys/questionnaires/{ids['q']}/": (MANAGERS, False),
        "/assessment/supervisors/": (MANAGERS, False),
        f"/assessment/supervisors/{ids['supervisor']}/": (MANAGERS, True),
    }
    for url, (wanted, u1_object) in pages.items():
        answer = client.get(url)
        expected = _expected(persona, wanted, u1_object=u1_object)
        assert answer.status_code == expected, (url, persona, answer.status_code)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"])
def test_each_endpoint_answers_each_post_as_the_table_says(town: City, persona: str) -> None:
    ids = _world(town)
    client = api_client(town.users[persona])
    reads = {
        "/api/v1/assessment/samples": (READERS, False),
        f"/api/v1/assessment/samples/{ids['sample']}": (READERS, True),
        "/api/v1/assessment/questionnaires": (MANAGERS, False),
        "/api/v1/assessment/supervisors": (MANAGERS, False),
    }
    for url, (wanted, u1_object) in reads.items():
        answer = client.get(url)
        assert answer.status_code == _expected(persona, wanted, u1_object=u1_object), (url, persona, answer.content)
    listed = client.get("/api/v1/assessment/samples")
    if listed.status_code == 200:
        assert len(listed.json()) == (2 if persona in U1_REACH else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_refused_writes_change_nothing(town: City, persona: str) -> None:
    ids = _world(town)
    user = town.users[persona]
    before = (
        Sample.objects.count(),
        SampleMember.objects.count(),
        SurveyInvite.objects.count(),
        Notice.objects.count(),
    )
    page = Client()
    page.force_login(user)
    draw = {"purpose": "survey", "unit": "U1", "size": "2", "method": "proportional", "seed": "5", "confirmed": "1"}
    drawn_page = page.post("/assessment/samples/new/", draw)
    sent_page = page.post(f"/assessment/samples/{ids['sample']}/send/", {"questionnaire": ids["q"], "confirmed": "1"})
    api = api_client(user) if persona != "outsider" else Client()
    drawn_api = api.post(
        "/api/v1/assessment/samples", {"purpose": "survey", "unit": "U1", "size": 2}, content_type="application/json"
    )
    sent_api = api.post(f"/api/v1/assessment/samples/{ids['sample']}/send", {}, content_type="application/json")
    after = (Sample.objects.count(), SampleMember.objects.count(), SurveyInvite.objects.count(), Notice.objects.count())
    manages = can(scope_for(user), Capability.SURVEY_MANAGE)
    if not manages:
        assert drawn_page.status_code in (403, 404) and sent_page.status_code in (403, 404)
        assert drawn_api.status_code in (401, 403) and sent_api.status_code in (401, 403)
        assert after == before
    elif persona == "other_supervisor":  # U1 is not theirs: refused on the field, the sample not found
        assert (drawn_page.status_code, sent_page.status_code) == (200, 404)
        assert (drawn_api.status_code, sent_api.status_code) == (422, 404)
        assert after == before
    else:  # drawn twice (page, API), the sample already sent: nobody invited twice
        assert (drawn_page.status_code, drawn_api.status_code, sent_api.status_code) == (302, 201, 200)
        assert sent_api.json()["invited"] == 0
        assert after[0] == before[0] + 2 and after[2:] == before[2:]
