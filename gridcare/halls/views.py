"""Hall pages: kiosk, guide's tablet, counter console, display board, floor view, evaluation pad,
set-up, devices, terminals, figures. Thin: access, one service or selector, render.

The kiosk, the board and the pads are the hall's registered devices (``device_screen``): a paired
browser's device cookie opens its own screen and nothing else; the hall manager may look at them
(a preview that takes no ticket and no rating); anyone else is sent to the sign-in page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gridcare.assessment.selectors_stars import hall_stars
from gridcare.assessment.selectors_surveys import pad_offer_link, survey_open
from gridcare.billing.selectors import AccountDue, bill_history, payment_history
from gridcare.core.exceptions import DomainError, Forbidden, InvalidInput, NotFound
from gridcare.core.paging import paginate
from gridcare.core.qr import qr_svg
from gridcare.core.timezone import business_date, now
from gridcare.core.views import form_errors_from, is_htmx, page_get, staff_required
from gridcare.customers.models import Account
from gridcare.customers.related import due_for
from gridcare.halls import figures, forms, push, selectors
from gridcare.halls.access import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_SALT,
    counter_get_for_scope,
    device_cookie_seconds,
    device_get_for_scope,
    device_serves,
    hall_get_for_scope,
    request_device,
    terminal_get_for_scope,
    ticket_for_link,
    ticket_get_for_device,
    ticket_get_for_scope,
    ticket_link_token,
)
from gridcare.halls.exceptions import NotYourCounter
from gridcare.halls.live_screens import board_context, floor_context, live_body, live_key, live_queue
from gridcare.halls.models import (
    Appointment,
    BusinessType,
    CounterStatus,
    DeviceKind,
    HallDevice,
    Kind,
    MaintenanceTask,
    Priority,
    Source,
    Ticket,
)
from gridcare.halls.services import appointments, devices, evaluations, setup, terminals, tickets
from gridcare.halls.services.evaluations import REASONS
from gridcare.org.access import Capability, Scope, can, request_scope, require
from gridcare.org.models import Counter, Hall, Staff
from gridcare.workorders.selectors import orders_of_account

View = Callable[..., HttpResponseBase]


def hall_page(view: View) -> View:
    """Signed-in staff who can see the hall; a role that may look but not act gets 403."""

    @staff_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapped


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted id; anything that is not a whole number is no id (0: not found)."""
    raw = request.POST.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 19 else 0


def _hall(request: HttpRequest, code: str, capability: Capability | None = None) -> Hall:
    scope, hall = page_get(request, hall_get_for_scope, code=code)
    if capability is not None:
        require(scope, capability)
    return hall


def _counter(request: HttpRequest, counter_id: int, capability: Capability | None = None) -> Counter:
    scope, counter = page_get(request, counter_get_for_scope, counter_id=counter_id)
    if capability is not None:
        require(scope, capability)
    return counter


@hall_page
def index(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.HALL_VIEW)
    halls = selectors.halls_for(scope).prefetch_related("counters")
    return render(
        request,
        "halls/index.html",
        {
            "halls": halls,
            "can_call": can(scope, Capability.TICKET_CALL),
            "can_manage": can(scope, Capability.HALL_MANAGE),
            "can_see_figures": can(scope, Capability.HALL_FIGURES),
        },
    )


# --- the hall's device screens -----------------------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """Who is looking at a device screen: the paired device itself, or (``device`` None) the hall
    manager's preview."""

    hall: Hall
    device: HallDevice | None
    counter: Counter | None = None

    @property
    def preview(self) -> bool:
        return self.device is None


def device_screen(kind: DeviceKind) -> Callable[[View], View]:
    """The screen of ``kind`` for its paired device (the signed device cookie); a preview for the
    hall manager (GET only: a preview takes no ticket and no rating); the sign-in page for
    everyone else, a device of another kind, hall or counter, and a revoked one."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            hall_code, counter_id = kwargs.get("hall_code"), kwargs.get("counter_id")
            device = request_device(request)
            if device is not None and device_serves(device, kind, hall_code=hall_code, counter_id=counter_id):
                return view(request, Screen(hall=device.hall, device=device, counter=device.counter), *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return _preview(request, view, args, kwargs)

        return wrapped

    return decorate


def _preview(request: HttpRequest, view: View, args: Any, kwargs: dict[str, Any]) -> HttpResponseBase:
    scope = request_scope(request)
    if not scope.is_staff:
        raise Http404
    try:
        if kwargs.get("counter_id") is not None:
            found = counter_get_for_scope(scope=scope, counter_id=kwargs["counter_id"])
            counter: Counter | None = found
            hall = found.hall
        else:
            counter = None
            hall = hall_get_for_scope(scope=scope, code=kwargs["hall_code"])
        require(scope, Capability.DEVICE_PREVIEW)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from exc
    if request.method != "GET":
        raise PermissionDenied(_("预览只能查看：取号和评价请在已配对的设备上操作。"))
    return view(request, Screen(hall=hall, device=None, counter=counter), *args, **kwargs)


# --- taking a ticket -----------------------------------------------------------------------------


@device_screen(DeviceKind.KIOSK)
def kiosk(request: HttpRequest, screen: Screen, hall_code: str) -> HttpResponse:
    hall = screen.hall
    types = BusinessType.objects.filter(hall=hall, active=True).exclude(kind=Kind.KEY_ACCOUNT).order_by("prefix")
    context: dict[str, Any] = {
        "hall": hall,
        "types": types,
        "rules": appointments.appointment_rules(),
        "closed": tickets.hall_closed_notice(hall),
        "typed": {"phone": "", "priority": Priority.NORMAL},
        "preview": screen.preview,
    }
    if request.method == "POST" and screen.device is not None:
        try:
            ticket = _kiosk_ticket(request, screen.device)
        except DomainError as exc:
            if _is_check_in(request):
                messages.error(request, str(exc.message))
                return redirect("halls:kiosk", hall_code=hall.code)
            # On the screen itself, with what was typed kept, so the customer corrects one digit.
            context["refusal"] = str(exc.errors.get("phone") or exc.message)
            context["typed"] = {
                "phone": request.POST.get("phone", "")[:20],
                "priority": request.POST.get("priority", Priority.NORMAL),
            }
            return render(request, "halls/kiosk.html", context, status=exc.status_code)
        appointment = Appointment.objects.filter(ticket=ticket).first() if ticket.source == Source.APPOINTMENT else None
        status_url = request.build_absolute_uri(reverse("halls:ticket_status", args=[ticket_link_token(ticket)]))
        context = {
            "hall": hall,
            "ticket": selectors.ticket_view(ticket),
            "appointment": appointment,
            "status_url": status_url,
            "status_qr": qr_svg(status_url),
        }
        return render(request, "halls/kiosk_ticket.html", context)
    return render(request, "halls/kiosk.html", context)


def _is_check_in(request: HttpRequest) -> bool:
    return "check_in" in request.POST or request.POST.get("priority") == Priority.APPOINTMENT


def _kiosk_ticket(request: HttpRequest, kiosk: HallDevice) -> Ticket:
    """A ticket from the touch screen: 预约签到 with the appointment's reference, otherwise the
    business pressed (normal or green channel)."""
    scope = request_scope(request)
    priority = request.POST.get("priority", Priority.NORMAL)
    if _is_check_in(request):
        reference = request.POST.get("reference", "") or request.POST.get("appointment_ref", "")
        if not reference.strip():
            raise InvalidInput(_("请输入预约号。"))
        return appointments.appointment_check_in(
            scope=scope, actor=None, reference=reference, hall=kiosk.hall, device=kiosk
        )
    return tickets.ticket_issue(
        scope=scope,
        actor=None,
        hall=kiosk.hall,
        kind=request.POST.get("kind", ""),
        source=Source.KIOSK,
        priority=priority if priority in tickets.KIOSK_PRIORITIES else Priority.NORMAL,
        phone=request.POST.get("phone", ""),
        device=kiosk,
    )


@hall_page
def guide(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.TICKET_ISSUE)
    form = forms.GuideForm(request.POST or None, hall=hall)
    result = None
    if request.method == "POST" and "check_in" in request.POST:
        result = _guide_check_in(request, hall)
        form = forms.GuideForm(hall=hall)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "divert" in request.POST:
                diversion = terminals.diversion_record(
                    scope=request_scope(request),
                    actor=request.user,
                    hall=hall,
                    kind=data["kind"],
                    terminal=data["terminal"],
                )
                messages.success(request, _("已引导客户至%(t)s自助办理。") % {"t": diversion.terminal})
                return redirect("halls:guide", hall_code=hall.code)
            ticket = tickets.ticket_issue(
                scope=request_scope(request),
                actor=request.user,
                hall=hall,
                kind=data["kind"],
                source=Source.GUIDE,
                priority=data["priority"],
                phone=data["phone"],
                account_no=data["account_no"],
            )
            result = selectors.ticket_view(ticket)
            form = forms.GuideForm(hall=hall)
        except DomainError as exc:
            form_errors_from(form, exc)
    context = {
        "hall": hall,
        "form": form,
        "result": result,
        "appointments": appointments.appointments_of_day(hall, business_date()),
    }
    return render(request, "halls/guide.html", context)


def _guide_check_in(request: HttpRequest, hall: Hall) -> selectors.TicketView | None:
    """The guide checks a customer's appointment in from today's list."""
    try:
        ticket = appointments.appointment_check_in(
            scope=request_scope(request), actor=request.user, reference=request.POST["check_in"], hall=hall
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None
    return selectors.ticket_view(ticket)


# --- counter console -------------------------------------------------------------------------------


def _console_context(request: HttpRequest, counter: Counter) -> dict[str, Any]:
    current = selectors.counter_current(counter)
    queue = live_queue(counter.hall)
    setup = selectors.counter_setup(counter)
    account = current.account if current else None
    seconds = _seconds_since(current.called_at) if current else 0
    return {
        "counter": counter,
        "setup": setup,
        "clerk": _staff_of(setup.clerk if setup else None),
        "current": current,
        "called_seconds": seconds,
        "called_clock": f"{seconds // 60:02d}:{seconds % 60:02d}",
        "account": account,
        "customer": _customer_at_counter(request_scope(request), account) if account else None,
        "line": next((c for c in queue.counters if c.id == counter.pk), None),
        "queue": queue,
        "transfer_types": BusinessType.objects.filter(hall=counter.hall, active=True).order_by("prefix"),
        "transfer_counters": Counter.objects.filter(hall=counter.hall).exclude(pk=counter.pk),
    }


def _staff_of(user: Any) -> Staff | None:
    """The staff record of the person signed in at a counter (None: nobody, or no staff record)."""
    return getattr(user, "staff", None) if user is not None else None


def _seconds_since(moment: datetime | None) -> int:
    return max(0, int((now() - moment).total_seconds())) if moment else 0


@dataclass(frozen=True)
class CustomerAtCounter:
    """What the clerk needs of the current ticket's account: its open work orders, and (posts
    with BILL_VIEW) what it owes today and the last bill and payment to print."""

    open_orders: list[Any]
    due: AccountDue | None
    last_bill: Any
    last_payment: Any


def _customer_at_counter(scope: Scope, account: Account) -> CustomerAtCounter:
    due = due_for(scope=scope, account=account)
    return CustomerAtCounter(
        open_orders=orders_of_account(scope=scope, account=account, open_only=True),
        due=due,
        last_bill=bill_history(account=account).first() if due is not None else None,
        last_payment=payment_history(account=account).first() if due is not None else None,
    )


@hall_page
def counter_by_number(request: HttpRequest, hall_code: str, number: int, page: str) -> HttpResponse:
    """/halls/H01/counter/3/: the counter's console by the number on the desk."""
    hall = _hall(request, hall_code)
    counter = Counter.objects.filter(hall=hall, number=number).first()
    if counter is None:
        raise Http404
    return redirect(f"halls:{page}", counter_id=counter.pk)


def pad_by_number(request: HttpRequest, hall_code: str, number: int) -> HttpResponseBase:
    """/halls/H01/pad/3/: the pad of counter 3, for that pad itself or the manager's preview."""
    device = request_device(request)
    serves = device is not None and device_serves(device, DeviceKind.PAD, hall_code=hall_code)
    if serves and device is not None and device.counter is not None and device.counter.number == number:
        return redirect("halls:pad", counter_id=device.counter_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return counter_by_number(request, hall_code=hall_code, number=number, page="pad")


@hall_page
def console(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter(request, counter_id, Capability.TICKET_CALL)
    if is_htmx(request):
        return render(request, "halls/_console_state.html", _console_context(request, counter))
    return render(request, "halls/console.html", {**_console_context(request, counter), "live_push": push.enabled()})


@hall_page
@require_GET
def console_events(request: HttpRequest, counter_id: int) -> HttpResponseBase:
    """The console's pushed refreshes: the hall's queue section each time it changes, and a
    nudge to fetch the console's own state when the counter's line changed (its status, its
    ticket, its clerk, who waits for it)."""
    counter = _counter(request, counter_id, Capability.TICKET_CALL)
    return push.event_stream(request, hall=counter.hall, kind="console_queue", counter_id=counter.pk)


@require_POST
@hall_page
def console_action(request: HttpRequest, counter_id: int, action: str) -> HttpResponse:
    counter = _counter(request, counter_id, Capability.TICKET_CALL)
    try:
        _console_do(request, counter, action)
    except DomainError as exc:
        if isinstance(exc, Forbidden) and not isinstance(exc, NotYourCounter):
            raise
        messages.error(request, str(exc.message))
    if not is_htmx(request):
        return redirect("halls:console", counter_id=counter.pk)
    return render(request, "halls/_console_state.html", _console_context(request, counter))


def _console_do(request: HttpRequest, counter: Counter, action: str) -> None:
    scope = request_scope(request)
    actor = request.user
    if action == "call":
        ticket = tickets.counter_call_next(scope=scope, actor=actor, counter=counter)
        if ticket is None:
            messages.info(request, _("当前没有等候本窗口的客户。"))
        return
    if action in ("pause", "resume", "close"):
        status = {"pause": CounterStatus.PAUSED, "resume": CounterStatus.OPEN, "close": CounterStatus.CLOSED}[action]
        tickets.counter_set_status(scope=scope, actor=actor, counter=counter, status=status)
        return
    ticket = ticket_get_for_scope(scope=scope, ticket_id=_posted_id(request, "ticket"))
    if ticket.counter_id is not None and ticket.counter_id != counter.pk:
        raise NotYourCounter(_("%(number)s号不在本窗口办理。") % {"number": ticket.number})
    if action == "recall":
        tickets.ticket_recall(scope=scope, actor=actor, ticket=ticket)
        done = _("已重呼 %(number)s号。")
    elif action == "no_show":
        tickets.ticket_no_show(scope=scope, actor=actor, ticket=ticket)
        done = _("%(number)s号已过号。")
    elif action == "finish":
        tickets.ticket_finish(scope=scope, actor=actor, ticket=ticket, outcome=request.POST.get("outcome", ""))
        done = _("%(number)s号已办结。")
    elif action == "transfer":
        target = request.POST.get("target", "")
        kind, _sep, counter_id = target.partition(":")
        if kind == "counter":
            tickets.ticket_transfer(scope=scope, actor=actor, ticket=ticket, counter_id=int(counter_id or 0))
        else:
            tickets.ticket_transfer(scope=scope, actor=actor, ticket=ticket, kind=counter_id or kind)
        done = _("%(number)s号已转移，回到等候队列。")
    else:
        raise PermissionDenied
    messages.success(request, done % {"number": ticket.number})


def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    """/halls/t/<signed ticket>/: the customer's own page of their ticket, opened from the QR on
    the slip (no sign-in): the number, its business, the people ahead and the wait, refreshed by
    the page every 15 seconds; only on the day the ticket was taken."""
    try:
        ticket = ticket_for_link(token, today=business_date())
    except NotFound as exc:
        return render(request, "halls/ticket_status.html", {"gone": str(exc.message)}, status=404)
    context = {"hall": ticket.hall, "ticket": selectors.ticket_view(ticket), "token": token}
    template = "halls/_ticket_status.html" if is_htmx(request) else "halls/ticket_status.html"
    return render(request, template, context)


# --- board, floor, pad -----------------------------------------------------------------------------


def live_fragment(request: HttpRequest, *, kind: str, hall: Hall) -> HttpResponse:
    """A live screen's refresh (issue 20): rendered once per change of the hall (its live version,
    raised by every service that changes what the screen shows), per minute (waits and estimates
    count in minutes) and per language, and answered from the cache until then; a browser that
    sends the ETag back gets a 304. Never staler than the refresh: the version is read each time."""
    key = live_key(hall)
    etag = f'"{kind}-{key}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(live_body(kind, hall, key))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"  # kept, but asked again on every refresh
    return response


@device_screen(DeviceKind.BOARD)
def board(request: HttpRequest, screen: Screen, hall_code: str) -> HttpResponse:
    hall = screen.hall
    if is_htmx(request):
        return live_fragment(request, kind="board", hall=hall)
    # The frame: the hall's latest stars, published (公示) on the board.
    page = {
        **board_context(hall),
        "preview": screen.preview,
        "stars": hall_stars([hall.pk]).get(hall.pk),
        "live_push": push.enabled(),
    }
    return render(request, "halls/board.html", page)


@device_screen(DeviceKind.BOARD)
@require_GET
def board_events(request: HttpRequest, screen: Screen, hall_code: str) -> HttpResponseBase:
    """The board's pushed refreshes (server-sent events): the board's state each time it changes."""
    return push.event_stream(request, hall=screen.hall, kind="board")


@hall_page
def floor(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.HALL_FIGURES)
    if is_htmx(request):
        return live_fragment(request, kind="floor", hall=hall)
    return render(request, "halls/floor.html", {**floor_context(hall), "live_push": push.enabled()})


@hall_page
@require_GET
def floor_events(request: HttpRequest, hall_code: str) -> HttpResponseBase:
    """The floor view's pushed refreshes."""
    return push.event_stream(request, hall=_hall(request, hall_code, Capability.HALL_FIGURES), kind="floor")


@device_screen(DeviceKind.PAD)
def pad(request: HttpRequest, screen: Screen, counter_id: int) -> HttpResponse:
    counter = screen.counter
    assert counter is not None  # a pad's screen is always a counter's
    thanks = False
    survey_qr = None
    if request.method == "POST" and screen.device is not None:
        try:
            ticket = ticket_get_for_device(device=screen.device, ticket_id=_posted_id(request, "ticket"))
            evaluations.evaluation_submit(
                device=screen.device,
                ticket=ticket,
                rating=request.POST.get("rating", ""),
                reasons=request.POST.getlist("reasons"),
            )
            thanks = True
            # The satisfaction survey, offered as a QR code for the customer's phone (ASSESS-5).
            if survey_open():
                survey_qr = qr_svg(pad_offer_link(ticket.pk), scale=4)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    to_rate = selectors.ticket_to_rate(counter)
    showing = request.GET.get("showing")
    if showing and to_rate is not None and showing == str(to_rate.pk):
        return HttpResponse(status=204)  # the same question is still on the pad: leave it alone
    context = {
        "counter": counter,
        "clerk": _pad_clerk(counter, to_rate),
        "ticket": to_rate,
        "reasons": REASONS,
        "thanks": thanks,
        "survey_qr": survey_qr,
        "preview": screen.preview,
    }
    template = "halls/_pad_state.html" if is_htmx(request) else "halls/pad.html"
    return render(request, template, context)


def _pad_clerk(counter: Counter, to_rate: Ticket | None) -> Staff | None:
    """Who the pad shows: the clerk who served the ticket being rated, otherwise the clerk signed in
    at the counter."""
    if to_rate is not None and to_rate.clerk_id is not None:
        return Staff.objects.filter(user_id=to_rate.clerk_id).first()
    setup = selectors.counter_setup(counter)
    return _staff_of(setup.clerk if setup else None)


# --- manager's pages -------------------------------------------------------------------------------


@hall_page
def setup_page(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.HALL_MANAGE)
    scope = request_scope(request)
    policy = selectors.policy_for(hall)
    policy_form = forms.PolicyForm(request.POST if "policy" in request.POST else None, hall=hall, policy=policy)
    if request.method == "POST":
        try:
            if "policy" in request.POST and policy_form.is_valid():
                setup.hall_policy_update(scope=scope, hall=hall, **policy_form.cleaned_data)
            elif "type" in request.POST:
                business_type = BusinessType.objects.get(hall=hall, pk=int(request.POST["type"]))
                setup.business_type_update(
                    scope=scope,
                    business_type=business_type,
                    name=request.POST.get("name", ""),
                    prefix=request.POST.get("prefix", ""),
                    expected_minutes=int(request.POST.get("expected_minutes", "0") or 0),
                    active="active" in request.POST,
                )
            elif "counter" in request.POST:
                counter = Counter.objects.get(hall=hall, pk=int(request.POST["counter"]))
                setup.counter_configure(scope=scope, counter=counter, kinds=request.POST.getlist("kinds"))
            else:
                raise DomainError(_("提交的数据有误。"))
        except (DomainError, ValueError, BusinessType.DoesNotExist, Counter.DoesNotExist) as exc:
            messages.error(request, str(getattr(exc, "message", _("提交的数据有误。"))))
        else:
            messages.success(request, _("已保存。"))
            return redirect("halls:setup", hall_code=hall.code)
    counters = [(c, selectors.counter_setup(c)) for c in Counter.objects.filter(hall=hall)]
    types = BusinessType.objects.filter(hall=hall).order_by("prefix")
    return render(
        request,
        "halls/setup.html",
        {"hall": hall, "types": types, "counters": counters, "policy_form": policy_form, "kinds": Kind.choices},
    )


@hall_page
def terminals_page(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.TERMINALS_VIEW)
    scope = request_scope(request)
    if request.method == "POST":
        try:
            if "task" in request.POST:
                task = MaintenanceTask.objects.get(terminal__hall=hall, pk=int(request.POST["task"]))
                terminals.task_resolve(scope=scope, actor=request.user, task=task)
            else:
                terminal = terminal_get_for_scope(scope=scope, terminal_id=int(request.POST.get("terminal", "0")))
                if terminal.hall_id != hall.pk:
                    raise PermissionDenied
                if request.POST.get("fault"):
                    terminals.terminal_report_fault(
                        scope=scope, actor=request.user, terminal=terminal, description=request.POST["fault"]
                    )
                else:
                    terminals.terminal_set_status(
                        scope=scope, actor=request.user, terminal=terminal, status=request.POST.get("status", "")
                    )
        except (DomainError, ValueError, MaintenanceTask.DoesNotExist) as exc:
            if isinstance(exc, Forbidden):
                raise
            messages.error(request, str(getattr(exc, "message", _("提交的数据有误。"))))
        else:
            messages.success(request, _("已保存。"))
        return redirect("halls:terminals", hall_code=hall.code)
    tasks = paginate(
        request,
        MaintenanceTask.objects.filter(terminal__hall=hall).select_related("terminal").order_by("-created_at", "-id"),
    )
    return render(
        request,
        "halls/terminals.html",
        {"hall": hall, "terminals": selectors.terminals_of(hall), "tasks": tasks, "statuses": forms.TERMINAL_STATUSES},
    )


def _period(request: HttpRequest) -> tuple[date, date, str]:
    return figures.parse_period(request.GET.get("day", ""), request.GET.get("month", ""))


@hall_page
def figures_page(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.HALL_FIGURES)
    start, end, label = _period(request)
    report = figures.hall_figures(hall, start, end)
    return render(
        request,
        "halls/figures.html",
        {
            "hall": hall,
            "report": report,
            "label": label,
            "charts": figures.charts(report),
            "query": request.GET.urlencode(),
        },
    )


@hall_page
def figures_export(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, Capability.HALL_FIGURES)
    start, end, label = _period(request)
    content = figures.workbook(hall, figures.hall_figures(hall, start, end), label)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="hall-{hall.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


# --- the hall's devices: the manager registers, pairs and revokes them ------------------------------

DEVICE_ACTIONS = ("register", "pair", "revoke")


@never_cache
@hall_page
def devices_page(request: HttpRequest, hall_code: str) -> HttpResponse:
    """/halls/H01/devices/: the kiosks, boards and pads of the hall. Every action is confirmed
    first (a POST without ``confirmed`` only asks); a pairing link is shown once."""
    hall = _hall(request, hall_code, Capability.HALL_MANAGE)
    context: dict[str, Any] = {"hall": hall, "form": request.POST if request.method == "POST" else {}}
    action = request.POST.get("action", "")
    if request.method == "POST" and action in DEVICE_ACTIONS:
        try:
            device = _device_posted(request, hall, action)
            if request.POST.get("confirmed") != "1":
                context["confirm"] = {"action": action, "device": device, "kind": request.POST.get("kind", "")}
            else:
                context["paired"] = _device_do(request, hall, action, device)
        except DomainError as exc:
            if isinstance(exc, Forbidden):
                raise
            messages.error(request, str(exc.message))
            context["errors"] = exc.errors
    context |= {
        "devices": selectors.devices_of(hall),
        "counters": Counter.objects.filter(hall=hall).order_by("number"),
        "kinds": DeviceKind.choices,
        "pairing_minutes": settings.GRIDCARE_HALL_DEVICES["PAIRING_MINUTES"],
    }
    return render(request, "halls/devices.html", context)


def _device_posted(request: HttpRequest, hall: Hall, action: str) -> HallDevice | None:
    if action == "register":
        return None
    return device_get_for_scope(scope=request_scope(request), hall=hall, device_id=_posted_id(request, "device"))


def _device_do(request: HttpRequest, hall: Hall, action: str, device: HallDevice | None) -> dict[str, Any] | None:
    """Carry a confirmed action out; a new pairing code comes back as the link to show once."""
    scope = request_scope(request)
    if action == "revoke" and device is not None:
        devices.device_revoke(scope=scope, actor=request.user, device=device)
        messages.success(request, _("已吊销“%(name)s”，该设备立即失效。") % {"name": device.name})
        return None
    if action == "pair" and device is not None:
        code = devices.device_pairing_issue(scope=scope, actor=request.user, device=device)
    else:
        device, code = devices.device_register(
            scope=scope,
            actor=request.user,
            hall=hall,
            kind=request.POST.get("kind", ""),
            name=request.POST.get("name", ""),
            counter_id=_posted_id(request, "counter") or None,
        )
    link = request.build_absolute_uri(reverse("halls:device_pair", kwargs={"code": code}))
    return {"device": device, "link": link, "code": code}


@never_cache
def device_pair(request: HttpRequest, code: str) -> HttpResponseBase:
    """/halls/device/pair/<code>/, opened on the kiosk, board or pad itself: asks, then (POST)
    uses the one-time code up and leaves the device's credential in a long-lived signed cookie
    (HttpOnly, SameSite=Strict, Secure in production). A staff session in that browser is signed
    out: a device is no staff."""
    try:
        device = devices.pairing_device(code)
        if request.method != "POST":
            return render(request, "halls/device_pair.html", {"device": device, "code": code})
        device, credential = devices.device_pair(code=code)
    except NotFound as exc:
        return render(request, "halls/device_pair.html", {"refusal": str(exc.message)}, status=404)
    if request.user.is_authenticated:
        logout(request)
    response = render(
        request, "halls/device_pair.html", {"device": device, "paired": True, "screen": _screen_url(device)}
    )
    response.set_signed_cookie(
        DEVICE_COOKIE,
        credential,
        salt=DEVICE_COOKIE_SALT,
        max_age=device_cookie_seconds(),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _screen_url(device: HallDevice) -> str:
    if device.kind == DeviceKind.PAD:
        return reverse("halls:pad", kwargs={"counter_id": device.counter_id})
    return reverse(f"halls:{device.kind}", kwargs={"hall_code": device.hall.code})
