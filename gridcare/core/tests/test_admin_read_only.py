"""The Django admin writes nothing a service owns (security review finding 15).

Every model below is read-only in the admin: an administrator may look at its list and rows but
not add, change or delete one (403, nothing written), and it has no bulk delete. Every other
registered model is in the reviewed allow-list ``gridcare.core.admin.EDITABLE``, so a model
registered later cannot slip in editable.
"""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from gridcare.core.admin import EDITABLE, ReadOnlyAdmin
from gridcare.core.testing import signed_in

READ_ONLY = [
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "billing.AccountMove",
    "billing.Adjustment",
    "billing.AdjustmentEvent",
    "billing.Bill",
    "billing.BillCorrection",
    "billing.BillEvent",
    "billing.BillRun",
    "billing.BillRunEvent",
    "billing.CorrectionEvent",
    "billing.CutoffApproval",
    "billing.CutoffPlan",
    "billing.DebitAgreement",
    "billing.DebitBatch",
    "billing.DepositEntry",
    "billing.DepositEvent",
    "billing.DunningStep",
    "billing.Instalment",
    "billing.InstalmentPlan",
    "billing.InstalmentPlanEvent",
    "billing.MoveEvent",
    "billing.Payment",
    "billing.PaymentAllocation",
    "billing.PaymentEvent",
    "billing.PaymentOrder",
    "billing.PaymentOrderEvent",
    "billing.PaymentReversal",
    "billing.PenaltyWaiver",
    "billing.PrepaidBalance",
    "billing.PrepaidEntry",
    "billing.ProtectedAccount",
    "billing.Reading",
    "billing.ReadingException",
    "billing.ReadingImport",
    "billing.RebillBatch",
    "billing.Reconciliation",
    "billing.ReconciliationItem",
    "billing.Refund",
    "billing.RefundBatch",
    "billing.RefundBatchDownload",
    "billing.RefundEvent",
    "core.CalendarChange",
    "core.CalendarYear",
    "customers.Account",
    "customers.AccountEvent",
    "customers.MeterExchange",
    "halls.Appointment",
    "halls.AppointmentEvent",
    "halls.BusinessType",
    "halls.CounterSetup",
    "halls.Diversion",
    "halls.Evaluation",
    "halls.HallDevice",
    "halls.HallDeviceEvent",
    "halls.HallPolicy",
    "halls.MaintenanceTask",
    "halls.TerminalEvent",
    "halls.Ticket",
    "halls.TicketEvent",
    "invoicing.Invoice",
    "invoicing.InvoiceEvent",
    "invoicing.InvoiceTitle",
    "invoicing.TitleEvent",
    "jobs.JobRun",
    "notices.Notice",
    "notices.NoticeTemplate",
    "notices.NoticeText",
    "notices.Outage",
    "notices.OutageEvent",
    "org.AuthEvent",
    "workorders.CallBack",
    "workorders.ConnectionEvent",
    "workorders.ConnectionStep",
    "workorders.Deadline",
    "workorders.Incident",
    "workorders.NewConnection",
    "workorders.OrderEvent",
    "workorders.OrderRating",
    "workorders.StaffFinding",
    "workorders.TriageOverride",
    "workorders.WorkOrder",
]


def _registered() -> dict[str, admin.ModelAdmin[Any]]:
    return {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def test_every_registered_model_is_read_only_or_in_the_editable_allow_list() -> None:
    registered = _registered()
    read_only = sorted(label for label, model_admin in registered.items() if isinstance(model_admin, ReadOnlyAdmin))
    assert read_only == READ_ONLY
    assert sorted(set(registered) - set(read_only)) == sorted(EDITABLE)


def test_no_read_only_model_offers_a_bulk_action(rf: Any, db: None) -> None:
    request = rf.get("/admin/")
    request.user = User.objects.create_superuser("root", password="x")
    registered = _registered()
    assert {label: list(registered[label].get_actions(request)) for label in READ_ONLY} == dict.fromkeys(READ_ONLY, [])


@pytest.fixture
def demo_admin(db: None) -> Client:
    call_command("seed_demo", customers=10, orders=4, stdout=StringIO())
    return signed_in(User.objects.get(username="admin", is_superuser=True))


def _rows(model: type[Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def _url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _shows_but_never_writes(admin_client: Client, label: str) -> None:
    model = apps.get_model(label)
    before = _rows(model)
    first = model._default_manager.order_by("pk").first()
    pk = first.pk if first is not None else 1  # a missing row is refused the same, before the lookup
    field = next(f.name for f in model._meta.concrete_fields if not f.primary_key)

    assert admin_client.get(_url(model, "add")).status_code == 403
    assert admin_client.post(_url(model, "add"), {field: "1"}).status_code == 403
    assert admin_client.post(_url(model, "change", pk), {field: "1", "_save": "1"}).status_code == 403
    assert admin_client.post(_url(model, "delete", pk), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [str(pk)], "post": "yes"}
    assert admin_client.post(_url(model, "changelist"), bulk).status_code in (200, 302)
    assert _rows(model) == before

    assert admin_client.get(_url(model, "changelist")).status_code == 200
    if first is not None:
        assert admin_client.get(_url(model, "change", pk)).status_code == 200


def test_the_admin_shows_but_never_writes(demo_admin: Client, subtests: pytest.Subtests) -> None:
    """One demo seeded, every read-only model tried on it (a subtest each: one failing model is
    reported by name and the others still run)."""
    for label in READ_ONLY:
        with subtests.test(label):
            _shows_but_never_writes(demo_admin, label)


def test_a_new_payment_posted_to_the_admin_is_refused_not_a_500(demo_admin: Client) -> None:
    from gridcare.billing.models import Bill, Payment

    payments, bills = Payment.objects.count(), Bill.objects.count()
    form = {"channel": "counter_cash", "channel_txn_id": "ADMIN-1", "amount": "10.00", "paid_at_0": "2026-11-01"}
    assert demo_admin.post(_url(Payment, "add"), form).status_code == 403
    assert demo_admin.post(_url(Bill, "add"), {"amount": "10.00", "status": "issued"}).status_code == 403
    assert (Payment.objects.count(), Bill.objects.count()) == (payments, bills)


def test_phones_are_masked_on_the_admins_rows(demo_admin: Client) -> None:
    from gridcare.workorders.models import WorkOrder

    order = WorkOrder.objects.exclude(phone="").order_by("pk").first()
    assert order is not None
    page = demo_admin.get(_url(WorkOrder, "change", order.pk)).content.decode()
    assert order.phone not in page
    assert f"{order.phone[:3]}****{order.phone[-4:]}" in page


def test_a_read_only_row_links_to_the_page_that_changes_it(demo_admin: Client) -> None:
    from gridcare.halls.models import BusinessType

    business_type = BusinessType.objects.select_related("hall").order_by("pk").first()
    assert business_type is not None
    page = demo_admin.get(_url(BusinessType, "change", business_type.pk)).content.decode()
    assert f'href="/halls/{business_type.hall.code}/setup/"' in page
    assert "只读。修改请到：/halls/" in demo_admin.get(_url(BusinessType, "changelist")).content.decode()


def test_a_terminal_added_in_the_admin_is_registered_and_its_status_stays_with_the_terminals_page(
    demo_admin: Client,
) -> None:
    from gridcare.halls.models import Terminal, TerminalStatus
    from gridcare.org.models import Hall

    hall = Hall.objects.order_by("code").first()
    assert hall is not None
    form = {"hall": hall.pk, "code": "ADM-T9", "kind": "payment", "name": "新缴费机", "status": "retired"}
    assert demo_admin.post(_url(Terminal, "add"), form).status_code == 302
    terminal = Terminal.objects.get(code="ADM-T9")
    assert (terminal.hall_id, terminal.status, terminal.usage_count) == (hall.pk, TerminalStatus.IN_SERVICE, 0)
    change = {"name": "缴费机二号", "status": "retired", "code": "X", "kind": "all_in_one"}
    assert demo_admin.post(_url(Terminal, "change", terminal.pk), change).status_code == 302
    terminal.refresh_from_db()
    assert (terminal.name, terminal.status, terminal.code) == ("缴费机二号", TerminalStatus.IN_SERVICE, "ADM-T9")
    assert demo_admin.post(_url(Terminal, "delete", terminal.pk), {"post": "yes"}).status_code == 403
    assert Terminal.objects.filter(pk=terminal.pk).exists()


def test_a_halls_opening_hours_are_not_changed_in_the_admin(demo_admin: Client) -> None:
    from gridcare.org.models import Hall

    hall = Hall.objects.order_by("code").first()
    assert hall is not None
    opens, closes = hall.opens_at, hall.closes_at
    form = {
        "code": hall.code,
        "name": "改名营业厅",
        "unit": hall.unit_id,
        "opens_at": "18:00",
        "closes_at": "09:00",
        "counters-TOTAL_FORMS": "0",
        "counters-INITIAL_FORMS": "0",
    }
    assert demo_admin.post(_url(Hall, "change", hall.pk), form).status_code == 302
    hall.refresh_from_db()
    assert (hall.name, hall.opens_at, hall.closes_at) == ("改名营业厅", opens, closes)


def test_a_tariff_version_is_added_through_the_service_and_never_changed(demo_admin: Client) -> None:
    from gridcare.billing.models import Tariff

    old = Tariff.objects.filter(effective_to__isnull=True, kind="flat").order_by("pk").first()
    assert old is not None
    before = _rows(Tariff)
    assert demo_admin.post(_url(Tariff, "change", old.pk), {"price": "9.9", "_save": "1"}).status_code == 403
    assert demo_admin.post(_url(Tariff, "delete", old.pk), {"post": "yes"}).status_code == 403
    assert _rows(Tariff) == before
    form = {
        "code": old.code,
        "province": old.province,
        "name": old.name,
        "kind": "flat",
        "effective_from": "2027-12-01",
        "price": "0.6000",
        "tou_periods-TOTAL_FORMS": "0",
        "tou_periods-INITIAL_FORMS": "0",
    }
    assert demo_admin.post(_url(Tariff, "add"), form).status_code == 302
    old.refresh_from_db()
    new = Tariff.objects.get(code=old.code, province=old.province, effective_from="2027-12-01")
    assert (str(old.effective_to), new.effective_to, new.price) == ("2027-11-30", None, Decimal("0.6000"))
