from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.notices import rules
from gridcare.notices.services.outbox import notice_enqueue


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_seventy_characters_fit_one_sms_and_longer_messages_go_in_parts_of_sixty_seven(
    length: int, segments: int
) -> None:
    assert rules.sms_segments("电" * length) == segments


@given(st.text(min_size=1, max_size=1000))
def test_the_parts_always_hold_the_whole_message_and_never_one_part_too_many(text: str) -> None:
    n = rules.sms_segments(text)
    if n == 1:
        assert len(text) <= 70
    else:
        assert (n - 1) * 67 < len(text) <= n * 67


@pytest.mark.django_db
def test_the_outbox_row_records_how_many_parts_its_text_takes() -> None:
    short = notice_enqueue(
        template_code="queue_near",
        variables={"hall": "城区营业厅", "number": "A012", "ahead": 3},
        recipient="13812345678",
    )
    long = notice_enqueue(
        template_code="queue_near", variables={"hall": "城" * 60, "number": "A012", "ahead": 3}, recipient="13812345678"
    )
    assert short is not None and long is not None
    assert (len(short.body), short.segments) == (43, 1)
    assert (len(long.body), long.segments) == (98, 2)
