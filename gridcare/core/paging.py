"""One way to show a long list: in pages, with its total, and as a whole-list export.

No list in the product is cut off silently. A page shows "共 N 条 · 第 x/y 页" with links that
keep the page's other filters; an API list takes ``?page=`` / ``?page_size=`` and says its total
in headers; a long list also exports whole (CSV or Excel), streamed.

Pages (a view and its template)::

    from gridcare.core.paging import paginate

    page = paginate(request, selectors.thing_list(scope=scope))   # ?page=N, GRIDCARE_PAGE_SIZE rows
    return render(request, "app/things.html", {"page": page})

    {% for thing in page.items %}…{% endfor %}
    {% include "includes/pager.html" with page=page %}
    {% include "includes/pager.html" with page=page export_url=export_url %}   (adds CSV / Excel links
                                                       to export_url keeping the page's filters)

    Two lists on one page each get their own parameter: ``paginate(request, rows, param="overdue_page")``.
    Rows that need dressing for the template are dressed for this page only:
    ``page = paginate(request, qs).map(selectors.thing_card)``.
    A page number that is not a number, or past the end, shows the nearest page (never a 500).

API (django-ninja; a list endpoint keeps returning a bare list, the totals go in headers)::

    from django.http import HttpResponse
    from gridcare.core.paging import api_page

    @router.get("/things", response=list[ThingOut])
    def thing_list(request, response: HttpResponse, page: int = 1, page_size: int | None = None):
        return api_page(response, selectors.thing_list(scope=...), page=page, page_size=page_size,
                        dress=selectors.thing_card)

    Headers: ``X-Total-Count`` (rows in the whole list), ``X-Page``, ``X-Page-Size``,
    ``X-Page-Count``. A page past the end is an empty list; page < 1 or a page size outside
    1…GRIDCARE_API_MAX_PAGE_SIZE is refused with InvalidInput (422, Chinese message on the field).

Exports of the whole filtered list (masked personal data is the caller's job: use the same
masked selectors as the page)::

    from gridcare.core.paging import export_response

    return export_response(header, rows_iterator, name="dunning", fmt=request.GET.get("format", "csv"))

    ``fmt`` is "csv" (UTF-8 with BOM, so Excel opens Chinese correctly; streamed row by row)
    or "xlsx" (openpyxl write-only workbook, built in a spooled temporary file, then streamed).

Settings: ``GRIDCARE_PAGE_SIZE`` (rows per page on pages and the API default, 50) and
``GRIDCARE_API_MAX_PAGE_SIZE`` (largest ``page_size`` the API accepts, 500), both in ``.env.example``.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import SHANGHAI

T = TypeVar("T")
U = TypeVar("U")

Rows = QuerySet[Any] | Sequence[Any]


def page_size_default() -> int:
    return int(getattr(settings, "GRIDCARE_PAGE_SIZE", 50))


def api_page_size_max() -> int:
    return int(getattr(settings, "GRIDCARE_API_MAX_PAGE_SIZE", 500))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its rows, where it is, how many there are in all, and its links."""

    items: list[T]
    number: int
    size: int
    total: int
    param: str = "page"
    query: QueryDict = field(default_factory=QueryDict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_other_pages(self) -> bool:
        return self.pages > 1

    @property
    def start_index(self) -> int:
        """1-based position of the first row on this page (0 for an empty list)."""
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0

    @property
    def filters(self) -> str:
        """The request's other parameters (its filters), url-encoded, for export links."""
        return self.query.urlencode()

    def url_for(self, number: int) -> str:
        """ "?…" for page `number`, keeping every other parameter of the current request."""
        query = self.query.copy()
        query[self.param] = str(number)
        return "?" + query.urlencode()

    @property
    def first_url(self) -> str:
        return self.url_for(1)

    @property
    def previous_url(self) -> str:
        return self.url_for(max(1, self.number - 1))

    @property
    def next_url(self) -> str:
        return self.url_for(min(self.pages, self.number + 1))

    @property
    def last_url(self) -> str:
        return self.url_for(self.pages)

    def map(self, dress: Callable[[T], U]) -> Page[U]:
        """The same page with each row turned into what the template shows."""
        return Page([dress(item) for item in self.items], self.number, self.size, self.total, self.param, self.query)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _count(rows: Rows) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)


def page_of(rows: Rows, *, number: int, size: int, param: str = "page", query: QueryDict | None = None) -> Page[Any]:
    """Page `number` (1-based, already clamped to 1…pages by the caller or not) of `rows`."""
    total = _count(rows)
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    items = list(rows[start : start + size])
    return Page(items, number, size, total, param, query if query is not None else QueryDict())


def paginate(request: HttpRequest, rows: Rows, *, param: str = "page", size: int | None = None) -> Page[Any]:
    """The page of `rows` that the request asks for (``?<param>=N``); bad or too-far numbers clamp."""
    raw = request.GET.get(param, "1")
    number = int(raw) if raw.strip().isdigit() else 1
    query = request.GET.copy()
    query.pop(param, None)
    return page_of(rows, number=number, size=size or page_size_default(), param=param, query=query)


def api_page(
    response: HttpResponse,
    rows: Rows,
    *,
    page: int = 1,
    page_size: int | None = None,
    dress: Callable[[Any], Any] | None = None,
) -> list[Any]:
    """The rows of one API page; the totals go in the response headers (the body stays a list)."""
    size = page_size if page_size is not None else page_size_default()
    errors: dict[str, Any] = {}
    if page < 1:
        errors["page"] = _("页码应为大于等于 1 的整数。")
    if not 1 <= size <= api_page_size_max():
        errors["page_size"] = _("每页条数应在 1 到 %(max)s 之间。") % {"max": api_page_size_max()}
    if errors:
        raise InvalidInput(_("分页参数有误。"), errors=errors)
    total = _count(rows)
    start = (page - 1) * size
    items = list(rows[start : start + size]) if start < total else []
    response["X-Total-Count"] = str(total)
    response["X-Page"] = str(page)
    response["X-Page-Size"] = str(size)
    response["X-Page-Count"] = str(max(1, -(-total // size)))
    return [dress(item) for item in items] if dress else items


EXPORT_FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


# A text cell starting with one of these is a formula to Excel, WPS and LibreOffice (a customer
# named "=HYPERLINK(...)"): such text is exported with a leading apostrophe, as OWASP advises.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_text(value: str) -> str:
    """``value`` safe to put in a spreadsheet cell: never read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> Any:
    """Decimal yuan stays exact (openpyxl writes its text); times are Shanghai wall-clock; text
    never becomes a formula."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value.tzinfo else value
    if isinstance(value, str):
        return export_text(value)
    return "" if value is None else value


def export_row(row: Iterable[Any]) -> list[Any]:
    """A row for any export (CSV, or a workbook built elsewhere with openpyxl): see ``_cell``."""
    return [_cell(c) for c in row]


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], *, name: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        for row in rows:
            yield writer.writerow(export_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def xlsx_response(header: Sequence[str], rows: Iterable[Sequence[Any]], *, name: str) -> FileResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=name[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(export_row(row))
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, name: str, fmt: str = "csv"
) -> HttpResponseBase:
    """The whole list as a download; an unknown format falls back to CSV."""
    if fmt == "xlsx":
        return xlsx_response(header, rows, name=name)
    return csv_response(header, rows, name=name)


# -- sorting: ?sort=<key> or ?sort=-<key>, from the list's own whitelist -------------------------


@dataclass(frozen=True)
class SortLink:
    url: str
    arrow: str  # "▲" / "▼" on the column sorted by, "" elsewhere


@dataclass(frozen=True)
class Sorting:
    """How a list is sorted: the chosen key from the view's whitelist (never a field the user
    names), its direction, and the column links (``sorting.links.<key>.url``, ``.arrow``), each
    keeping the page's other filters and going back to page 1."""

    key: str
    descending: bool
    keys: tuple[str, ...]
    query: QueryDict = field(default_factory=QueryDict)
    param: str = "sort"

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    @property
    def links(self) -> dict[str, SortLink]:
        found = {}
        for key in self.keys:
            query = self.query.copy()
            query[self.param] = f"-{key}" if key == self.key and not self.descending else key
            arrow = ("▼" if self.descending else "▲") if key == self.key else ""
            found[key] = SortLink(url="?" + query.urlencode(), arrow=arrow)
        return found


def sort_rows(
    request: HttpRequest, rows: QuerySet[Any], orders: dict[str, tuple[str, ...]], *, param: str = "sort"
) -> tuple[QuerySet[Any], Sorting]:
    """``rows`` in the order the request asks (``?sort=key`` ascending, ``-key`` descending; the
    order fields come from ``orders``, the whitelist); a missing or unknown key keeps the
    selector's own order. The page's and the export's rows are sorted the same way."""
    wanted = request.GET.get(param, "")
    descending, key = wanted.startswith("-"), wanted.removeprefix("-")
    query = request.GET.copy()
    for name in (param, "page"):
        query.pop(name, None)
    sorting = Sorting(
        key=key if key in orders else "", descending=descending, keys=tuple(orders), query=query, param=param
    )
    if not sorting.key:
        return rows, sorting
    fields = [
        f"-{f.removeprefix('-')}" if descending != f.startswith("-") else f.removeprefix("-") for f in orders[key]
    ]
    return rows.order_by(*fields), sorting


def sort_items(
    request: HttpRequest, rows: list[T], keys: dict[str, Callable[[T], Any]], *, param: str = "sort"
) -> tuple[list[T], Sorting]:
    """``sort_rows`` for rows computed in Python (figures): the same ``?sort=`` links, the key
    functions from the page's whitelist; empty values (None) go last either way."""
    wanted = request.GET.get(param, "")
    descending, key = wanted.startswith("-"), wanted.removeprefix("-")
    query = request.GET.copy()
    for name in (param, "page"):
        query.pop(name, None)
    sorting = Sorting(key=key if key in keys else "", descending=descending, keys=tuple(keys), query=query, param=param)
    if not sorting.key:
        return rows, sorting
    value = keys[sorting.key]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=descending) + missing, sorting
