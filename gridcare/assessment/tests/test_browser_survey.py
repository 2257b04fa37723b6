"""The survey link in a real phone's browser (390×844, issue 14, ASSESS-5): the questionnaire fits
the screen, every tap target is at least 44 px high, the page passes axe-core (no serious or
critical violation) in Chinese and English, a customer answers by tapping and sees the thanks."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gridcare.assessment.models import SurveyResponse
from gridcare.assessment.services.surveys import survey_send
from gridcare.assessment.tests.surveys_helpers import accounts, drawn, published
from gridcare.core.browser_testing import BROWSER, accessibility_violations, axe_context, look
from gridcare.core.testing import City
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

pytestmark = BROWSER
LINK = re.compile(r"(/s/[A-Za-z0-9_-]{32}/)")


def _link(town: City) -> str:
    accounts(town.unit, 2)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=1, questionnaire=questionnaire.pk)
    survey_send(scope=scope_for(town.supervisor), actor=town.supervisor, sample_id=sample.pk)
    notice = Notice.objects.get(template_code="survey_invite")
    found = LINK.search(notice.body)
    assert found
    return found.group(1)


def _small_targets(page: Any) -> list[str]:
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('.s-tap span, .s-choice span, .s-submit, textarea, .s-chip')]
                 .filter(e => e.getBoundingClientRect().height < 44).map(e => e.textContent.trim())"""
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_customer_answers_the_survey_on_a_phone(town: City, live_server: Any, browser: Any) -> None:
    path = _link(town)
    page = axe_context(browser).new_page()
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("text=总体满意程度")
    look(page, "survey-answer", "phone")
    assert _small_targets(page) == []
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_selector("text=请回答这道题。")
    assert SurveyResponse.objects.count() == 0
    page.locator(".s-tap", has_text="9").first.click()
    page.locator(".s-choice", has_text="网上国网").click()
    page.fill("textarea", "希望多开一个窗口")
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_selector("text=感谢您的参与！")
    look(page, "survey-thanks", "phone")
    response = SurveyResponse.objects.get()
    assert response.answers == {"q1": 9, "q2": "网上国网", "q3": "希望多开一个窗口"}
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("text=Thank you for taking part!")


@pytest.mark.django_db(transaction=True)
def test_the_survey_reads_in_english_on_a_phone(town: City, live_server: Any, browser: Any) -> None:
    path = _link(town)
    page = axe_context(browser).new_page()
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("text=Submit")
    look(page, "survey-answer-en", "phone")
    assert accessibility_violations(page) == []
    assert "1 very dissatisfied" in page.inner_text("body")


@pytest.mark.django_db(transaction=True)
def test_a_supervisor_reads_a_samples_composition_at_the_desk_and_on_a_phone(
    town: City, live_server: Any, browser: Any
) -> None:
    from gridcare.assessment.tests.surveys_helpers import strata
    from gridcare.core.browser_testing import sign_in

    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=9, questionnaire=questionnaire.pk)
    page = sign_in(browser, live_server, town.supervisor)
    page.goto(f"{live_server.url}/assessment/samples/{sample.pk}/")
    page.wait_for_selector("#sample-chart canvas")
    look(page, "survey-sample", "desk", "phone")
    page.get_by_role("button", name="发送调查").click()
    page.wait_for_selector("text=将向 9 户发送")
    look(page, "survey-send-confirm", "desk")
    page.get_by_role("button", name="确认发送").click()
    page.wait_for_selector("text=已发送 9 条调查短信。")
    assert Notice.objects.filter(template_code="survey_invite").count() == 9
    for path in ("/assessment/surveys/", "/assessment/samples/", "/assessment/surveys/questionnaires/"):
        page.goto(f"{live_server.url}{path}")
        look(page, "survey-" + path.strip("/").replace("/", "-"), "desk", "phone")
