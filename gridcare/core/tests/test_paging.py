"""The one paging helper: pages keep their filters, say their total, clamp bad numbers; the API
pages with headers and refuses bad parameters; exports carry the whole list."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from openpyxl import load_workbook

from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page, export_response, paginate
from gridcare.core.testing import streamed

ROWS = list(range(1, 124))  # 123 rows


@override_settings(GRIDCARE_PAGE_SIZE=50)
def test_a_page_keeps_the_filters_and_says_the_total() -> None:
    request = RequestFactory().get("/billing/dunning/", {"unit": "U01", "hall": "H02", "page": "2"})
    page = paginate(request, ROWS)
    assert (page.items[0], page.items[-1], len(page.items)) == (51, 100, 50)
    assert (page.number, page.pages, page.total, page.start_index, page.end_index) == (2, 3, 123, 51, 100)
    assert page.next_url == "?unit=U01&hall=H02&page=3"
    assert page.previous_url == "?unit=U01&hall=H02&page=1"
    assert page.filters == "unit=U01&hall=H02"
    html = render_to_string("includes/pager.html", {"page": page, "export_url": "/x/export/"})
    assert "共 123 条 · 第 2/3 页" in html
    assert 'href="?unit=U01&amp;hall=H02&amp;page=3"' in html
    assert 'href="/x/export/?unit=U01&amp;hall=H02&amp;format=xlsx"' in html


@pytest.mark.parametrize(("raw", "number"), [("abc", 1), ("0", 1), ("99", 3), ("-2", 1), ("", 1)])
@override_settings(GRIDCARE_PAGE_SIZE=50)
def test_a_bad_or_too_far_page_number_shows_the_nearest_page(raw: str, number: int) -> None:
    page = paginate(RequestFactory().get("/", {"page": raw}), ROWS)
    assert page.number == number
    assert page.items[0] == (number - 1) * 50 + 1


def test_two_lists_on_one_page_page_independently() -> None:
    request = RequestFactory().get("/", {"page": "2", "overdue_page": "3"})
    first = paginate(request, ROWS, size=10)
    second = paginate(request, ROWS, param="overdue_page", size=10)
    assert (first.number, second.number) == (2, 3)
    assert second.next_url == "?page=2&overdue_page=4"


def test_an_empty_list_is_one_empty_page() -> None:
    page = paginate(RequestFactory().get("/"), [], size=10).map(str)
    assert (page.total, page.pages, page.start_index, page.end_index, page.items) == (0, 1, 0, 0, [])
    assert "共 0 条 · 第 1/1 页" in render_to_string("includes/pager.html", {"page": page})


@override_settings(GRIDCARE_PAGE_SIZE=50, GRIDCARE_API_MAX_PAGE_SIZE=100)
def test_the_api_pages_with_totals_in_headers() -> None:
    response = HttpResponse()
    items = api_page(response, ROWS, page=3, page_size=20, dress=lambda n: n * 10)
    assert items == [410, 420, 430, 440, 450, 460, 470, 480, 490, 500, 510, 520, 530, 540, 550, 560, 570, 580, 590, 600]
    assert (response["X-Total-Count"], response["X-Page"], response["X-Page-Size"], response["X-Page-Count"]) == (
        "123",
        "3",
        "20",
        "7",
    )
    past = HttpResponse()
    assert api_page(past, ROWS, page=9) == []
    assert past["X-Total-Count"] == "123"


@pytest.mark.parametrize(("page", "size", "field"), [(0, 10, "page"), (1, 0, "page_size"), (1, 101, "page_size")])
@override_settings(GRIDCARE_API_MAX_PAGE_SIZE=100)
def test_the_api_refuses_bad_paging_parameters(page: int, size: int, field: str) -> None:
    response = HttpResponse()
    with pytest.raises(InvalidInput) as caught:
        api_page(response, ROWS, page=page, page_size=size)
    assert list(caught.value.errors) == [field]
    assert "X-Total-Count" not in response


def test_an_export_holds_the_whole_list_as_csv_or_excel() -> None:
    from decimal import Decimal

    header = ["户号", "欠费金额"]
    rows = [[f"{n:010d}", Decimal("12.30") + n] for n in range(3000)]
    csv_response = export_response(header, iter(rows), name="arrears", fmt="csv")
    text = streamed(csv_response).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert text.startswith("\ufeff")
    assert len(lines) == 3001
    assert lines[0] == header
    assert lines[-1] == ["0000002999", "3011.30"]
    xlsx = export_response(header, iter(rows), name="arrears", fmt="xlsx")
    sheet = load_workbook(io.BytesIO(streamed(xlsx))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3001
    assert values[-1] == ("0000002999", 3011.3)
