"""Small helpers shared by the page views of every app, and the working-day calendar pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.exceptions import DomainError, Forbidden, NotFound
from gridcare.core.forms import DecisionForm, HolidayFormSet, MakeupDayFormSet, NoticeForm
from gridcare.core.models import CalendarYear
from gridcare.core.services import HolidayRange, YearNotice
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, Scope, can, request_scope, require

View = Callable[..., HttpResponseBase]
T = TypeVar("T")


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request (django-htmx's middleware sets ``request.htmx``, which django-stubs'
    HttpRequest does not declare): the view answers with the fragment only."""
    return bool(getattr(request, "htmx", False))


def page_user(request: HttpRequest) -> User:
    """The signed-in user of a page behind ``staff_required``, which sends anyone else to sign
    in first (django-stubs types ``request.user`` as a user or the anonymous visitor)."""
    return cast(User, request.user)


def page_get(request: HttpRequest, get: Callable[..., T], **key: Any) -> tuple[Scope, T]:
    """The page user's scope and what ``get`` (an app's ``*_get_for_scope``) finds for it by
    ``key``: missing and not the user's are the same 404."""
    scope = request_scope(request)
    return scope, get(scope=scope, **key)


def staff_required(view: View) -> View:
    """Signed-in staff only; a person without a staff role sees nothing (404 after sign-in).
    A post without the capability a page asks for gets 403 (gridcare.org.access.require)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request_scope(request).is_staff:
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapped


def form_errors_from(form: Form, exc: DomainError) -> None:
    """Put a service's per-field messages on the form; the rest becomes a page message."""
    placed = False
    for field, message in exc.errors.items():
        if field in form.fields:
            form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))


def page_action(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] = "",
    form: Form | None = None,
) -> T | None:
    """A staff page's one service call: a refusal (DomainError) goes on ``form`` when the page has
    one, else into the page's messages, and gives None; otherwise ``success`` (a message, or one
    made from the result) is flashed and the result returned. The caller redirects or renders."""
    try:
        result = action()
    except DomainError as exc:
        if form is not None:
            form_errors_from(form, exc)
        else:
            flash_error(request, exc)
        return None
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)
    return result


@dataclass(frozen=True)
class Confirmation:
    """A costly or destructive action asked about before it is done (issue 13, convention 2):
    ``sentence`` says what will happen ("将向 490 户发送停电通知"), ``button`` the action's name;
    the form is sent again with what was typed and ``confirmed=1``."""

    sentence: str
    button: str
    fields: list[tuple[str, str]]
    cancel: str


def confirmed(request: HttpRequest) -> bool:
    """Whether this POST is the second one, sent from the confirmation."""
    return request.POST.get("confirmed") == "1"


def confirmation(request: HttpRequest, *, sentence: str, button: str, cancel: str = "") -> Confirmation:
    """The confirmation of this POST: its fields (not the token) to send again; ``cancel`` the page
    to go back to (this page by default). The page shows it with includes/confirm.html."""
    skip = {"csrfmiddlewaretoken", "confirmed"}
    fields = [(key, value) for key in request.POST if key not in skip for value in request.POST.getlist(key)]
    return Confirmation(sentence=sentence, button=button, fields=fields, cancel=cancel or request.path)


def ask_first(
    request: HttpRequest,
    *,
    ask: Callable[[], Confirmation],
    act: Callable[[], T],
    form: Form,
    success: str | Callable[[Any], str] = "",  # Any: mypy solves T from the caller's unpacking as T | None
) -> tuple[Confirmation | None, T | None]:
    """A costly action's valid POST: the first time ``ask`` (its preview's checks refuse on the
    form as the action's would), once confirmed ``act`` through ``page_action``. Returns the
    confirmation to show, or the action's result (None when refused)."""
    if not confirmed(request):
        return page_action(request, ask, form=form), None
    return None, page_action(request, act, form=form, success=success)


def decision_action(
    request: HttpRequest,
    *,
    back: str,
    sentence: Callable[[bool], str],
    act: Callable[[bool, str], object],
    success: tuple[str, str],
    page: Callable[[Confirmation], HttpResponse],
) -> HttpResponse:
    """A second person's decision (``core.approval``), posted from
    ``includes/approval_decision.html``: approve or reject with a note, asked first with
    ``sentence(approve)``, then ``act(approve, note)`` (the service's decide) through
    ``page_action``, ``success`` flashed (approved, rejected). The question is shown on the
    request's own page (``page(confirmation)``); anything else goes back to ``back``, a refusal
    (someone decided first, the asker deciding) in the page's messages."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准或驳回。"))
        return redirect(back)
    approve, note = form.cleaned_data["approve"] == "1", form.cleaned_data["note"]
    confirm, _done = ask_first(
        request,
        ask=lambda: confirmation(
            request,
            sentence=sentence(approve),
            button=_("确认批准") if approve else _("确认驳回"),
            cancel=back,
        ),
        act=lambda: act(approve, note),
        form=form,
        success=success[0] if approve else success[1],
    )
    if confirm is not None:
        return page(confirm)
    if form.errors:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(back)


# -- the working-day calendar: /calendar/ and /calendar/<year>/ --------------------------------


def _calendar_scope(request: HttpRequest) -> Scope:
    """Administrators and supervisors may look; only administrators may save (the service)."""
    return require(request_scope(request), Capability.CALENDAR_VIEW)


@staff_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    from gridcare.core.selectors import calendar_overview

    scope = _calendar_scope(request)
    wanted = request.GET.get("year", "")
    if wanted.isdigit() and 2000 <= int(wanted) <= 2100:
        return redirect("calendar:year", year=int(wanted))
    years = calendar_overview(today=business_date())
    can_edit = can(scope, Capability.CALENDAR_EDIT)
    return render(request, "core/calendar_list.html", {"years": years, "can_edit": can_edit})


@dataclass
class _YearForms:
    notice: NoticeForm
    holidays: Any  # HolidayFormSet
    makeup: Any  # MakeupDayFormSet

    def all_valid(self) -> bool:
        return all([self.notice.is_valid(), self.holidays.is_valid(), self.makeup.is_valid()])


def _year_forms(data: Any = None, row: CalendarYear | None = None) -> _YearForms:
    if data is not None:
        return _YearForms(NoticeForm(data), HolidayFormSet(data, prefix="h"), MakeupDayFormSet(data, prefix="m"))
    holidays = [{"name": h.name, "first": h.first, "last": h.last} for h in row.holidays.all()] if row else []
    makeup = [{"day": m.day} for m in row.makeup_days.all()] if row else []
    return _YearForms(
        NoticeForm(initial={"source": row.source if row else ""}),
        HolidayFormSet(initial=holidays, prefix="h"),
        MakeupDayFormSet(initial=makeup, prefix="m"),
    )


def _notice_of(forms: _YearForms) -> tuple[YearNotice, dict[str, Any]]:
    """The notice the forms describe (blank rows skipped) and, for each service error key, the
    form it belongs to."""
    holidays: list[HolidayRange] = []
    places: dict[str, Any] = {"source": forms.notice, "holidays": forms.holidays}
    for form in forms.holidays.forms:
        data = form.cleaned_data
        if form.is_blank():
            continue
        if not data.get("first") or not data.get("last"):
            form.add_error(None, _("请选择放假开始和结束日期。"))
            continue
        places[f"holidays.{len(holidays)}"] = form
        places[f"holidays.{len(holidays)}.name"] = form
        holidays.append(HolidayRange(data.get("name") or "", data["first"], data["last"]))
    days: list[date] = []
    for form in forms.makeup.forms:
        if form.cleaned_data.get("day"):
            places[f"makeup_days.{len(days)}"] = form
            days.append(form.cleaned_data["day"])
    return YearNotice(forms.notice.cleaned_data.get("source") or "", holidays, days), places


def _place_errors(errors: dict[str, str], places: dict[str, Any], forms: _YearForms) -> None:
    for key, message in errors.items():
        target = places.get(key)
        if target is forms.holidays:
            forms.notice.add_error(None, message)
        elif target is forms.notice:
            forms.notice.add_error("source", message)
        elif target is not None:
            target.add_error(None, message)
        else:
            forms.notice.add_error(None, message)


def _has_errors(forms: _YearForms) -> bool:
    return bool(forms.notice.errors) or any(f.errors for f in forms.holidays.forms + forms.makeup.forms)


@staff_required
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    """Add or correct a year: fill in, check (a confirmation page shows what will be saved and
    how many provisional deadlines it recomputes), then save."""
    from gridcare.core.selectors import calendar_changes, calendar_year_get
    from gridcare.core.services import (
        FIRST_YEAR,
        LAST_YEAR,
        calendar_year_errors,
        calendar_year_save,
        snapshot,
    )
    from gridcare.workorders.services.recalendar import provisional_open_count

    scope = _calendar_scope(request)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    can_edit = can(scope, Capability.CALENDAR_EDIT)
    row = calendar_year_get(year=year)
    forms, confirming, notice = _year_forms(row=row), False, None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有系统管理员可以维护节假日安排。"))
        forms = _year_forms(data=request.POST)
        if forms.all_valid():
            notice, places = _notice_of(forms)
            _place_errors(calendar_year_errors(year=year, data=notice), places, forms)
            if not _has_errors(forms) and request.POST.get("confirm") == "1":
                try:
                    saved = calendar_year_save(scope=scope, actor=request.user, year=year, data=notice)
                except DomainError as exc:
                    _place_errors(exc.errors or {"": str(exc.message)}, places, forms)
                else:
                    messages.success(request, _saved_message(year, saved))
                    return redirect("calendar:list")
            confirming = not _has_errors(forms) and request.POST.get("edit") != "1"
    context = {
        "year": year,
        "row": row,
        "forms": forms,
        "can_edit": can_edit,
        "confirming": confirming,
        "preview": snapshot(notice) if confirming and notice else None,
        "pending": provisional_open_count(year),
        "changes": calendar_changes(year=year)[:20],
    }
    return render(request, "core/calendar_year.html", context)


def _saved_message(year: int, saved: Any) -> str:
    if not saved.changed:
        return str(_("%(year)s 年节假日安排没有变化。") % {"year": year})
    return str(
        _("已保存 %(year)s 年节假日安排，重算暂定时限：工单 %(d)d 个，业扩报装 %(c)d 个。")
        % {"year": year, "d": saved.recomputed_deadlines, "c": saved.recomputed_connections}
    )
