"""History rows of invoices and invoice titles, and the sentence of each (gridcare.core.history)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, register
from gridcare.invoicing.models import Invoice, InvoiceEvent, InvoiceTitle, TitleEvent, TitleKind

IE = InvoiceEvent.Type
TE = TitleEvent.Type


def invoice_event(*, invoice: Invoice, type: InvoiceEvent.Type, actor: Actor, **parameters: Any) -> InvoiceEvent:
    return record(InvoiceEvent, invoice=invoice, type=type.value, actor=actor, parameters=parameters)


def title_event(*, title: InvoiceTitle, type: TitleEvent.Type, actor: Actor, **parameters: Any) -> TitleEvent:
    return record(TitleEvent, title=title, type=type.value, actor=actor, parameters=parameters)


register(
    InvoiceEvent,
    labels=IE.choices,
    sentences={
        IE.QUEUED: _("待开具电子发票，价税合计 %(gross)s 元"),
        IE.ISSUED: _("已开具，发票号码 %(number)s（%(provider)s）"),
        IE.RETRY: _("第 %(attempt)s 次开具未成功：%(error)s，稍后重试"),
        IE.FAILED: _("开具失败：%(error)s，请核对发票抬头后重新开具"),
        IE.REQUEUED: Sentence(_("%(actor)s 更正发票抬头后重新开具")),
        IE.RED_QUEUED: Sentence(
            _("缴费冲正，申请开具红字发票冲销原发票 %(original)s"), more=(_("，原因：%(reason)s"),)
        ),
        IE.CANCELLED: _("缴费已冲正，该发票尚未开具，不再开具"),
        IE.SENT: _("已发送至邮箱 %(email)s"),
    },
)

register(
    TitleEvent,
    labels=TE.choices,
    shows={"kind": label_of(TitleKind)},
    sentences={
        TE.SET: Sentence(_("%(actor)s 设置发票抬头：%(name)s（%(kind)s）"), more=(_("，税号 %(tax_number)s"),)),
        TE.CHANGED: Sentence(_("%(actor)s 将发票抬头改为：%(name)s（%(kind)s）"), more=(_("，税号 %(tax_number)s"),)),
    },
)
