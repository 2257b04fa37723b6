"""Hall pages: kiosk, guide's tablet, counter console, display board, floor view, evaluation pad,
set-up, terminals, figures. Thin: access, one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError, Forbidden, InvalidInput
from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import form_errors_from, staff_required
from gridcare.halls import figures, forms, selectors
from gridcare.halls.access import (
    CALL_ROLES,
    ISSUE_ROLES,
    MANAGE_ROLES,
    counter_get_for_scope,
    hall_get_for_scope,
    require_role,
    terminal_get_for_scope,
    ticket_get_for_scope,
)
from gridcare.halls.models import (
    Appointment,
    BusinessType,
    CounterStatus,
    Kind,
    MaintenanceTask,
    Priority,
    Source,
    Ticket,
)
from gridcare.halls.services import appointments, evaluations, setup, terminals, tickets
from gridcare.halls.services.evaluations import REASONS
from gridcare.org.access import request_scope
from gridcare.org.models import Counter, Hall

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


def _hall(request: HttpRequest, code: str, roles: frozenset[Any] | None = None) -> Hall:
    scope = request_scope(request)
    hall = hall_get_for_scope(scope=scope, code=code)
    if roles is not None:
        require_role(scope, roles)
    return hall


def _counter(request: HttpRequest, counter_id: int, roles: frozenset[Any] | None = None) -> Counter:
    scope = request_scope(request)
    counter = counter_get_for_scope(scope=scope, counter_id=counter_id)
    if roles is not None:
        require_role(scope, roles)
    return counter


@hall_page
def index(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    halls = selectors.halls_for(scope).prefetch_related("counters")
    return render(
        request,
        "halls/index.html",
        {"halls": halls, "can_call": scope.has_role(CALL_ROLES), "can_manage": scope.has_role(MANAGE_ROLES)},
    )


# --- taking a ticket -----------------------------------------------------------------------------


@hall_page
def kiosk(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, ISSUE_ROLES)
    types = BusinessType.objects.filter(hall=hall, active=True).exclude(kind=Kind.KEY_ACCOUNT).order_by("prefix")
    context: dict[str, Any] = {
        "hall": hall,
        "types": types,
        "rules": appointments.appointment_rules(),
        "closed": tickets.hall_closed_notice(hall),
        "typed": {"phone": "", "priority": Priority.NORMAL},
    }
    if request.method == "POST":
        try:
            ticket = _kiosk_ticket(request, hall)
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
        context = {"hall": hall, "ticket": selectors.ticket_view(ticket), "appointment": appointment}
        return render(request, "halls/kiosk_ticket.html", context)
    return render(request, "halls/kiosk.html", context)


def _is_check_in(request: HttpRequest) -> bool:
    return "check_in" in request.POST or request.POST.get("priority") == Priority.APPOINTMENT


def _kiosk_ticket(request: HttpRequest, hall: Hall) -> Ticket:
    """A ticket from the touch screen: 预约签到 with the appointment's reference, otherwise the
    business pressed (normal or green channel)."""
    scope = request_scope(request)
    priority = request.POST.get("priority", Priority.NORMAL)
    if _is_check_in(request):
        reference = request.POST.get("reference", "") or request.POST.get("appointment_ref", "")
        if not reference.strip():
            raise InvalidInput(_("请输入预约号。"))
        return appointments.appointment_check_in(scope=scope, actor=request.user, reference=reference, hall=hall)
    return tickets.ticket_issue(
        scope=scope,
        actor=request.user,
        hall=hall,
        kind=request.POST.get("kind", ""),
        source=Source.KIOSK,
        priority=priority if priority in Priority.values else Priority.NORMAL,
        phone=request.POST.get("phone", ""),
    )


@hall_page
def guide(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, ISSUE_ROLES)
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
    queue = selectors.hall_queue(counter.hall)
    return {
        "counter": counter,
        "setup": selectors.counter_setup(counter),
        "current": current,
        "account": current.account if current else None,
        "line": next((c for c in queue.counters if c.id == counter.pk), None),
        "queue": queue,
        "transfer_types": BusinessType.objects.filter(hall=counter.hall, active=True).order_by("prefix"),
        "transfer_counters": Counter.objects.filter(hall=counter.hall).exclude(pk=counter.pk),
    }


@hall_page
def counter_by_number(request: HttpRequest, hall_code: str, number: int, page: str) -> HttpResponse:
    """/halls/H01/counter/3/ and /halls/H01/pad/3/: the counter's pages by the number on the desk."""
    hall = _hall(request, hall_code)
    counter = Counter.objects.filter(hall=hall, number=number).first()
    if counter is None:
        raise Http404
    return redirect(f"halls:{page}", counter_id=counter.pk)


@hall_page
def console(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter(request, counter_id, CALL_ROLES)
    template = "halls/_console_state.html" if request.htmx else "halls/console.html"  # type: ignore[attr-defined]
    return render(request, template, _console_context(request, counter))


@require_POST
@hall_page
def console_action(request: HttpRequest, counter_id: int, action: str) -> HttpResponse:
    counter = _counter(request, counter_id, CALL_ROLES)
    try:
        _console_do(request, counter, action)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, str(exc.message))
    if not request.htmx:  # type: ignore[attr-defined]
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
    ticket = ticket_get_for_scope(scope=scope, ticket_id=int(request.POST.get("ticket", "0") or 0))
    if action == "recall":
        tickets.ticket_recall(scope=scope, actor=actor, ticket=ticket)
    elif action == "no_show":
        tickets.ticket_no_show(scope=scope, actor=actor, ticket=ticket)
    elif action == "finish":
        tickets.ticket_finish(scope=scope, actor=actor, ticket=ticket, outcome=request.POST.get("outcome", ""))
    elif action == "transfer":
        target = request.POST.get("target", "")
        kind, _sep, counter_id = target.partition(":")
        if kind == "counter":
            tickets.ticket_transfer(scope=scope, actor=actor, ticket=ticket, counter_id=int(counter_id or 0))
        else:
            tickets.ticket_transfer(scope=scope, actor=actor, ticket=ticket, kind=counter_id or kind)
    else:
        raise PermissionDenied


# --- board, floor, pad -----------------------------------------------------------------------------


@hall_page
def board(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code)
    context = {"hall": hall, "calls": selectors.recent_calls(hall), "queue": selectors.hall_queue(hall)}
    template = "halls/_board_state.html" if request.htmx else "halls/board.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@hall_page
def floor(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code)
    day = business_date()
    context = {"hall": hall, "queue": selectors.hall_queue(hall), "today": figures.hall_figures(hall, day, day)}
    template = "halls/_floor_state.html" if request.htmx else "halls/floor.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@hall_page
def pad(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter(request, counter_id, ISSUE_ROLES)
    thanks = False
    if request.method == "POST":
        scope = request_scope(request)
        ticket = ticket_get_for_scope(scope=scope, ticket_id=int(request.POST.get("ticket", "0") or 0))
        try:
            evaluations.evaluation_submit(
                scope=scope,
                actor=request.user,
                ticket=ticket,
                rating=request.POST.get("rating", ""),
                reasons=request.POST.getlist("reasons"),
            )
            thanks = True
        except DomainError as exc:
            messages.error(request, str(exc.message))
    to_rate = selectors.ticket_to_rate(counter)
    showing = request.GET.get("showing")
    if showing and to_rate is not None and showing == str(to_rate.pk):
        return HttpResponse(status=204)  # the same question is still on the pad: leave it alone
    context = {"counter": counter, "ticket": to_rate, "reasons": REASONS, "thanks": thanks}
    template = "halls/_pad_state.html" if request.htmx else "halls/pad.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- manager's pages -------------------------------------------------------------------------------


@hall_page
def setup_page(request: HttpRequest, hall_code: str) -> HttpResponse:
    hall = _hall(request, hall_code, MANAGE_ROLES)
    scope = request_scope(request)
    policy = setup.policy_for(hall)
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
    hall = _hall(request, hall_code)
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
    hall = _hall(request, hall_code)
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
    hall = _hall(request, hall_code)
    start, end, label = _period(request)
    content = figures.workbook(hall, figures.hall_figures(hall, start, end), label)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="hall-{hall.code}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response
