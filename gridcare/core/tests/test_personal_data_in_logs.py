"""Full mobiles and ID numbers never reach a log line or the console/file gateway (SEC-2)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from gridcare.core.privacy import MaskPersonalData, mask_text
from gridcare.core.testing import City, signed_in


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("GET /customers/?q=13812345678 HTTP/1.1", "GET /customers/?q=138****5678 HTTP/1.1"),
        ("phone=+8615900001111&x=1", "phone=+86159****1111&x=1"),
        ("身份证 11010519491231002X 已核验", "身份证 110105********002X 已核验"),
        ("户号 0000000018 金额 486.08", "户号 0000000018 金额 486.08"),
        ("123138123456789", "123138123456789"),  # part of a longer number: not a mobile
        ("12812345678", "12812345678"),  # 12x is no mobile prefix
    ],
)
def test_mask_text_hides_mobiles_and_id_numbers_only(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_the_filter_masks_the_message_and_its_arguments() -> None:
    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("GET /?q=13812345678", "200", 5), None
    )
    assert MaskPersonalData().filter(record) is True
    assert record.getMessage() == '"GET /?q=138****5678" 200 5'


def test_every_configured_handler_masks(settings: Any) -> None:
    for name, handler in settings.LOGGING["handlers"].items():
        assert "mask_personal_data" in handler.get("filters", []), name


@pytest.mark.django_db
def test_a_search_by_mobile_leaves_no_full_mobile_in_the_request_log(
    town: City, caplog: pytest.LogCaptureFixture
) -> None:
    handler = logging.getLogger("django.server").handlers[0]
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    for f in handler.filters:
        keep.addFilter(f)
    logging.getLogger("django.request").addHandler(keep)
    try:
        client: Client = signed_in(town.users["clerk"])
        client.get("/customers/?q=13812345678")
        client.get("/customers/nope-13812345678/")  # a 404 is logged by django.request
    finally:
        logging.getLogger("django.request").removeHandler(keep)
    assert seen, "the 404 was logged"
    assert all("13812345678" not in line for line in seen)
    assert any("138****5678" in line for line in seen)
