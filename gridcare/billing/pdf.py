"""Bill and receipt as PDF (BILL-8) in the font shipped beside this module: a subset of Noto
Sans CJK SC (SIL Open Font License, see fonts/README.md) with every character the documents use
and the GB2312 hanzi, so a fresh clone prints "·", "¥" and Chinese names without system fonts.
The company's name, logo, colour, address, hotline, bank and seal come from configuration
(``gridcare.core.company``, settings GRIDCARE_COMPANY); e-invoices (gridcare.invoicing) use the
same letterhead and seal."""

from __future__ import annotations

import io
import math
from pathlib import Path

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from gridcare.billing.estimate_selectors import reading_notes
from gridcare.billing.models import Bill, Payment, ServiceOrder
from gridcare.core.company import Company, company
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.rules import mask_name

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "GridcareSansSC.ttf"
FONT = "GridcareSansSC"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


def company_name() -> str:
    """The company's name as configured (GRIDCARE_COMPANY_NAME)."""
    return company().name


def footer(firm: Company | None = None) -> str:
    firm = firm or company()
    return _("服务热线 %(hotline)s · 本单据由系统生成") % {"hotline": firm.hotline}


def letterhead(canvas: Canvas, title: str, firm: Company) -> None:
    """The company's name (and logo) in its colour, the document's title and a rule under them."""
    font = _font()
    width, height = A4
    canvas.setTitle(title)
    canvas.setAuthor(firm.name)
    if firm.logo_image is not None:
        canvas.drawImage(str(firm.logo_image), 20 * mm, height - 32 * mm, 18 * mm, 18 * mm, mask="auto")
    canvas.setFillColorRGB(*firm.rgb)
    canvas.setFont(font, 18)
    canvas.drawCentredString(width / 2, height - 25 * mm, firm.name)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, 14)
    canvas.drawCentredString(width / 2, height - 35 * mm, title)
    canvas.setStrokeColorRGB(*firm.rgb)
    canvas.line(20 * mm, height - 40 * mm, width - 20 * mm, height - 40 * mm)
    canvas.setStrokeColorRGB(0, 0, 0)


def seal(canvas: Canvas, x: float, y: float, firm: Company, *, caption: str = "") -> None:
    """The company's seal centred at (x, y): the configured image, else one drawn in red (a ring,
    a star, the name along the top and ``caption`` such as 发票专用章 below)."""
    size = 40 * mm
    if firm.seal_image is not None:
        canvas.drawImage(str(firm.seal_image), x - size / 2, y - size / 2, size, size, mask="auto")
        return
    font, r = _font(), size / 2
    canvas.saveState()
    canvas.setStrokeColorRGB(0.8, 0.1, 0.1)
    canvas.setFillColorRGB(0.8, 0.1, 0.1)
    canvas.setLineWidth(2)
    canvas.circle(x, y, r)
    star = [(x + 6 * mm * math.sin(k * 0.8 * math.pi), y + 6 * mm * math.cos(k * 0.8 * math.pi)) for k in range(5)]
    path = canvas.beginPath()
    path.moveTo(*star[0])
    for point in star[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, fill=1, stroke=0)
    name = firm.name[:16]
    step = math.radians(200) / max(len(name) - 1, 1)
    canvas.setFont(font, 9)
    for i, char in enumerate(name):
        angle = math.radians(190) - i * step  # from the left, over the top, to the right
        canvas.saveState()
        canvas.translate(x + (r - 5 * mm) * math.cos(angle), y + (r - 5 * mm) * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        canvas.drawCentredString(0, 0, char)
        canvas.restoreState()
    if caption:
        canvas.setFont(font, 8)
        canvas.drawCentredString(x, y - 12 * mm, caption)
    canvas.restoreState()


def _page(title: str, lines: list[tuple[str, str]], *, sealed: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    font = _font()
    width, height = A4
    firm = company()
    letterhead(canvas, title, firm)
    y = height - 52 * mm
    for label, value in lines:
        canvas.setFont(font, 11)
        canvas.drawString(25 * mm, y, label)
        canvas.drawString(75 * mm, y, value)
        y -= 8 * mm
    canvas.line(20 * mm, y, width - 20 * mm, y)
    canvas.setFont(font, 9)
    canvas.drawString(25 * mm, y - 8 * mm, footer(firm))
    place = _("地址 %(address)s") % {"address": firm.address}
    if firm.bank_account:
        place += " · " + _("开户行 %(bank)s · 账号 %(account)s") % {
            "bank": firm.bank_name,
            "account": firm.bank_account,
        }
    canvas.drawString(25 * mm, y - 14 * mm, place)
    if sealed:
        seal(canvas, width - 50 * mm, y - 30 * mm, firm, caption=_("财务专用章"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def bill_pdf(bill: Bill) -> bytes:
    return _page(_("电费通知单"), bill_lines(bill))


def bill_lines(bill: Bill) -> list[tuple[str, str]]:
    a = bill.account
    notes = reading_notes(bill)
    return [
        (_("户号"), a.account_no),
        (_("户名"), mask_name(a.customer.name)),
        (_("用电地址"), a.address),
        (_("供电单位"), a.supply_unit.name),
        (_("账期"), bill.period),
        (_("电价"), bill.tariff.name),
        (
            _("用电量"),
            f"{bill.kwh} kWh（{_('峰')} {bill.kwh_peak} / {_('平')} {bill.kwh_flat} / {_('谷')} {bill.kwh_valley}）"
            + (_("（估）") if notes.estimated else ""),
        ),
        *notes.lines,  # 估抄, its true-up, 换表电量
        (_("电度电费"), f"{bill.energy_charge} 元"),
        (_("基本电费"), f"{bill.basic_charge} 元"),
        (_("力调电费"), f"{bill.pf_adjustment} 元"),
        # Credit and debit notes the bill carries (issue 19), a line only when there are any.
        *([(_("退补电费"), f"{bill.adjustment} 元")] if bill.adjustment else []),
        (_("本期电费"), f"{bill.amount} 元"),
        (_("已缴（含预存抵扣）"), f"{bill.paid_total} 元"),
        (_("其中违约金"), f"{bill.penalty_paid} 元"),
        (_("缴费截止日"), bill.due_date.isoformat()),
    ]


def receipt_pdf(payment: Payment) -> bytes:
    return _page(_("电费缴费凭证"), receipt_lines(payment), sealed=True)


def receipt_lines(payment: Payment) -> list[tuple[str, str]]:
    a = payment.account
    return [
        (_("户号"), a.account_no),
        (_("户名"), mask_name(a.customer.name)),
        (_("用电地址"), a.address),
        (_("缴费渠道"), str(payment.get_channel_display())),
        (_("渠道流水号"), payment.channel_txn_id),
        (_("缴费时间"), payment.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")),
        (_("缴费金额"), f"{payment.amount} 元"),
        (_("其中违约金"), f"{payment.to_penalty} 元"),
        (_("其中电费"), f"{payment.to_bills} 元"),
        (_("转入预存"), f"{payment.to_prepaid} 元"),
    ]


def service_receipt_pdf(order: ServiceOrder) -> bytes:
    """The receipt of a paid service order (WO-10): its lines as priced when ordered, and the payment."""
    return _page(_("有偿服务收费凭证"), service_receipt_lines(order), sealed=True)


def service_receipt_lines(order: ServiceOrder) -> list[tuple[str, str]]:
    a = order.account
    lines = [
        (_("服务订单号"), order.order_no),
        (_("户号"), a.account_no),
        (_("户名"), mask_name(a.customer.name)),
        (_("服务地址"), a.address),
    ]
    for line in order.lines.all():
        each = {"price": line.unit_price, "unit": line.unit, "n": line.quantity, "amount": line.amount}
        lines.append((line.name, _("%(price)s 元/%(unit)s × %(n)s = %(amount)s 元") % each))
    lines.append((_("合计"), _("%(amount)s 元") % {"amount": order.amount}))
    payment = order.payment
    if payment is not None:
        lines += [
            (_("缴费渠道"), str(payment.get_channel_display())),
            (_("渠道流水号"), payment.channel_txn_id),
            (_("缴费时间"), payment.paid_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")),
            (_("实收金额"), _("%(amount)s 元") % {"amount": payment.amount}),
        ]
    return lines
