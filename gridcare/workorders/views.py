"""Work-order pages: the agent's fast intake, lists (overdue, soon due), detail with history,
actions, figures with Excel export, and the account manager's new connections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError, Forbidden
from gridcare.core.paging import Sorting, export_response, paginate, sort_rows
from gridcare.core.timezone import SHANGHAI, business_date, local_datetime, now
from gridcare.core.views import flash_error, form_errors_from, page_action, page_get, staff_required
from gridcare.customers.selectors import account_card, account_search
from gridcare.org.access import Capability, Scope, can, request_scope, require
from gridcare.workorders import exports, forms, selectors, services, triage_store
from gridcare.workorders import selectors_desk as desk
from gridcare.workorders.access import (
    connection_get_for_scope,
    order_get_for_scope,
)
from gridcare.workorders.models import OPEN_STATUSES, ComplaintClass, OrderType, Status, Urgency, WorkOrder

# The list's sortable columns (?sort=key or -key): the whitelist, never a field the user names.
ORDER_SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "type": ("type", "-received_at"),
    "urgency": ("urgency", "-received_at"),
    "status": ("status", "-received_at"),
    "received": ("received_at", "id"),
    "unit": ("supply_unit__code", "-received_at"),
    "owner": ("owner__name", "-received_at"),
}


def _listed(request: HttpRequest) -> tuple[QuerySet[WorkOrder], str, Sorting, forms.OrderSearchForm]:
    """The orders of the list's view (open, overdue, soon, escalated, all), the quick search, the
    search form's fields and the sort: the page shows them in pages, the export whole. A search
    the form refuses (a partial phone) finds nothing, its message beside the field."""
    scope = request_scope(request)
    view = request.GET.get("view", "open")
    at = now()
    if view == "overdue":
        orders = selectors.orders_overdue(scope=scope, at=at)
    elif view == "soon":
        orders = selectors.orders_due_soon(scope=scope, at=at)
    elif view == "escalated":
        orders = selectors.orders_escalated(scope=scope)
    else:
        q = request.GET.get("q", "").strip()[:60]
        orders = selectors.order_list(scope=scope, q=q, type=request.GET.get("type", ""), open_only=view == "open")
    search = forms.OrderSearchForm(request.GET, scope=scope)
    if search.is_valid():
        asked: dict[str, Any] = {name: search.cleaned_data.get(name) or "" for name in desk.OrderQuery.names()}
        asked["received_from"] = asked["received_from"] or None
        asked["received_to"] = asked["received_to"] or None
        query = desk.OrderQuery(**asked)
        try:
            orders = desk.order_search(orders=orders, query=query)
        except DomainError as exc:
            form_errors_from(search, exc)
            orders = orders.none()
    else:
        orders = orders.none()
    sorted_orders, sorting = sort_rows(request, orders, ORDER_SORTS)
    return sorted_orders, view, sorting, search


@staff_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders, view, sorting, search = _listed(request)
    page = paginate(request, orders)
    context = {
        "orders": page.items,
        "page": page,
        "view": view,
        "q": request.GET.get("q", ""),
        "sorting": sorting,
        "export_url": reverse("workorders:list_export"),
        "search": search,
        "searched": any(request.GET.get(name) for name in desk.OrderQuery.names()),
        "saved": desk.saved_searches(request_scope(request)),
        "query": request.GET.urlencode(),
        "save_form": forms.SavedSearchForm(),
        "export_max": exports.export_max_rows(),
    }
    return render(request, "workorders/list.html", context)


@staff_required
def order_list_export(request: HttpRequest) -> HttpResponseBase:
    """The list as it is filtered and sorted on the page, whole up to EXPORT_MAX_ROWS (then the
    first ones and a last line saying how many there were); phones masked as on the page."""
    orders, view, _sorting, _search = _listed(request)
    name = f"workorders-{view}-{business_date().isoformat()}"
    return export_response(
        exports.order_list_header(), exports.order_list_capped(orders), name=name, fmt=request.GET.get("format", "")
    )


@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    form = forms.IntakeForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.new_order()
        taken = page_action(
            request,
            lambda: services.workorder_intake(scope=scope, actor=request.user, data=data),
            success=lambda made: _("已受理，工单编号 %(no)s。") % {"no": made[0].number},
            form=form,
        )
        if taken is not None:
            return redirect("workorders:detail", number=taken[0].number)
    return render(request, "workorders/intake.html", {"form": form})


@staff_required
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the triage suggestion for the text typed so far, to pre-fill type and class."""
    text = request.POST.get("text", "") if request.method == "POST" else request.GET.get("text", "")
    s = triage_store.suggest(text) if text.strip() else None
    labels = {}
    if s is not None:
        labels = {
            "type": OrderType(s.type).label,
            "class": ComplaintClass(s.complaint_class).label if s.complaint_class else "",
            "urgency": Urgency(s.urgency).label,
        }
    return render(request, "workorders/_suggestion.html", {"s": s, "labels": labels})


@staff_required
def account_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's account (masked) while the agent types its number or mobile."""
    q = request.GET.get("lookup", "")
    cards = [account_card(a) for a in account_search(scope=request_scope(request), q=q, limit=5)] if len(q) >= 4 else []
    return render(request, "customers/_results.html", {"q": q if len(q) >= 4 else "", "cards": cards})


@staff_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    scope = request_scope(request)
    return _detail(request, scope, order_get_for_scope(scope=scope, number=number))


def _detail(
    request: HttpRequest,
    scope: Scope,
    order: WorkOrder,
    status: int = 200,
    refused: tuple[str, forms.ActionForm] | None = None,
) -> HttpResponse:
    """The order page; ``refused``: the action whose form was refused and that form, shown as it
    was typed with its messages beside its fields (every other action's form fresh)."""
    kind, bound = refused if refused is not None else ("", None)

    def form_of(action: str) -> forms.ActionForm:
        return bound if bound is not None and action == kind else forms.action_form(action, scope=scope, order=order)

    return render(
        request,
        "workorders/detail.html",
        {
            "order": order,
            "deadlines": selectors.deadline_rows(order),
            "history": selectors.order_history(order),
            "desk_lines": desk.desk_lines(order),
            "actions": [(a, form_of(a)) for a in _actions(scope, order)],
            "verify_form": form_of("verify") if _can_verify(scope, order) else None,
            **_desk(scope, order),
        },
        status=status,
    )


def _desk(scope: Scope, order: WorkOrder) -> dict[str, Any]:
    """The order page's desk parts: attachments (its own and its merged duplicates'), the note,
    urge and merge forms where the order takes them, the orders merged into it or it urges."""
    is_open = order.status in OPEN_STATUSES
    return {
        "attachments": desk.order_attachments(order),
        "merged": desk.merged_orders(order),
        "urgings": order.urgings.order_by("id"),
        "note_form": forms.DeskNoteForm(auto_id="note_%s") if order.status != Status.MERGED else None,
        "attachment_form": forms.AttachmentForm(auto_id="attach_%s") if order.status != Status.MERGED else None,
        "urge_form": forms.UrgeForm(auto_id="urge_%s") if is_open else None,
        "merge_form": forms.MergeForm(auto_id="merge_%s") if is_open and can(scope, Capability.ORDER_MERGE) else None,
    }


def _can_verify(scope: Scope, order: WorkOrder) -> bool:
    return can(scope, Capability.COMPLAINT_VERIFY) and order.type == "complaint" and not order.verified


def _offered(scope: Scope, order: WorkOrder) -> list[str]:
    """The actions whose forms the order's page shows this person."""
    return _actions(scope, order) + (["verify"] if _can_verify(scope, order) else [])


# Every action the page posts (``_act``).
_KINDS = frozenset(
    {"accept", "dispatch", "arrive", "restore", "reply", "close", "contact", "pause", "resume", "hand_over"}
    | {"reopen", "confirm_outage", "call_back", "verify"}
)


def _actions(scope: Scope, order: WorkOrder) -> list[str]:
    from gridcare.workorders.rules import can_transition

    names = {
        Status.ACCEPTED: "accept",
        Status.DISPATCHED: "dispatch",
        Status.ARRIVED: "arrive",
        Status.RESTORED: "restore",
        Status.REPLIED: "reply",
        Status.CLOSED: "close",
    }
    found = [name for status, name in names.items() if can_transition(order.type, order.status, status)]
    if order.status in (Status.CLOSED, Status.CALLED_BACK):
        found = ["reopen"]
        if order.status == Status.CLOSED and can(scope, Capability.CALLBACK_RECORD):
            found.append("call_back")
    elif order.status != Status.CLOSED:
        found += ["contact", "resume" if order.paused_at else "pause", "hand_over"]
    if scope.staff is None or order.owner_id != scope.staff.pk:
        # Answering, closing and waiting are the first-ask owner's (WO-2): others hand over first.
        found = [name for name in found if name not in ("reply", "close", "pause", "resume")]
    incident = order.incident
    if (
        incident
        and incident.outage_id is None
        and incident.state != "restored"
        and can(scope, Capability.INCIDENT_CONFIRM)
    ):
        found.append("confirm_outage")
    return found


def _act(kind: str, request: HttpRequest, scope: Scope, order: WorkOrder, data: dict[str, Any]) -> None:
    moves: dict[str, Status] = {
        "accept": Status.ACCEPTED,
        "dispatch": Status.DISPATCHED,
        "arrive": Status.ARRIVED,
        "restore": Status.RESTORED,
        "reply": Status.REPLIED,
        "close": Status.CLOSED,
    }
    user, note = request.user, data.get("note") or ""
    others: dict[str, Callable[[], object]] = {
        "contact": lambda: services.workorder_contact(actor=user, order=order, note=note),
        "pause": lambda: services.workorder_pause(scope=scope, actor=user, order=order, reason=note),
        "resume": lambda: services.workorder_resume(scope=scope, actor=user, order=order),
        "hand_over": lambda: services.workorder_hand_over(
            scope=scope, actor=user, order=order, to_employee_no=data.get("to") or "", reason=note
        ),
        "reopen": lambda: services.workorder_reopen(scope=scope, actor=user, order=order, reason=note),
        "confirm_outage": lambda: services.incident_confirm(scope=scope, actor=user, order=order),
        "call_back": lambda: services.workorder_call_back(
            scope=scope,
            actor=user,
            order=order,
            reached=bool(data.get("reached")),
            satisfied={"yes": True, "no": False}.get(data.get("satisfied") or ""),
            note=note,
        ),
        "verify": lambda: services.complaint_verify(
            scope=scope, actor=user, order=order, employee_no=data.get("to") or "", note=note
        ),
    }
    if kind in moves:
        target = services.DispatchTarget(
            unit=data.get("unit") or None, hall=data.get("hall") or None, crew=data.get("crew") or ""
        )
        cause = data.get("complaint_cause") or ""
        services.workorder_transition(
            scope=scope, actor=user, order=order, to=moves[kind], note=note, target=target, cause=cause
        )
    elif kind in others:
        others[kind]()
    else:
        raise Http404


# Where a service's message about one of its arguments goes on the action's form.
_FIELD_OF = {"reason": "note", "employee_no": "to"}


def _on_form(form: forms.ActionForm, exc: DomainError) -> None:
    errors = {_FIELD_OF.get(key, key): message for key, message in exc.errors.items()}
    form_errors_from(form, DomainError(exc.message, errors=errors))


@require_POST
@staff_required
def act(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """An action of the order page. Done: back to the page with its confirmation. Refused by the
    form or the service: the page again (200) with the action's form as it was typed and the
    message beside its field; refused as not this person's to do: the page with a 403."""
    if kind not in _KINDS:
        raise Http404
    scope, order = page_get(request, order_get_for_scope, number=number)
    form = forms.action_form(kind, scope=scope, data=request.POST, order=order)
    if form.is_valid():
        try:
            _act(kind, request, scope, order, form.cleaned_data)
        except Forbidden as exc:
            # Not this person's to do (first-ask ownership): say so on the order's page, with a 403.
            flash_error(request, exc)
            return _detail(request, scope, order_get_for_scope(scope=scope, number=number), status=403)
        except DomainError as exc:
            _on_form(form, exc)
            order = order_get_for_scope(scope=scope, number=number)
        else:
            messages.success(request, _("已办理。"))
            return redirect("workorders:detail", number=number)
    if kind in _offered(scope, order):
        return _detail(request, scope, order, refused=(kind, form))
    # The order has moved on and no longer offers this action: its refusal as the page's messages.
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else str(error))
    return redirect("workorders:detail", number=number)


def _period(request: HttpRequest) -> tuple[datetime, datetime]:
    today = business_date()
    try:
        days = max(1, min(366, int(request.GET.get("days", "30"))))
    except ValueError:
        days = 30
    end = local_datetime(today + timedelta(days=1), datetime.min.time())
    return end - timedelta(days=days), end


@staff_required
def figures(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.ORDER_FIGURES)
    start, end = _period(request)
    data = selectors.figures(scope=scope, start=start, end=end, viewed=_viewed(request, scope))
    context = {
        "f": data,
        "days": (end - start).days,
        "units": selectors.figures_units(scope),
        "halls": selectors.figures_halls(scope),
    }
    return render(request, "workorders/figures.html", context)


def _viewed(request: HttpRequest, scope: Scope) -> selectors.Viewed:
    """The unit or hall picked on the figures page (``place=unit:U1`` or ``hall:H1``)."""
    kind, _sep, code = request.GET.get("place", "").partition(":")
    return selectors.figures_viewed(
        scope=scope, unit=code if kind == "unit" else "", hall=code if kind == "hall" else ""
    )


@staff_required
def figures_export(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.ORDER_FIGURES)
    start, end = _period(request)
    body = exports.figures_workbook(
        selectors.figures(scope=scope, start=start, end=end, viewed=_viewed(request, scope))
    )
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"workorders-{start.astimezone(SHANGHAI):%Y%m%d}-{end.astimezone(SHANGHAI):%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The new-connection list's sortable columns (?sort=key or -key); otherwise the nearest deadline first.
CONNECTION_SORTS: dict[str, tuple[str, ...]] = {
    "number": ("number",),
    "applicant": ("applicant", "due_at", "id"),
    "category": ("category_order", "due_at", "id"),
    "stage": ("stage_order", "due_at", "id"),
    "stage_due": ("stage_due_at", "due_at", "id"),
    "due": ("due_at", "id"),
    "manager": ("account_manager__name", "due_at", "id"),
}


def _connections_listed(request: HttpRequest, scope: Scope) -> tuple[QuerySet[Any], bool, Sorting]:
    """The applications of the list (all of the caller's, or ``?mine=1`` theirs), sorted: the page
    shows them in pages, the export whole."""
    mine = request.GET.get("mine", "1" if scope.role == "key_account_manager" else "") == "1"
    rows = selectors.connections_sortable(selectors.connection_list(scope=scope, mine=mine))
    sorted_rows, sorting = sort_rows(request, rows, CONNECTION_SORTS)
    return sorted_rows, mine, sorting


@staff_required
def connections(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    form = forms.ConnectionForm(request.POST or None, initial=_unit_initial(scope), scope=scope)
    if request.method == "POST" and form.is_valid():
        data = services.NewApplication(**form.cleaned_data)
        created = page_action(
            request,
            lambda: services.new_connection_apply(scope=scope, actor=request.user, data=data),
            success=lambda made: _("已受理报装申请 %(no)s。") % {"no": made.number},
            form=form,
        )
        if created is not None:
            return redirect("workorders:connections")
    rows, mine, sorting = _connections_listed(request, scope)
    page = paginate(request, rows).map(selectors.connection_card)
    context = {
        "rows": page.items,
        "page": page,
        "mine": mine,
        "form": form,
        "advance_form": forms.AdvanceForm(),
        "sorting": sorting,
        "export_url": reverse("workorders:connections_export"),
    }
    return render(request, "workorders/connections.html", context)


@staff_required
def connections_export(request: HttpRequest) -> HttpResponseBase:
    """The list as the page filters and sorts it, whole (the page's columns: no phone, no address)."""
    rows, mine, _sorting = _connections_listed(request, request_scope(request))
    name = f"new-connections-{'mine-' if mine else ''}{business_date().isoformat()}"
    return export_response(
        exports.connection_list_header(),
        exports.connection_list_lines(rows.iterator(chunk_size=2000)),
        name=name,
        fmt=request.GET.get("format", ""),
    )


def _unit_initial(scope: Scope) -> dict[str, str]:
    unit = scope.staff.unit if scope.staff is not None else None
    return {"supply_unit": unit.code} if unit is not None else {}


@staff_required
@require_POST
def connection_advance(request: HttpRequest, number: str) -> HttpResponse:
    """Finish the application's current stage and start the next (the account manager's button)."""
    scope, connection = page_get(request, connection_get_for_scope, number=number)
    form = forms.AdvanceForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    page_action(
        request,
        lambda: services.new_connection_advance(scope=scope, actor=request.user, connection=connection, note=note),
    )
    return redirect("workorders:connections")
