"""Attachments (issue 18): a file is accepted by its content, not its name, within the size limit;
a refused one leaves nothing behind (no row, no file, no event)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import rules, services
from gridcare.workorders.models import Attachment, OrderEvent, WorkOrder
from gridcare.workorders.tests.conftest import EXE, HTML, JPEG, PDF, PNG, Clock, docx_bytes, stored_files, take


def _state(order: WorkOrder) -> tuple[int, int, list[str]]:
    return Attachment.objects.count(), order.events.count(), stored_files(settings.MEDIA_ROOT)


def test_each_kind_is_told_by_its_first_bytes() -> None:
    assert rules.sniff(PNG) == "png"
    assert rules.sniff(JPEG) == "jpg"
    assert rules.sniff(PDF) == "pdf"
    assert rules.sniff(docx_bytes()) == "docx"
    assert rules.sniff(HTML) is None
    assert rules.sniff(EXE) is None
    assert rules.sniff(b"PK\x03\x04not really a zip") is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fault.jpg", HTML, "只能上传以下类型的文件：docx, jpg, pdf, png, xlsx（按文件内容识别）。"),
        ("photo.jpg", EXE, "只能上传以下类型的文件：docx, jpg, pdf, png, xlsx（按文件内容识别）。"),
        ("page.html", HTML, "只能上传以下类型的文件：docx, jpg, pdf, png, xlsx（按文件内容识别）。"),
        ("photo.pdf", PNG, "文件名与文件内容不符（内容为 png）。"),
        ("empty.png", b"", "文件为空。"),
    ],
)
def test_a_file_of_another_kind_than_allowed_is_refused_and_nothing_is_stored(
    town: City, clock: Clock, name: str, content: bytes, message: str
) -> None:
    order = take(town.agent)
    before = _state(order)
    with pytest.raises(InvalidInput) as refused:
        services.attachment_add(scope=scope_for(town.agent), actor=town.agent, order=order, name=name, content=content)
    assert refused.value.errors == {"file": message}
    assert _state(order) == before


def test_a_file_over_the_size_limit_is_refused_on_the_page_and_in_the_api(
    town: City, clock: Clock, settings: object
) -> None:
    settings.GRIDCARE_WORKORDERS = {**settings.GRIDCARE_WORKORDERS, "ATTACHMENT_MAX_BYTES": 1024}  # type: ignore[attr-defined]
    order = take(town.agent)
    before = _state(order)
    big = PNG + b"\x00" * 2000
    page = signed_in(town.agent).post(
        f"/workorders/{order.number}/attachments/", {"file": SimpleUploadedFile("big.png", big)}
    )
    assert page.status_code == 302
    api = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/attachments", {"file": SimpleUploadedFile("big.png", big)}
    )
    assert api.status_code == 422
    assert api.json()["errors"] == {"file": "文件超过 1 KB 的上限。"}
    assert _state(order) == before


def test_a_renamed_html_page_is_refused_through_the_api_and_nothing_is_stored(town: City, clock: Clock) -> None:
    order = take(town.agent)
    before = _state(order)
    client: Client = api_client(town.agent)
    answer = client.post(
        f"/api/v1/workorders/{order.number}/attachments", {"file": SimpleUploadedFile("fault.jpg", HTML, "image/jpeg")}
    )
    assert answer.status_code == 422
    assert _state(order) == before


def test_an_accepted_photo_is_stored_under_a_random_name_and_told_in_the_history(town: City, clock: Clock) -> None:
    order = take(town.agent)
    answer = signed_in(town.agent).post(
        f"/workorders/{order.number}/attachments/", {"file": SimpleUploadedFile("../../电表箱.png", PNG)}
    )
    assert answer.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.kind, attachment.content_type, attachment.size) == (
        "电表箱.png",
        "png",
        "image/png",
        len(PNG),
    )
    files = stored_files(settings.MEDIA_ROOT)
    assert len(files) == 1 and files[0].startswith(f"workorders/{order.pk}/") and files[0].endswith(".png")
    assert "电表箱" not in files[0]
    event = order.events.get(type=OrderEvent.Type.ATTACHED)
    assert event.parameters == {"name": "电表箱.png", "size_kb": 1, "attachment": attachment.pk}
    page = signed_in(town.agent).get(f"/workorders/{order.number}/").content.decode()
    assert "agent 上传附件“电表箱.png”（1 KB）" in page
    assert f'<img src="/workorders/{order.number}/attachments/{attachment.pk}/"' in page
