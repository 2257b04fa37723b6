"""The public survey page /s/<token>/ and /api/v1/surveys/{token} (issue 14, ASSESS-5): no
sign-in; the questionnaire shown, the answers checked (required, 1-10, a listed choice, text up
to 500 characters, no control characters), one response per token saved with the account's
supply unit, then thanks; a second submit, an expired or an unknown token shows a clear page and
writes nothing; two submits at once save one response."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from gridcare.assessment.models import SurveyInvite, SurveyResponse
from gridcare.assessment.services.surveys import survey_answer, survey_invite_offer, survey_send
from gridcare.assessment.tests.surveys_helpers import drawn, published, strata
from gridcare.core.exceptions import Conflict
from gridcare.core.testing import City, run_together
from gridcare.core.timezone import now
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for

LINK = re.compile(r"/s/([A-Za-z0-9_-]{32})/")
GOOD = {"q1": "8", "q2": "网上国网", "q3": "营业厅排队时间有点长"}


def _tokens(town: City, size: int = 2) -> list[tuple[str, SurveyInvite]]:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=size, questionnaire=questionnaire.pk)
    survey_send(scope=scope_for(town.supervisor), actor=town.supervisor, sample_id=sample.pk)
    found = []
    for notice in Notice.objects.filter(template_code="survey_invite").order_by("pk"):
        match = LINK.search(notice.body)
        assert match
        found.append((match.group(1), SurveyInvite.objects.get(sample=sample, account_id=notice.account_id)))
    return found


def test_the_link_opens_the_questionnaire_without_signing_in(town: City) -> None:
    [(token, _invite), *_] = _tokens(town)
    page = Client().get(f"/s/{token}/")
    assert page.status_code == 200
    text = page.content.decode()
    for words in ("供电服务满意度调查", "总体满意程度", "最近一次办电的渠道", "网上国网", "意见建议", "提交问卷"):
        assert words in text
    assert 'name="viewport"' in text


def test_an_answer_is_saved_once_with_the_accounts_unit_then_thanks(town: City) -> None:
    [(token, invite), *_] = _tokens(town)
    client = Client()
    answer = client.post(f"/s/{token}/", GOOD)
    assert answer.status_code == 302
    assert answer["Location"] == f"/s/{token}/done/"
    assert "感谢您的参与" in client.get(answer["Location"]).content.decode()
    response = SurveyResponse.objects.get()
    assert response.answers == {"q1": 8, "q2": "网上国网", "q3": "营业厅排队时间有点长"}
    assert response.comment == "营业厅排队时间有点长"
    assert response.unit_id == town.unit.pk
    invite.refresh_from_db()
    assert invite.answered_at == response.answered_at
    again = client.post(f"/s/{token}/", {**GOOD, "q1": "2"})
    assert again.status_code == 200
    assert "已经提交过了" in again.content.decode()
    assert SurveyResponse.objects.get().answers["q1"] == 8


def test_optional_questions_may_be_left_empty(town: City) -> None:
    [(token, _invite), *_] = _tokens(town)
    assert Client().post(f"/s/{token}/", {"q1": "10", "q2": "95598", "q3": ""}).status_code == 302
    assert SurveyResponse.objects.get().answers == {"q1": 10, "q2": "95598"}


@pytest.mark.parametrize(
    ("posted", "question", "message"),
    [
        ({"q2": "营业厅"}, "q1", "请回答这道题"),
        ({"q1": "11", "q2": "营业厅"}, "q1", "1 到 10"),
        ({"q1": "0", "q2": "营业厅"}, "q1", "1 到 10"),
        ({"q1": "七", "q2": "营业厅"}, "q1", "1 到 10"),
        ({"q1": "5", "q2": "电话"}, "q2", "列出的选项"),
        ({"q1": "5", "q2": "营业厅", "q3": "长" * 501}, "q3", "500"),
        ({"q1": "5", "q2": "营业厅", "q3": "坏\x1b[31m字"}, "q3", "控制字符"),
    ],
)
def test_a_bad_answer_is_said_on_its_question_and_nothing_is_written(
    town: City, posted: dict[str, str], question: str, message: str
) -> None:
    [(token, invite), *_] = _tokens(town)
    page = Client().post(f"/s/{token}/", posted)
    assert page.status_code == 200
    text = page.content.decode()
    assert message in text
    assert f'id="e-{question}"' in text
    assert SurveyResponse.objects.count() == 0
    invite.refresh_from_db()
    assert invite.answered_at is None


def test_an_expired_link_says_so_and_writes_nothing(town: City) -> None:
    [(token, invite), *_] = _tokens(town)
    SurveyInvite.objects.filter(pk=invite.pk).update(expires_at=now() - timedelta(minutes=1))
    client = Client()
    assert "填写期限已过" in client.get(f"/s/{token}/").content.decode()
    page = client.post(f"/s/{token}/", GOOD)
    assert page.status_code == 410
    assert "填写期限已过" in page.content.decode()
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("token", ["x" * 32, "short", "a" * 65, "不是令牌不是令牌不是令牌不是令牌", "a.b" * 8])
def test_an_unknown_link_says_so(town: City, token: str) -> None:
    _tokens(town)
    page = Client().post(f"/s/{token}/", GOOD)
    assert page.status_code == 404
    assert "链接无效" in page.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_a_nul_in_the_link_is_refused_before_anything_is_read(town: City) -> None:
    _tokens(town)
    assert Client().post("/s/" + "%00" * 16 + "/", GOOD).status_code == 400
    assert SurveyResponse.objects.count() == 0


def test_the_api_shows_the_questionnaire_and_takes_one_answer(town: City) -> None:
    [(token, _invite), *_] = _tokens(town)
    client = Client()
    shown = client.get(f"/api/v1/surveys/{token}")
    assert shown.status_code == 200
    body = shown.json()
    assert body["title"] == "供电服务满意度调查"
    assert [q["kind"] for q in body["questions"]] == ["scale", "choice", "text"]
    assert body["questions"][0]["measures"] == "satisfaction"
    bad = client.post(
        f"/api/v1/surveys/{token}", {"answers": {"q1": 12, "q2": "营业厅"}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"q1"}
    assert SurveyResponse.objects.count() == 0
    extra = client.post(f"/api/v1/surveys/{token}", {"answers": {**GOOD, "q9": "x"}}, content_type="application/json")
    assert extra.status_code == 422
    ok = client.post(
        f"/api/v1/surveys/{token}", {"answers": {"q1": 9, "q2": "营业厅"}}, content_type="application/json"
    )
    assert ok.status_code == 201
    twice = client.post(
        f"/api/v1/surveys/{token}", {"answers": {"q1": 9, "q2": "营业厅"}}, content_type="application/json"
    )
    assert twice.status_code == 409
    assert client.get(f"/api/v1/surveys/{token}").status_code == 409
    assert client.get("/api/v1/surveys/" + "y" * 32).status_code == 404
    assert SurveyResponse.objects.count() == 1


def test_a_call_back_or_the_pad_may_offer_an_invitation(town: City) -> None:
    assert survey_invite_offer(channel="callback", account_id=town.account.pk) is None  # nothing published
    published(town.supervisor)
    offered = survey_invite_offer(channel="callback", account_id=town.account.pk, source_ref="WO202612040001")
    assert offered is not None
    assert offered.link.endswith(f"/s/{offered.token}/")
    assert (offered.invite.channel, offered.invite.source_ref) == ("callback", "WO202612040001")
    survey_answer(token=offered.token, answers={"q1": 7, "q2": "营业厅"})
    assert SurveyResponse.objects.get().unit_id == town.unit.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_save_one_response(town: City) -> None:
    [(token, _invite), *_] = _tokens(town)

    def submit(i: int) -> int:
        return survey_answer(token=token, answers={"q1": str(i + 1), "q2": "营业厅"}).pk

    results, errors = run_together(2, submit)
    assert len(results) == 1
    assert [type(e) for e in errors] == [Conflict]
    assert SurveyResponse.objects.count() == 1
