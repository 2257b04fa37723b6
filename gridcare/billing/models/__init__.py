"""Billing and payment (BILL-1 … BILL-8): tariffs, readings, bills and bill runs, payments,
prepaid balances, arrears, dunning and reconciliation. One module per sub-domain; every name is
re-exported here so ``from gridcare.billing.models import X`` is the one way to import them."""

from gridcare.billing.models.arrears import (
    DunningStep,
    DunningStepKind,
    PenaltyWaiver,
    WaiverStatus,
)
from gridcare.billing.models.bills import (
    Bill,
    BillEvent,
    BillRun,
    BillRunEvent,
    BillStatus,
    RunStatus,
)
from gridcare.billing.models.debit import (
    DebitAgreement,
    DebitBatch,
    DebitBatchStatus,
)
from gridcare.billing.models.orders import (
    PaymentOrder,
    PaymentOrderEvent,
    PaymentOrderStatus,
    PaymentPurpose,
)
from gridcare.billing.models.payments import (
    Payment,
    PaymentAllocation,
    PaymentChannel,
    PrepaidBalance,
    PrepaidEntry,
    Reconciliation,
    ReconciliationItem,
)
from gridcare.billing.models.readings import (
    ExceptionKind,
    ExceptionStatus,
    IntervalReading,
    Reading,
    ReadingException,
    ReadingImport,
    ReadingStatus,
    SplitSource,
)
from gridcare.billing.models.tariffs import (
    DemandBasis,
    Tariff,
    TariffKind,
    TierPeriod,
    TouPeriod,
    TouPeriodKind,
)

__all__ = [
    "Bill",
    "BillEvent",
    "BillRun",
    "BillRunEvent",
    "BillStatus",
    "DebitAgreement",
    "DebitBatch",
    "DebitBatchStatus",
    "DemandBasis",
    "DunningStep",
    "DunningStepKind",
    "ExceptionKind",
    "ExceptionStatus",
    "IntervalReading",
    "Payment",
    "PaymentAllocation",
    "PaymentChannel",
    "PaymentOrder",
    "PaymentOrderEvent",
    "PaymentOrderStatus",
    "PaymentPurpose",
    "PenaltyWaiver",
    "PrepaidBalance",
    "PrepaidEntry",
    "Reading",
    "ReadingException",
    "ReadingImport",
    "ReadingStatus",
    "Reconciliation",
    "ReconciliationItem",
    "RunStatus",
    "SplitSource",
    "Tariff",
    "TariffKind",
    "TierPeriod",
    "TouPeriod",
    "TouPeriodKind",
    "WaiverStatus",
]
