"""The satisfaction survey offered at the evaluation pad (ASSESS-5): after a rating, the pad shows
a QR code (for 20 seconds) whose address opens the published questionnaire for that ticket; the
same invitation however often it is scanned, answered once; a made-up address is a 404 and
writes nothing; with nothing published, no QR code and a sentence instead."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gridcare.assessment.models import SurveyInvite, SurveyResponse
from gridcare.assessment.selectors_surveys import offer_token, pad_offer_link
from gridcare.assessment.services.surveys import survey_answer
from gridcare.assessment.tests.surveys_helpers import published
from gridcare.core.testing import City
from gridcare.halls.models import Evaluation, Ticket
from gridcare.halls.services import tickets
from gridcare.halls.tests.conftest import hall_town
from gridcare.halls.tests.helpers import device_browser, issue, paired
from gridcare.org.access import scope_for

__all__ = ["hall_town"]  # the fixture these tests use


def _finished(town: City) -> Ticket:
    issue(town, "invoice")
    scope = scope_for(town.clerk)
    ticket = tickets.counter_call_next(scope=scope, actor=town.clerk, counter=town.counters[1])
    assert ticket is not None
    return tickets.ticket_finish(scope=scope, actor=town.clerk, ticket=ticket)


def _rate(town: City, ticket: Ticket) -> str:
    pad = device_browser(paired(town, "pad", counter=town.counters[1])[1])
    answer = pad.post(
        f"/halls/pad/{town.counters[1].pk}/",
        {"ticket": ticket.pk, "rating": "satisfied"},
        headers={"HX-Request": "true"},
    )
    assert answer.status_code == 200
    return answer.content.decode()


@pytest.mark.django_db
def test_the_pad_shows_the_survey_after_a_rating_and_the_link_opens_it_once(hall_town: City) -> None:
    published(hall_town.supervisor)
    ticket = _finished(hall_town)
    page = _rate(hall_town, ticket)
    assert "感谢您的评价！" in page and 'id="pad-survey"' in page and "<svg" in page
    assert 'hx-trigger="every 20s"' in page
    assert Evaluation.objects.count() == 1 and not SurveyInvite.objects.exists()  # made when scanned
    link = pad_offer_link(ticket.pk)
    token = offer_token("pad", f"ticket:{ticket.pk}")
    assert link == f"http://127.0.0.1:8000/s/pad/{ticket.pk}/{token}/"
    phone = Client()
    path = link.removeprefix("http://127.0.0.1:8000")
    first, again = phone.get(path), phone.get(path)
    assert (first.status_code, first["Location"]) == (302, f"/s/{token}/")
    assert again["Location"] == first["Location"]
    invite = SurveyInvite.objects.get()
    assert (invite.channel, invite.source_ref, invite.account_id) == ("pad", f"ticket:{ticket.pk}", ticket.account_id)
    assert phone.get(first["Location"]).status_code == 200
    survey_answer(token=token, answers={"q1": 9, "q2": "营业厅"})
    assert SurveyResponse.objects.count() == 1
    assert "已经提交过了" in phone.get(phone.get(path)["Location"]).content.decode()


@pytest.mark.django_db
def test_a_made_up_address_is_a_404_and_nothing_published_shows_no_code(hall_town: City) -> None:
    ticket = _finished(hall_town)
    page = _rate(hall_town, ticket)
    assert "感谢您的评价！" in page and "pad-survey" not in page and 'hx-trigger="every 1s"' in page
    phone = Client()
    token = offer_token("pad", f"ticket:{ticket.pk}")
    nothing = phone.get(f"/s/pad/{ticket.pk}/{token}/")
    assert nothing.status_code == 200 and "目前没有进行中的满意度调查" in nothing.content.decode()
    published(hall_town.supervisor)
    other = offer_token("pad", f"ticket:{ticket.pk + 1}")
    for path in (f"/s/pad/{ticket.pk}/{'A' * 32}/", f"/s/pad/{ticket.pk + 1}/{other}/", f"/s/pad/{ticket.pk}/{other}/"):
        assert phone.get(path).status_code == 404, path
    assert not SurveyInvite.objects.exists()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
