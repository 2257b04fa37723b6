"""The survey pages at work (issue 14, ASSESS-4/5): a questionnaire drafted, its questions edited
with Chinese messages on the field, published after a confirmation (then never changed: 复制为新版本
makes the next draft), retired; a sample previewed ("将从 … 户中抽取 … 户", the seed shown) and
drawn once confirmed with that seed, its composition beside the population's and its members
masked; 发送调查 asked first; a supervisor's state changed after a confirmation, with its history;
the response rates on the overview."""

from __future__ import annotations

import re

from gridcare.assessment.models import Question, Questionnaire, Sample, SocialSupervisor, SurveyInvite
from gridcare.assessment.tests.surveys_helpers import accounts, drawn, published, strata
from gridcare.core.testing import City, signed_in
from gridcare.notices.models import Notice


def test_a_questionnaire_is_drafted_edited_published_copied_and_retired(town: City) -> None:
    client = signed_in(town.supervisor)
    made = client.post("/assessment/surveys/questionnaires/new/", {"title": "营业厅服务调查", "intro": ""})
    q = Questionnaire.objects.get()
    assert made["Location"] == f"/assessment/surveys/questionnaires/{q.pk}/"
    url = made["Location"]
    refused = client.post(
        f"{url}questions/", {"kind": "choice", "text": "您来办什么业务", "choices": "缴费", "construct": ""}
    )
    assert "单选题需要 2 到 10 个选项" in refused.content.decode()
    wrong = client.post(f"{url}questions/", {"kind": "text", "text": "意见", "construct": "quality"})
    assert "只有1-10分题可以计入测量变量" in wrong.content.decode()
    assert Question.objects.count() == 0
    client.post(
        f"{url}questions/", {"kind": "scale", "text": "总体满意程度", "construct": "satisfaction", "required": "on"}
    )
    client.post(
        f"{url}questions/",
        {"kind": "choice", "text": "您来办什么业务", "choices": "缴费\n报装\n咨询", "required": "on"},
    )
    first = Question.objects.get(position=1)
    client.post(
        f"{url}questions/{first.pk}/", {"kind": "scale", "text": "对营业厅的总体满意程度", "construct": "satisfaction"}
    )
    first.refresh_from_db()
    assert (first.text, first.required) == ("对营业厅的总体满意程度", False)
    asked = client.post(f"{url}publish/")
    assert "确认发布" in asked.content.decode()
    assert Questionnaire.objects.get().state == "draft"  # asked, not done
    client.post(f"{url}publish/", {"confirmed": "1"})
    q.refresh_from_db()
    assert q.state == "published"
    locked = client.post(f"{url}questions/", {"kind": "text", "text": "补充一题"})
    assert "不能修改" in locked.content.decode()
    assert Question.objects.filter(questionnaire=q).count() == 2
    copied = client.post(f"{url}copy/")
    v2 = Questionnaire.objects.get(version=2)
    assert copied["Location"] == f"/assessment/surveys/questionnaires/{v2.pk}/"
    assert (v2.state, v2.code, v2.questions.count()) == ("draft", q.code, 2)
    client.post(f"/assessment/surveys/questionnaires/{v2.pk}/publish/", {"confirmed": "1"})
    q.refresh_from_db()
    assert q.state == "retired"  # the version published before is retired
    client.post(f"/assessment/surveys/questionnaires/{v2.pk}/retire/", {"confirmed": "1"})
    assert Questionnaire.objects.get(pk=v2.pk).state == "retired"
    page = client.get(url).content.decode()
    assert "已停用" in page and "第 2 版" in page


def test_a_questionnaire_page_refuses_a_title_with_control_characters(town: City) -> None:
    client = signed_in(town.supervisor)
    answer = client.post("/assessment/surveys/questionnaires/new/", {"title": "调查\x07", "intro": ""})
    assert answer.status_code == 200
    assert "不能包含控制字符" in answer.content.decode()
    assert Questionnaire.objects.count() == 0


def test_a_sample_is_previewed_then_drawn_with_the_seed_shown(town: City) -> None:
    strata(town)
    client = signed_in(town.admin)
    form = {"purpose": "survey", "unit": "", "size": "20", "method": "proportional", "seed": "", "name": ""}
    preview = client.post("/assessment/samples/new/", form)
    text = preview.content.decode()
    assert "将从 100 户中抽取 20 户（3 层，按比例分配，随机种子" in text
    assert Sample.objects.count() == 0
    seed = re.search(r'name="seed" value="(\d+)"', text)
    assert seed
    done = client.post("/assessment/samples/new/", {**form, "seed": seed.group(1), "confirmed": "1"})
    sample = Sample.objects.get()
    assert done["Location"] == f"/assessment/samples/{sample.pk}/"
    assert sample.seed == int(seed.group(1))
    page = client.get(done["Location"]).content.decode()
    assert "从 100 户中抽取 20 户" in page
    for words in ("城区供电所", "城市", "一般工商业", "30.0%", "60.0%", "10.0%", "sample-chart"):
        assert words in page
    assert re.search(r"1[38]\d\*{4}\d{4}", page)  # members' phones masked
    assert not re.search(r"1[38]\d{9}", page)
    assert not re.search(r"客户\d{4}", page)  # names masked too (客*4)


def test_a_bad_sample_is_refused_on_its_field(town: City) -> None:
    strata(town)
    client = signed_in(town.supervisor)
    answer = client.post(
        "/assessment/samples/new/", {"purpose": "survey", "unit": "U1", "size": "9999", "method": "neyman"}
    )
    text = answer.content.decode()
    assert "不能按奈曼分配" in text or "最多可抽取" in text
    assert Sample.objects.count() == 0


def test_sending_asks_first_then_queues_once(town: City) -> None:
    strata(town)
    questionnaire = published(town.supervisor)
    sample = drawn(town.supervisor, unit="U1", size=4)
    client = signed_in(town.supervisor)
    url = f"/assessment/samples/{sample.pk}/send/"
    asked = client.post(url, {"questionnaire": questionnaire.pk})
    assert "将向 4 户发送“供电服务满意度调查”的调查短信，链接 14 天内有效" in asked.content.decode()
    assert Notice.objects.count() == 0
    sent = client.post(url, {"questionnaire": questionnaire.pk, "confirmed": "1"})
    assert sent["Location"] == f"/assessment/samples/{sample.pk}/"
    assert Notice.objects.filter(template_code="survey_invite").count() == 4
    page = client.get(sent["Location"]).content.decode()
    assert "已发送 4 条调查短信" in page
    assert "已发送 4 户，已回收 0 份，回收率 0.0%" in page
    client.post(url, {"questionnaire": questionnaire.pk, "confirmed": "1"})
    assert SurveyInvite.objects.count() == 4
    overview = client.get("/assessment/surveys/").content.decode()
    assert sample.name in overview


def test_a_supervisors_state_changes_after_a_confirmation_with_its_history(town: City) -> None:
    accounts(town.unit, 3)
    sample = drawn(town.supervisor, unit="U1", size=1, purpose="supervisors")
    supervisor = SocialSupervisor.objects.get(sample=sample)
    client = signed_in(town.supervisor)
    url = f"/assessment/supervisors/{supervisor.pk}/"
    form = {"state": "active", "term_start": "2026-12-01", "term_end": "2027-11-30", "note": ""}
    asked = client.post(url, form)
    assert "将状态由“已邀请”改为“在聘”" in asked.content.decode()
    assert SocialSupervisor.objects.get().state == "invited"
    client.post(url, {**form, "confirmed": "1"})
    assert SocialSupervisor.objects.get().state == "active"
    page = client.get(url).content.decode()
    assert "按抽样" in page and "聘期 2026-12-01 至 2027-11-30" in page
    bad = client.post(url, {"state": "active", "term_start": "2027-01-01", "term_end": "2026-01-01", "confirmed": "1"})
    assert "聘期结束不能早于开始" in bad.content.decode()
    listed = client.get("/assessment/supervisors/?state=active").content.decode()
    assert "在聘" in listed
