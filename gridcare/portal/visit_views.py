"""The customer's hall visits in the portal (HALL-2, HALL-5, HALL-6; issue 15): take a ticket for a
hall from afar (线上取号) and follow the place and the wait live, cancel it (asked first), rate the
visit once it is done; book a slot (预约办电), see and cancel the bookings (asked first). Each action
goes through the halls app's own services with the customer's phone; each refusal is the hall's
sentence on the form, with nothing written; another customer's ticket or booking is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError
from gridcare.core.views import form_errors_from, is_htmx
from gridcare.halls.services.appointments import appointment_book, appointment_cancel, appointment_slots
from gridcare.halls.services.evaluations import REASONS, evaluation_by_holder
from gridcare.halls.services.remote import SYSTEM, remote_ticket_issue, ticket_cancel
from gridcare.portal import request_reads, visit_reads
from gridcare.portal.access import customer_required, request_customer
from gridcare.portal.models import PortalUser

NO_ACCOUNT = ("", gettext_lazy("不关联户号"))
RATING_REASONS = [(code, label) for code, label in REASONS.items()]


class TakeForm(forms.Form):
    business_type = forms.ChoiceField(label=gettext_lazy("办理业务"), widget=forms.RadioSelect)
    account_no = forms.ChoiceField(label=gettext_lazy("户号（可选）"), required=False, widget=forms.RadioSelect)

    def __init__(self, *args: Any, types: list[visit_reads.TypeCard], accounts: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        kinds = self.fields["business_type"]
        chosen = self.fields["account_no"]
        assert isinstance(kinds, forms.ChoiceField) and isinstance(chosen, forms.ChoiceField)
        kinds.choices = [
            (
                t.kind,
                _("%(name)s · 等候%(n)d人 · 约%(m)d分钟")
                % {"name": t.name, "n": t.waiting, "m": t.estimated_wait_minutes},
            )
            for t in types
        ]
        chosen.choices = [NO_ACCOUNT, *accounts]


class BookForm(forms.Form):
    business_type = forms.ChoiceField(label=gettext_lazy("办理业务"))
    date = forms.ChoiceField(label=gettext_lazy("预约日期"))
    start = forms.ChoiceField(label=gettext_lazy("预约时段"), widget=forms.RadioSelect)
    account_no = forms.ChoiceField(label=gettext_lazy("户号（可选）"), required=False, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        types: list[visit_reads.TypeCard],
        accounts: list[tuple[str, str]],
        slots: list[tuple[str, str]],
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self._choose("business_type", [(t.kind, t.name) for t in types])
        days = visit_reads.bookable_days()
        self._choose(
            "date", [(d.isoformat(), date_format(d, "MONTH_DAY_FORMAT") + " " + date_format(d, "l")) for d in days]
        )
        self._choose("start", slots)
        self._choose("account_no", [NO_ACCOUNT, *accounts])

    def _choose(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=gettext_lazy("您对本次服务"), choices=visit_reads.RATING_CHOICES, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("不满意的原因（可多选）"),
        choices=RATING_REASONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _customer(request: HttpRequest) -> PortalUser:
    return request_customer(request)


@customer_required
def service(request: HttpRequest) -> HttpResponse:
    """办事: the tasks, and what the customer has going on now."""
    customer = _customer(request)
    tickets = [visit_reads.ticket_card(t) for t in visit_reads.my_tickets(customer)]
    appointments = [visit_reads.appointment_card(a) for a in visit_reads.my_appointments(customer)]
    context = {
        "tickets": [t for t in tickets if t["today"] and t["status"] in ("waiting", "called")],
        "appointments": [a for a in appointments if a["status"] == "booked"],
        "open_requests": request_reads.open_count(customer),
        "here": "service",
    }
    return render(request, "portal/visit_service.html", context)


@customer_required
def halls(request: HttpRequest) -> HttpResponse:
    """The halls to choose from: address, hours, open now, people waiting."""
    context = {"halls": visit_reads.hall_cards(_customer(request)), "here": "service"}
    return render(request, "portal/visit_halls.html", context)


@customer_required
def take(request: HttpRequest, hall_code: str) -> HttpResponse:
    """线上取号 at a hall: the business (with its line and wait now), optionally a bound account."""
    customer = _customer(request)
    hall = visit_reads.hall_of(hall_code)
    card, types = visit_reads.hall_detail(hall)
    form = TakeForm(
        request.POST if request.method == "POST" else None, types=types, accounts=visit_reads.account_choices(customer)
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = visit_reads.bound_or_none(customer, form.cleaned_data["account_no"])
            ticket = remote_ticket_issue(
                hall=hall, kind=form.cleaned_data["business_type"], phone=customer.phone, account=account
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("取号成功：%(hall)s %(number)s号。") % {"hall": hall.name, "number": ticket.number}
            )
            return redirect("portal:visit_ticket", ticket.pk)
    context = {"hall": card, "types": types, "form": form, "here": "service"}
    return render(request, "portal/visit_take.html", context)


@customer_required
def ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The ticket's place and wait, refreshed every 10 seconds while it waits or is called."""
    found = visit_reads.my_ticket(_customer(request), ticket_id)
    context = {"t": visit_reads.ticket_card(found), "rate_form": RateForm(), "here": "service"}
    template = "portal/_visit_ticket.html" if is_htmx(request) else "portal/visit_ticket.html"
    return render(request, template, context)


@customer_required
@require_POST
def ticket_cancel_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Give the ticket up: asked first."""
    customer = _customer(request)
    found = visit_reads.my_ticket(customer, ticket_id)
    if request.POST.get("confirmed") != "1":
        return render(request, "portal/visit_confirm.html", _cancel_ticket_question(found))
    try:
        ticket_cancel(ticket=found, phone=customer.phone)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已取消%(number)s号。") % {"number": found.number})
    return redirect("portal:visit_ticket", found.pk)


def _cancel_ticket_question(found: Any) -> dict[str, Any]:
    return {
        "title": _("取消排队号"),
        "sentence": _("取消后%(hall)s的%(number)s号将作废，需要时请重新取号。确定取消吗？")
        % {"hall": found.hall.name, "number": found.number},
        "button": _("确定取消"),
        "back": reverse("portal:visit_ticket", args=[found.pk]),
    }


@customer_required
@require_POST
def ticket_rate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Rate the finished visit, once (the counter's pad or here)."""
    customer = _customer(request)
    found = visit_reads.my_ticket(customer, ticket_id)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            evaluation_by_holder(
                ticket=found,
                phone=customer.phone,
                rating=form.cleaned_data["rating"],
                reasons=form.cleaned_data["reasons"],
            )
        except DomainError as exc:
            if not exc.errors:  # rated already, too late: the form is gone from the page
                messages.error(request, str(exc.message))
                return redirect("portal:visit_ticket", found.pk)
            form_errors_from(form, exc)
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("portal:visit_ticket", found.pk)
    context = {"t": visit_reads.ticket_card(found), "rate_form": form, "here": "service"}
    return render(request, "portal/visit_ticket.html", context)


@customer_required
def tickets(request: HttpRequest) -> HttpResponse:
    """The customer's tickets of the last 30 days, newest first."""
    rows = [visit_reads.ticket_card(t) for t in visit_reads.my_tickets(_customer(request))]
    return render(request, "portal/visit_tickets.html", {"rows": rows, "here": "service"})


def _slots(hall: Any, kind: str, day: str) -> tuple[list[tuple[str, str]], str]:
    """The free slots of a business and day as choices, or the reason there are none."""
    if not kind or not day:
        return [], ""
    try:
        found = appointment_slots(scope=SYSTEM, hall=hall, kind=visit_reads.booking_kind(kind), day=day)
    except DomainError as exc:
        return [], str(exc.message)
    free = [
        (s.as_dict()["start"], _("%(start)s-%(end)s（余%(n)d个）") % {**s.as_dict(), "n": s.free})
        for s in found
        if s.free
    ]
    return free, "" if free else _("这一天的时段已约满，请选择其他日期。")


@customer_required
def book(request: HttpRequest, hall_code: str) -> HttpResponse:
    """预约办电: the business and the day, then a free half-hour slot; booked for the customer's phone."""
    customer = _customer(request)
    hall = visit_reads.hall_of(hall_code)
    card, types = visit_reads.hall_detail(hall)
    data = request.POST if request.method == "POST" else request.GET
    kind, day = str(data.get("business_type", "")), str(data.get("date", ""))
    slots, none_left = _slots(hall, kind, day)
    form = BookForm(
        request.POST if request.method == "POST" else None,
        initial={"business_type": kind, "date": day},
        types=types,
        accounts=visit_reads.account_choices(customer),
        slots=slots,
    )
    if request.method == "POST" and form.is_valid():
        chosen_data = form.cleaned_data
        try:
            account = visit_reads.bound_or_none(customer, chosen_data["account_no"])
            appointment = appointment_book(
                scope=SYSTEM,
                actor=None,
                hall=hall,
                kind=visit_reads.booking_kind(chosen_data["business_type"]),
                day=chosen_data["date"],
                start=chosen_data["start"],
                phone=customer.phone,
                account_no=account.account_no if account else "",
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            card_of = visit_reads.appointment_card(appointment)
            messages.success(
                request,
                _("预约成功：%(date)s %(start)s-%(end)s %(hall)s，预约号%(ref)s。前一天我们会短信提醒您。")
                % {
                    "date": date_format(appointment.day, "MONTH_DAY_FORMAT"),
                    "start": card_of["start"],
                    "end": card_of["end"],
                    "hall": hall.name,
                    "ref": appointment.reference,
                },
            )
            return redirect("portal:visit_appointments")
    chosen = bool(kind and day)
    context = {"hall": card, "form": form, "chosen": chosen, "none_left": none_left, "here": "service"}
    return render(request, "portal/visit_book.html", context)


@customer_required
def appointments(request: HttpRequest) -> HttpResponse:
    rows = [visit_reads.appointment_card(a) for a in visit_reads.my_appointments(_customer(request))]
    return render(request, "portal/visit_appointments.html", {"rows": rows, "here": "service"})


@customer_required
@require_POST
def appointment_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Cancel a booking: asked first; the reminder is withdrawn with it."""
    customer = _customer(request)
    found = visit_reads.my_appointment(customer, reference)
    card = visit_reads.appointment_card(found)
    if request.POST.get("confirmed") != "1":
        question = {
            "title": _("取消预约"),
            "sentence": _("将取消%(date)s %(start)s-%(end)s在%(hall)s的预约（预约号%(ref)s）。确定取消吗？")
            % {
                "date": date_format(found.day, "MONTH_DAY_FORMAT"),
                "start": card["start"],
                "end": card["end"],
                "hall": found.hall.name,
                "ref": found.reference,
            },
            "button": _("确定取消预约"),
            "back": reverse("portal:visit_appointments"),
        }
        return render(request, "portal/visit_confirm.html", question)
    try:
        appointment_cancel(scope=SYSTEM, actor=None, reference=found.reference, phone=customer.phone)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("预约%(ref)s已取消。") % {"ref": found.reference})
    return redirect("portal:visit_appointments")
