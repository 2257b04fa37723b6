"""The staff pages of public notices (SELF-3): write a draft, correct it, publish it, withdraw it
after being asked, export it for the WeChat official account; the wrong posts are refused, another
unit's notice is not found, and a refusal changes nothing."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import City, signed_in
from gridcare.notices.models import Publication, PublicationEvent

FORM = {
    "title": "城区营业厅春节营业时间",
    "kind": "hall_hours",
    "area": "unit",
    "unit": "U1",
    "body": "2月17日至2月23日营业时间为9:00-16:00。\n其余时间请使用网上营业厅。",
}


def _made(client: Client) -> Publication:
    answer = client.post("/notices/publications/new/", FORM)
    made = Publication.objects.get()
    assert (answer.status_code, answer["Location"]) == (302, f"/notices/publications/{made.pk}/")
    return made


def test_write_correct_publish_withdraw_and_export(town: City) -> None:
    client = signed_in(town.supervisor)
    listing = client.get("/notices/publications/").content.decode()
    assert "还没有公告。" in listing and 'href="/notices/publications/new/"' in listing
    made = _made(client)
    page = client.get(f"/notices/publications/{made.pk}/").content.decode()
    assert "公告已保存为草稿，发布后客户可见。" in page and "草稿" in page
    edited = client.post(f"/notices/publications/{made.pk}/", {**FORM, "title": "春节营业时间调整"}, follow=True)
    assert "公告已保存。" in edited.content.decode()
    published = client.post(f"/notices/publications/{made.pk}/publish/", {"published_at": ""}, follow=True)
    assert "公告已发布。" in published.content.decode()
    made.refresh_from_db()
    assert (made.title, made.status) == ("春节营业时间调整", "published")
    asked = client.post(f"/notices/publications/{made.pk}/withdraw/").content.decode()
    assert "撤回后客户将不再看到“春节营业时间调整”，撤回的公告不能再次发布。确认撤回？" in asked
    made.refresh_from_db()
    assert made.status == "published"  # asked, not done
    done = client.post(f"/notices/publications/{made.pk}/withdraw/", {"confirmed": "1"}, follow=True)
    assert "公告已撤回，客户不再可见。" in done.content.decode()
    made.refresh_from_db()
    assert made.status == "withdrawn"
    assert list(PublicationEvent.objects.order_by("id").values_list("type", flat=True)) == [
        "created",
        "edited",
        "published",
        "withdrawn",
    ]
    article = client.get(f"/notices/publications/{made.pk}/article/").content.decode()
    assert "&lt;h2 style=" in article and "春节营业时间调整" in article  # the snippet, shown as text to copy
    html = client.get(f"/notices/publications/{made.pk}/article/?format=html")
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert html["Content-Disposition"] == f'attachment; filename="publication-{made.pk}.html"'
    assert '<p style="margin:0 0 16px;font-size:13px;color:#888888;">营业时间 · 城区供电所 · ' in html.content.decode()
    text = client.get(f"/notices/publications/{made.pk}/article/?format=txt").content.decode()
    assert text.startswith("春节营业时间调整\n营业时间 · 城区供电所 · ") and text.endswith(
        "示范供电公司\n服务热线 95598\n"
    )


def test_a_bad_form_keeps_what_was_typed_and_says_why_on_the_field(town: City) -> None:
    client = signed_in(town.supervisor)
    answer = client.post("/notices/publications/new/", {**FORM, "area": "all", "title": "电价调整"})
    body = answer.content.decode()
    assert answer.status_code == 200 and 'value="电价调整"' in body
    assert (
        '<span class="error">选择一个有效的选项。 all 不在可用的选项中。</span>' in body
    )  # not offered to a unit post
    other = client.post("/notices/publications/new/", {**FORM, "unit": "U2"}).content.decode()
    assert "请选择您管辖范围内的供电单位。" in other
    assert not Publication.objects.exists()


def test_other_posts_are_refused_and_another_units_notice_is_not_found(town: City) -> None:
    made = _made(signed_in(town.supervisor))
    assert signed_in(town.clerk).get("/notices/publications/").status_code == 403
    assert signed_in(town.clerk).post("/notices/publications/new/", FORM).status_code == 403
    other = signed_in(town.other_supervisor)
    assert other.get(f"/notices/publications/{made.pk}/").status_code == 404
    assert other.post(f"/notices/publications/{made.pk}/publish/", {}).status_code == 404
    assert other.get(f"/notices/publications/{made.pk}/article/?format=txt").status_code == 404
    made.refresh_from_db()
    assert made.status == "draft" and Publication.objects.count() == 1
    assert signed_in(town.admin).get(f"/notices/publications/{made.pk}/").status_code == 200
