"""星级评定 and 星级标准 (ASSESS-1): a month's star ratings of the people and places in the
caller's reach (one's own for posts without ASSESS_FIGURES) with filters, sorting, paging and an
export of what the list shows; one rating's reasons as sentences and the subject's last twelve
months; every post's standard sets with their versions, and (STAR_STANDARDS_EDIT) a new version
made from a copy of the newest one, asked first."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.assessment import selectors_stars as ss
from gridcare.assessment.access import sees_others
from gridcare.assessment.forms_stars import ROWS, RatingFilterForm, StandardSetForm
from gridcare.assessment.models import StandardSet, StarPost
from gridcare.assessment.rules.stars import plain
from gridcare.assessment.services import stars
from gridcare.assessment.stars_access import rating_get_for_scope
from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import Confirmation, ask_first, confirmation, page_get, page_user, staff_required
from gridcare.org.access import Capability, Reach, Scope, can, request_scope, require
from gridcare.org.selectors import place_in_reach


def _last_month() -> date:
    return ss.month_before(ss.month_first(business_date()))


def _listed(request: HttpRequest, scope: Scope) -> tuple[Any, Any, RatingFilterForm, date]:
    """The ratings as the filters ask (a filter refused on its field filters nothing), sorted."""
    others = sees_others(scope)
    filters = RatingFilterForm(request.GET or None, scope=scope, others=others)
    wanted: dict[str, str] = {}
    if filters.is_bound:
        filters.is_valid()
        wanted = {k: v for k, v in getattr(filters, "cleaned_data", {}).items() if v}
    month = _last_month()
    if wanted.get("month"):
        year, number = (int(p) for p in wanted["month"].split("-"))
        month = date(year, number, 1)
    unit = place_in_reach(scope, Reach.ASSESSMENT, "unit", wanted["unit"]) if wanted.get("unit") else None
    hall = place_in_reach(scope, Reach.ASSESSMENT, "hall", wanted["hall"]) if wanted.get("hall") else None
    rows = ss.rating_list(scope=scope, month=month, level=wanted.get("level", ""), unit_id=unit, hall_id=hall)
    rows, sorting = sort_rows(request, rows, ss.RATING_SORTS)
    return rows, sorting, filters, month


@staff_required
def star_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows, sorting, filters, month = _listed(request, scope)
    page = paginate(request, rows)
    shown = ss.rating_rows(page.items)
    context = {
        "page": page,
        "rows": shown,
        "sorting": sorting,
        "filters": filters,
        "month": month,
        "others": sees_others(scope),
    }
    return render(request, "assessment/stars.html", context)


STAR_EXPORT_HEADER = ("月份", "层级", "名称", "适用岗位", "标准版本", "星级", "得分", "评定依据")


def star_line(row: ss.RatingRow) -> list[Any]:
    r = row.rating
    reasons = "；".join(sentence for _met, sentence in ss.rating_sentences(r))
    return [row.month, row.level_label, row.name, row.post_label, r.standard_set.version, r.stars, r.score, reasons]


@staff_required
def star_export(request: HttpRequest) -> HttpResponseBase:
    scope = request_scope(request)
    rows, _sorting, _filters, month = _listed(request, scope)
    header = [_(h) for h in STAR_EXPORT_HEADER]
    lines = (star_line(row) for row in ss.rating_rows(rows.iterator()))
    return export_response(header, lines, name=f"stars-{month:%Y%m}", fmt=request.GET.get("format", "xlsx"))


@staff_required
def star_detail(request: HttpRequest, rating_id: int) -> HttpResponse:
    scope, rating = page_get(request, rating_get_for_scope, rating_id=rating_id)
    row = ss.rating_rows([rating])[0]
    history = [(month, ss.rating_rows([r])[0] if r else None) for month, r in ss.subject_months(rating)]
    context = {
        "row": row,
        "rating": rating,
        "sentences": ss.rating_sentences(rating),
        "history": history,
        "standard_set": rating.standard_set,
        "drill_month": f"{rating.month:%Y-%m}",
        "can_drill": rating.level == "person" or sees_others(scope),
    }
    return render(request, "assessment/star.html", context)


@staff_required
def standards(request: HttpRequest) -> HttpResponse:
    """Every post's standard sets, newest version first (every post may read what it is rated by)."""
    scope = request_scope(request)
    context = {
        "posts": ss.post_sets(today=business_date()),
        "can_edit": can(scope, Capability.STAR_STANDARDS_EDIT),
        "bands": [plain(b) for b in ss.star_bands()],
    }
    return render(request, "assessment/standards.html", context)


def _copy_of(post: str) -> dict[str, Any]:
    """The form's first values: a copy of the post's newest version, valid from next month."""
    initial: dict[str, Any] = {"post": post, "valid_from": f"{ss.month_after(ss.month_first(business_date())):%Y-%m}"}
    latest: StandardSet | None = ss.latest_set(post)
    if latest is not None:
        for i, s in enumerate(ss.standards_of(latest)[:ROWS], start=1):
            initial |= {
                f"figure_{i}": s.figure,
                f"comparison_{i}": s.comparison,
                f"threshold_{i}": plain(s.threshold),
                f"weight_{i}": s.weight,
            }
    return initial


def _put_errors(form: StandardSetForm, rows: list[int], exc: InvalidInput) -> None:
    """A service refusal's ``standards.<i>.<field>`` messages onto the form row they came from."""
    for key, message in list(exc.errors.items()):
        parts = str(key).split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            exc.errors.pop(key)
            exc.errors[f"{parts[2]}_{rows[int(parts[1])]}"] = message


@staff_required
def standard_new(request: HttpRequest) -> HttpResponse:
    """A new version of a post's standards (STAR_STANDARDS_EDIT), asked first."""
    scope = require(request_scope(request), Capability.STAR_STANDARDS_EDIT)
    post = request.GET.get("post", "")
    post = post if post in StarPost.values else StarPost.COUNTER_CLERK
    form = StandardSetForm(request.POST or None, initial=_copy_of(post))
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data, rows = form.new_set()

        def checked(action: Any) -> Any:
            def run() -> Any:
                try:
                    return action()
                except InvalidInput as exc:
                    _put_errors(form, rows, exc)
                    raise

            return run

        confirm, done = ask_first(
            request,
            ask=checked(
                lambda: confirmation(
                    request, sentence=stars.standard_set_preview(scope=scope, data=data).sentence, button=_("确认保存")
                )
            ),
            act=checked(lambda: stars.standard_set_create(scope=scope, actor=page_user(request), data=data)),
            form=form,
            success=lambda s: (
                _("已保存%(post)s的星级标准第 %(version)d 版，自 %(month)s 起生效。")
                % {"post": StarPost(s.post).label, "version": s.version, "month": f"{s.valid_from:%Y-%m}"}
            ),
        )
        if done is not None:
            return redirect("assessment:standards")
    return render(request, "assessment/standard_new.html", {"form": form, "confirm": confirm})
