"""Who may do what in billing. Accounts are always fetched through customers.access, so an
account outside the caller's scope is "not found" (404)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from gridcare.billing.models import (
    AccountMove,
    Adjustment,
    Bill,
    BillCorrection,
    BillRun,
    DebitBatch,
    DunningStep,
    InstalmentPlan,
    Payment,
    ProtectedAccount,
    ReadingException,
    RebillBatch,
    Reconciliation,
    Refund,
    RefundBatch,
    ServiceItem,
    ServiceOrder,
)
from gridcare.core.exceptions import Forbidden, NotFound
from gridcare.org.access import Capability, Path, Reach, Scope, can, require
from gridcare.org.models import SupplyUnit


def unit_filter(scope: Scope, field: str = "unit") -> Q:
    """Billing-office objects (runs, reconciliations, debit batches) of the caller's unit; a
    company-level clerk sees the company's units, an administrator everything."""
    if not can(scope, Capability.BILLING_OFFICE):
        return Q(pk__in=[])
    return scope.filter(Reach.UNIT, Path.unit_of(field))


def work_unit(scope: Scope, code: str | None) -> SupplyUnit | None:
    """The supply unit a billing action works on. Administrators name any unit or none (the
    whole company); a billing clerk of a unit gets that unit, and naming another is refused."""
    require(scope, Capability.BILLING_OFFICE)
    code = (code or "").strip()
    if scope.everything:
        return _unit_by_code(code) if code else None
    if scope.unit_id is not None:
        own = SupplyUnit.objects.get(pk=scope.unit_id)
        if code and code != own.code:
            message = _("您只能办理本供电单位（%(unit)s）的业务。") % {"unit": own.code}
            raise Forbidden(message, errors={"unit": message})
        return own
    if not code:
        raise Forbidden(_("请填写供电单位编码。"), errors={"unit": _("必填项。")})
    unit = _unit_by_code(code)
    if unit.company_id != scope.company_id:
        raise NotFound(_("供电单位不存在。"), errors={"unit": _("供电单位不存在。")})
    return unit


def _unit_by_code(code: str) -> SupplyUnit:
    unit = SupplyUnit.objects.filter(code=code).first()
    if unit is None:
        raise NotFound(_("供电单位不存在。"), errors={"unit": _("供电单位不存在。")})
    return unit


def run_get_for_scope(*, scope: Scope, run_id: int) -> BillRun:
    run = BillRun.objects.filter(unit_filter(scope), pk=run_id).select_related("unit").first()
    if run is None:
        raise NotFound(_("出账批次不存在。"))
    return run


def bill_get_for_scope(*, scope: Scope, bill_id: int) -> Bill:
    bill = (
        Bill.objects.filter(scope.account_filter("account__supply_unit"), pk=bill_id)
        .select_related("account__customer")
        .first()
    )
    if bill is None:
        raise NotFound(_("账单不存在。"))
    return bill


def dunning_step_get_for_scope(*, scope: Scope, step_id: int) -> DunningStep:
    step = (
        DunningStep.objects.filter(scope.account_filter("bill__account__supply_unit"), pk=step_id)
        .select_related("bill__account")
        .first()
    )
    if step is None:
        raise NotFound(_("催费记录不存在。"))
    return step


def exception_get_for_scope(*, scope: Scope, exception_id: int) -> ReadingException:
    found = ReadingException.objects.filter(
        scope.account_filter("reading__account__supply_unit"), pk=exception_id
    ).first()
    if found is None:
        raise NotFound(_("抄表异常不存在。"))
    return found


def reconciliation_get_for_scope(*, scope: Scope, reconciliation_id: int) -> Reconciliation:
    found = Reconciliation.objects.filter(unit_filter(scope), pk=reconciliation_id).select_related("unit").first()
    if found is None:
        raise NotFound(_("对账记录不存在。"))
    return found


def debit_batch_get_for_scope(*, scope: Scope, batch_id: int) -> DebitBatch:
    found = DebitBatch.objects.filter(unit_filter(scope), pk=batch_id).select_related("unit").first()
    if found is None:
        raise NotFound(_("代扣批次不存在。"))
    return found


# --- paid value-added services (WO-10) -----------------------------------------------------------


def service_order_filter(scope: Scope) -> Q:
    """Service orders of the accounts the caller reaches (hall staff and agents: the city's),
    for the posts that take them."""
    if not can(scope, Capability.SERVICE_ORDER_TAKE):
        return Q(pk__in=[])
    return scope.account_filter("account__supply_unit")


def service_order_get_for_scope(*, scope: Scope, order_no: str) -> ServiceOrder:
    number = str(order_no)
    order = None
    if number.isascii() and number.isalnum() and len(number) <= 32:
        order = (
            ServiceOrder.objects.filter(service_order_filter(scope), order_no=number)
            .select_related("account__customer", "account__supply_unit", "payment")
            .first()
        )
    if order is None:
        raise NotFound(_("没有找到这张服务订单。"))
    return order


def service_item_get_for_scope(*, scope: Scope, item_id: int) -> ServiceItem:
    """A catalogue item, for those who keep the catalogue (anyone else: the same 404)."""
    item = ServiceItem.objects.filter(pk=item_id).first() if can(scope, Capability.SERVICE_CATALOGUE_EDIT) else None
    if item is None:
        raise NotFound(_("没有这个服务项目。"))
    return item


# --- money back and money returned (issue 19) ----------------------------------------------------


def payment_get_for_scope(*, scope: Scope, payment_id: int) -> Payment:
    """A payment of an account the caller reaches (its reversal is asked of the service)."""
    found = (
        Payment.objects.filter(scope.account_filter("account__supply_unit"), pk=payment_id)
        .select_related("account__customer", "account__supply_unit")
        .first()
    )
    if found is None:
        raise NotFound(_("缴费记录不存在。"))
    return found


def refund_filter(scope: Scope) -> Q:
    """Refunds of the accounts the caller reaches, for the posts that ask for or decide them
    (every holder of REFUND_REQUEST also holds REFUND_APPROVE)."""
    if not can(scope, Capability.REFUND_APPROVE):
        return Q(pk__in=[])
    return scope.account_filter("account__supply_unit")


def refund_get_for_scope(*, scope: Scope, refund_id: int) -> Refund:
    found = (
        Refund.objects.filter(refund_filter(scope), pk=refund_id)
        .select_related("account__customer", "account__supply_unit", "payment", "requested_by", "decided_by", "batch")
        .first()
    )
    if found is None:
        raise NotFound(_("退款申请不存在。"))
    return found


def refund_batches_for_scope(scope: Scope) -> QuerySet[RefundBatch]:
    """The refund batches holding a refund the caller reaches."""
    reached = Refund.objects.filter(refund_filter(scope), batch=OuterRef("pk"))
    return RefundBatch.objects.filter(Exists(reached))


def refund_batch_get_for_scope(*, scope: Scope, batch_id: int) -> RefundBatch:
    found = refund_batches_for_scope(scope).filter(pk=batch_id).select_related("created_by", "paid_by").first()
    if found is None:
        raise NotFound(_("退款批次不存在。"))
    return found


# --- arrears: instalment plans and protected customers (issue 19) ----------------------------------


def plan_filter(scope: Scope) -> Q:
    """Instalment plans of the accounts the caller reaches, for the posts that propose or decide them."""
    if not (can(scope, Capability.INSTALMENT_REQUEST) or can(scope, Capability.INSTALMENT_APPROVE)):
        return Q(pk__in=[])
    return scope.account_filter("account__supply_unit")


def plan_get_for_scope(*, scope: Scope, plan_id: int) -> InstalmentPlan:
    found = (
        InstalmentPlan.objects.filter(plan_filter(scope), pk=plan_id)
        .select_related("account__customer", "account__supply_unit", "requested_by", "decided_by")
        .first()
    )
    if found is None:
        raise NotFound(_("分期计划不存在。"))
    return found


def protected_filter(scope: Scope) -> Q:
    if not (can(scope, Capability.PROTECTED_EDIT) or can(scope, Capability.CUTOFF_PROTECTED_APPROVE)):
        return Q(pk__in=[])
    return scope.account_filter("account__supply_unit")


def protection_get_for_scope(*, scope: Scope, protection_id: int) -> ProtectedAccount:
    found = (
        ProtectedAccount.objects.filter(protected_filter(scope), pk=protection_id)
        .select_related("account__customer", "recorded_by")
        .first()
    )
    if found is None:
        raise NotFound(_("保护性客户登记不存在。"))
    return found


def move_get_for_scope(*, scope: Scope, move_id: int) -> AccountMove:
    """A closure or transfer of an account the caller reaches (issue 19)."""
    found = (
        AccountMove.objects.filter(scope.account_filter("account__supply_unit"), pk=move_id)
        .select_related("account__customer", "account__supply_unit", "bill", "refund", "old_customer", "new_customer")
        .first()
    )
    if found is None:
        raise NotFound(_("销户过户记录不存在。"))
    return found


# -- corrections (issue 19) ---------------------------------------------------------------------


def correction_filter(scope: Scope, field: str = "bill__account__supply_unit") -> Q:
    """Corrections and notes of the accounts the caller reaches, for the posts that ask for or
    decide them."""
    if not (can(scope, Capability.BILL_CORRECT_REQUEST) or can(scope, Capability.BILL_CORRECT_APPROVE)):
        return Q(pk__in=[])
    return scope.account_filter(field)


def correction_get_for_scope(*, scope: Scope, correction_id: int) -> BillCorrection:
    found = (
        BillCorrection.objects.filter(correction_filter(scope), pk=correction_id)
        .select_related("bill__account__customer", "requested_by")
        .first()
    )
    if found is None:
        raise NotFound(_("更正申请不存在。"))
    return found


def adjustment_get_for_scope(*, scope: Scope, adjustment_id: int) -> Adjustment:
    found = (
        Adjustment.objects.filter(correction_filter(scope, "account__supply_unit"), pk=adjustment_id)
        .select_related("account", "requested_by")
        .first()
    )
    if found is None:
        raise NotFound(_("退补申请不存在。"))
    return found


def rebill_batch_get_for_scope(*, scope: Scope, rebill_id: int) -> RebillBatch:
    """Batch re-bills are the company's (tariffs are provincial): their starters only."""
    found = RebillBatch.objects.filter(pk=rebill_id).first() if can(scope, Capability.BILL_REBILL_BATCH) else None
    if found is None:
        raise NotFound(_("批量重新出账不存在。"))
    return found
