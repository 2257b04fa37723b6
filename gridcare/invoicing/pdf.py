"""An e-invoice as PDF (数电发票 layout, BILL-8) with the company's letterhead, bank and seal from
configuration (gridcare.core.company) in the house's font (gridcare.billing.pdf)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from gridcare.billing.pdf import _font, letterhead, seal
from gridcare.core.company import Company, company
from gridcare.core.timezone import SHANGHAI
from gridcare.invoicing import rules
from gridcare.invoicing.conf import einvoice_str
from gridcare.invoicing.models import Invoice, InvoiceKind, InvoiceSource


def invoice_title(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.RED:
        return _("电子发票（普通发票）（红字）")
    return _("电子发票（普通发票）")


def head_lines(invoice: Invoice) -> list[tuple[str, str]]:
    issued = invoice.issued_at.astimezone(SHANGHAI).strftime("%Y-%m-%d") if invoice.issued_at else ""
    return [
        (_("发票号码"), invoice.number or _("（待开具）")),
        (_("开票日期"), issued),
        (_("校验码"), invoice.verification_code),
    ]


def party_lines(invoice: Invoice, firm: Company) -> list[tuple[str, str]]:
    return [
        (_("购买方名称"), invoice.buyer_name),
        (_("购买方纳税人识别号"), invoice.buyer_tax_number or "—"),
        (_("销售方名称"), firm.name),
        (_("销售方纳税人识别号"), firm.tax_number),
        (_("销售方地址、电话"), f"{firm.address} {firm.hotline}"),
        (_("销售方开户行及账号"), f"{firm.bank_name} {firm.bank_account}"),
    ]


def remark(invoice: Invoice) -> str:
    parts = [_("户号 %(n)s") % {"n": invoice.account.account_no}]
    if invoice.source == InvoiceSource.BILL and invoice.bill is not None:
        parts.append(_("账期 %(p)s 电费") % {"p": invoice.bill.period})
    elif invoice.payment is not None:
        at = invoice.payment.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
        parts.append(_("%(at)s 缴费") % {"at": at})
    if invoice.kind == InvoiceKind.RED and invoice.original is not None:
        parts.append(_("被红冲蓝字数电发票号码：%(n)s") % {"n": invoice.original.number})
    return "；".join(parts)


def invoice_pdf(invoice: Invoice) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    font, firm = _font(), company()
    width, height = A4
    letterhead(canvas, invoice_title(invoice), firm)
    y = height - 50 * mm
    canvas.setFont(font, 10)
    for label, value in head_lines(invoice):
        canvas.drawString(130 * mm, y, f"{label}：{value}")
        y -= 6 * mm
    y -= 2 * mm
    for label, value in party_lines(invoice, firm):
        canvas.drawString(20 * mm, y, f"{label}：{value}")
        y -= 6 * mm
    y = _items(canvas, invoice, y - 4 * mm, firm)
    canvas.setFont(font, 10)
    canvas.drawString(20 * mm, y, _("备注：%(r)s") % {"r": remark(invoice)})
    canvas.drawString(20 * mm, y - 8 * mm, _("开票人：系统"))
    seal(canvas, width - 50 * mm, y - 30 * mm, firm, caption=_("发票专用章"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _items(canvas: Canvas, invoice: Invoice, y: float, firm: Company) -> float:
    font, width = _font(), A4[0]
    columns = (20 * mm, 85 * mm, 120 * mm, 145 * mm)
    canvas.setStrokeColorRGB(*firm.rgb)
    canvas.line(20 * mm, y + 5 * mm, width - 20 * mm, y + 5 * mm)
    canvas.setFont(font, 10)
    for x, text in zip(columns, (_("项目名称"), _("金额"), _("税率"), _("税额")), strict=True):
        canvas.drawString(x, y, text)
    y -= 7 * mm
    rate = f"{(invoice.rate * 100).normalize()}%"
    for x, text in zip(columns, (einvoice_str("ITEM_NAME"), f"{invoice.net}", rate, f"{invoice.tax}"), strict=True):
        canvas.drawString(x, y, text)
    y -= 7 * mm
    canvas.drawString(columns[0], y, _("合计"))
    canvas.drawString(columns[1], y, f"¥{invoice.net}")
    canvas.drawString(columns[3], y, f"¥{invoice.tax}")
    y -= 8 * mm
    canvas.line(20 * mm, y + 5 * mm, width - 20 * mm, y + 5 * mm)
    canvas.drawString(
        20 * mm,
        y,
        _("价税合计（大写）%(upper)s　（小写）¥%(gross)s")
        % {"upper": rules.rmb_capitals(invoice.gross), "gross": invoice.gross},
    )
    canvas.line(20 * mm, y - 3 * mm, width - 20 * mm, y - 3 * mm)
    canvas.setStrokeColorRGB(0, 0, 0)
    return float(y - 10 * mm)
