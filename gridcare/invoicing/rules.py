"""Pure rules of e-invoices (数电发票, BILL-8): the tax split of an amount that includes VAT, the
check digit of a unified social credit code (统一社会信用代码, GB 32100-2015), an invoice title's
checks, the amount in Chinese capitals (大写) and the simulated issuer's numbers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31 for the first 17.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class TaxSplit:
    net: Decimal  # 金额 (without tax)
    tax: Decimal  # 税额
    gross: Decimal  # 价税合计

    def negated(self) -> TaxSplit:
        return TaxSplit(net=-self.net, tax=-self.tax, gross=-self.gross)


def tax_split(gross: Decimal, rate: Decimal) -> TaxSplit:
    """Split ``gross`` (tax included) into net and tax to the fen: the net rounded half-up, the tax
    what is left, so net + tax is always exactly the gross. A negative gross (a red invoice) splits
    as the negation of its positive, so a red invoice cancels its original to the fen."""
    if gross < 0:
        return tax_split(-gross, rate).negated()
    net = (gross / (1 + rate)).quantize(FEN, rounding=ROUND_HALF_UP)
    return TaxSplit(net=net, tax=gross - net, gross=gross)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 are ``first17``."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_normal(code: str) -> str:
    return code.strip().upper()


def uscc_valid(code: str) -> bool:
    """Whether ``code`` (already normalised) is 18 characters of the code's alphabet whose last
    is the check character of the others."""
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


@dataclass(frozen=True)
class TitleIn:
    kind: str  # "personal" or "organisation"
    name: str
    tax_number: str
    email: str


TITLE_NAME_MAX = 100


def title_problems(t: TitleIn) -> dict[str, str]:
    """What is wrong with a title, by field, as codes the service turns into sentences:
    ``name`` empty/long, ``tax_number`` missing/bad/not wanted, ``email`` bad."""
    problems: dict[str, str] = {}
    if not t.name or len(t.name) > TITLE_NAME_MAX or not t.name.isprintable():
        problems["name"] = "name"
    if t.kind == "organisation":
        if not t.tax_number:
            problems["tax_number"] = "missing"
        elif not uscc_valid(t.tax_number):
            problems["tax_number"] = "check"
    elif t.tax_number:
        problems["tax_number"] = "personal"
    if t.email and (
        len(t.email) > 254 or t.email.count("@") != 1 or " " in t.email or "." not in t.email.split("@")[1]
    ):
        problems["email"] = "email"
    return problems


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def _four(n: int) -> str:
    """0 < n < 10000 in capitals, with inner zeros as 零."""
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10**i % 10
        if d == 0:
            zero = bool(out)
        else:
            out += ("零" if zero else "") + _DIGITS[d] + _UNITS[i]
            zero = False
    return out


def rmb_capitals(amount: Decimal) -> str:
    """The amount in Chinese capitals as invoices print it (价税合计大写): 113.00 → 壹佰壹拾叁元整,
    0.01 → 壹分, a negative amount with 负 in front."""
    if amount < 0:
        return "负" + rmb_capitals(-amount)
    fen = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, jiao, fen_ = fen // 100, fen // 10 % 10, fen % 10
    words, group, need_zero = "", 0, False
    while yuan:
        part = yuan % 10000
        if part:
            text = _four(part) + _GROUPS[group]
            words = text + ("零" if need_zero and words else "") + words
            need_zero = part < 1000
        else:
            need_zero = bool(words)
        yuan //= 10000
        group += 1
    out = words + "元" if words else ""
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif out and fen_:
        out += "零"
    if fen_:
        out += _DIGITS[fen_] + "分"
    return out + ("整" if not fen_ else "") if out else "零元整"


def simulated_number(*, serial: int, on: date, province: str) -> str:
    """A 数电发票 number of 20 digits: the year's two, the province's two, the channel (9: the
    simulated issuer) and a 15-digit serial."""
    region = "".join(c for c in province if c.isdigit()).rjust(2, "0")[-2:] or "00"
    return f"{on:%y}{region}9{serial:015d}"


def simulated_code(*, number: str, gross: Decimal, buyer_tax_number: str) -> str:
    """The verification code (校验码): 20 digits derived from the invoice's own values, so the
    same invoice always gets the same code."""
    digest = hashlib.sha256(f"{number}|{gross}|{buyer_tax_number}".encode()).hexdigest()
    return str(int(digest, 16))[-20:].rjust(20, "0")
