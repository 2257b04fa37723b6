"""An attachment is served only through the checked view, as a download of its real type: never
inline, never sniffed into HTML, and 404 to anyone who does not see the order."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.tests.conftest import PDF, PNG, Clock, take


def _body(answer: object) -> bytes:
    return b"".join(answer.streaming_content)  # type: ignore[attr-defined]


def test_the_download_is_an_attachment_of_its_own_type_with_nosniff(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    photo = services.attachment_add(
        scope=scope_for(town.agent), actor=town.agent, order=order, name="表箱.png", content=PNG
    )
    answer = signed_in(town.agent).get(f"/workorders/{order.number}/attachments/{photo.pk}/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert _body(answer) == PNG


def test_the_api_download_has_the_same_headers(town: City, clock: Clock) -> None:
    order = take(town.agent)
    doc = services.attachment_add(
        scope=scope_for(town.agent), actor=town.agent, order=order, name="说明.pdf", content=PDF
    )
    client: Client = api_client(town.agent)
    listed = client.get(f"/api/v1/workorders/{order.number}/attachments").json()
    assert [(a["id"], a["name"], a["kind"], a["size"]) for a in listed] == [(doc.pk, "说明.pdf", "pdf", len(PDF))]
    answer = client.get(f"/api/v1/workorders/{order.number}/attachments/{doc.pk}")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert _body(answer) == PDF


def test_someone_who_does_not_see_the_order_gets_404_for_its_file(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)  # hall H1
    photo = services.attachment_add(
        scope=scope_for(town.agent), actor=town.agent, order=order, name="a.png", content=PNG
    )
    for user in (town.other_manager, town.users["foreign_clerk"]):
        assert signed_in(user).get(f"/workorders/{order.number}/attachments/{photo.pk}/").status_code == 404
        assert api_client(user).get(f"/api/v1/workorders/{order.number}/attachments/{photo.pk}").status_code == 404
    # the right id under another order's number is no way in either
    other = take(town.agent)
    assert signed_in(town.agent).get(f"/workorders/{other.number}/attachments/{photo.pk}/").status_code == 404
