"""Pure rules of the customer archive: identifiers, their validation and masking.

No database here. Each validator returns the normalised value or raises ``InvalidInput`` with a
Chinese message a counter clerk can read out to the customer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ACCOUNT = re.compile(r"^\d{10}$")
# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
ACCOUNT_NO_LENGTH = 10


def normalise_phone(raw: str) -> str:
    """A mainland mobile number: 11 digits starting 13-19; spaces, dashes and +86 are dropped."""
    value = re.sub(r"[\s\-]", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if not value:
        raise InvalidInput(_("请填写手机号码。"))
    if not value.isdigit():
        raise InvalidInput(_("手机号码只能包含数字。"))
    if len(value) != 11:
        raise InvalidInput(_("手机号码应为11位，当前为%(n)d位。") % {"n": len(value)})
    if not _MOBILE.match(value):
        raise InvalidInput(_("手机号码应以13至19开头。"))
    return value


def is_valid_phone(raw: str | None) -> bool:
    try:
        normalise_phone(raw or "")
    except InvalidInput:
        return False
    return True


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(raw: str) -> str:
    """An 18-character resident ID number (GB 11643) with a real birth date and check character."""
    value = (raw or "").strip().upper()
    if not value:
        raise InvalidInput(_("请填写身份证号码。"))
    if len(value) != 18:
        raise InvalidInput(_("身份证号码应为18位，当前为%(n)d位。") % {"n": len(value)})
    if not _ID18.match(value):
        raise InvalidInput(_("身份证号码前17位应为数字，最后一位为数字或X。"))
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidInput(_("身份证号码中的出生日期不存在。")) from None
    if born.year < 1900 or born > date.today():  # noqa: DTZ011 - a birth date, not an instant
        raise InvalidInput(_("身份证号码中的出生日期不合理。"))
    if id_check_char(value[:17]) != value[17]:
        raise InvalidInput(_("身份证号码校验位不正确，请核对。"))
    return value


def is_valid_id_number(raw: str | None) -> bool:
    try:
        normalise_id_number(raw or "")
    except InvalidInput:
        return False
    return True


# Contract capacity: the column holds 10 digits with one decimal place; an account above this is
# a typing error, not a customer.
CAPACITY_MAX_KVA = Decimal("999999")
CAPACITY_PLACES = 1


def normalise_capacity_kva(raw: Any) -> Decimal:
    """Contract capacity in kVA: a finite number from 0 to CAPACITY_MAX_KVA with at most one
    decimal place. Empty means 0. Text like "1e300", "NaN" or "-5" is refused, never stored."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Decimal(0)
    if isinstance(raw, bool):
        raise InvalidInput(_("合同容量应为数字（kVA），例如 315 或 12.5。"))
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("合同容量应为数字（kVA），例如 315 或 12.5。")) from None
    if not value.is_finite():
        raise InvalidInput(_("合同容量应为数字（kVA），例如 315 或 12.5。"))
    if value < 0:
        raise InvalidInput(_("合同容量不能为负数。"))
    if value > CAPACITY_MAX_KVA:
        raise InvalidInput(_("合同容量不能超过%(max)s kVA。") % {"max": CAPACITY_MAX_KVA})
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > CAPACITY_PLACES:
        raise InvalidInput(_("合同容量最多保留1位小数。"))
    return value.quantize(Decimal(1).scaleb(-CAPACITY_PLACES))


def _meaningful(text: str) -> str:
    """The letters and digits of ``text`` (Chinese characters count), without spaces or marks."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in ("L", "N"))


def clean_unmask_reason(
    *,
    code: str,
    text: str,
    codes: set[str] | frozenset[str],
    other: str,
    min_chars: int,
    other_min_chars: int,
    max_chars: int,
) -> str:
    """The free text of an unmask reason, stripped, or InvalidInput with a message per field.

    A reason is chosen from ``codes``; the text is required (``min_chars`` letters or digits, at
    most ``max_chars`` characters) and, for ``other``, must say something: ``other_min_chars``
    letters or digits and not one character repeated."""
    errors: dict[str, str] = {}
    if code not in codes:
        errors["reason_code"] = _("请选择查看原因。")
    value = (text or "").strip()
    letters = _meaningful(value)
    needed = other_min_chars if code == other else min_chars
    if not value:
        errors["reason_text"] = _("请填写查看原因说明。")
    elif len(value) > max_chars:
        errors["reason_text"] = _("原因说明不能超过%(n)d个字。") % {"n": max_chars}
    elif len(letters) < needed:
        errors["reason_text"] = (
            _("选择“其他”时请具体说明原因（至少%(n)d个字）。") if code == other else _("原因说明至少%(n)d个字。")
        ) % {"n": needed}
    elif code == other and len(set(letters)) < 3:
        errors["reason_text"] = _("选择“其他”时请具体说明原因（至少%(n)d个字）。") % {"n": needed}
    if errors:
        raise InvalidInput(_("请选择查看原因并填写说明。"), errors=errors)
    return value


def unmask_refusal(*, shown_last_hour: int, shown_today: int, per_hour: int, per_day: int) -> str:
    """Whether one more unmasking goes over a limit: "hour", "day" or "" (allowed)."""
    if shown_today >= per_day:
        return "day"
    if shown_last_hour >= per_hour:
        return "hour"
    return ""


def account_check_digit(first9: str) -> str:
    """Luhn check digit, so a mistyped 户号 is caught at the counter."""
    total = 0
    for i, ch in enumerate(reversed(first9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def account_no_from_serial(serial: int) -> str:
    body = f"{serial:0{ACCOUNT_NO_LENGTH - 1}d}"
    if len(body) != ACCOUNT_NO_LENGTH - 1:
        raise ValueError("account serial out of range")
    return body + account_check_digit(body)


def normalise_account_no(raw: str) -> str:
    value = (raw or "").strip()
    if not _ACCOUNT.match(value):
        raise InvalidInput(_("户号应为10位数字。"))
    if account_check_digit(value[:-1]) != value[-1]:
        raise InvalidInput(_("户号校验位不正确，请核对。"))
    return value


def mask_phone(phone: str | None) -> str:
    """138****5678"""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(id_number: str | None) -> str:
    """110105********002X: region code kept, birth date hidden."""
    if not id_number:
        return ""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str | None) -> str:
    """张*明 / 王*: the surname and, for longer names, the last character (payment channels)."""
    if not name:
        return ""
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_email(email: str | None) -> str:
    """z***@example.com: the first character of the name and the domain."""
    if not email:
        return ""
    name, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return f"{name[:1]}***@{domain}"


@dataclass(frozen=True)
class Preferences:
    """A contact's own message settings (customers.preferences): the channel per kind of message
    (a kind not named goes the house's way), opted out of reminders, the e-invoice address."""

    channels: Mapping[str, str] = field(default_factory=dict)
    opted_out: bool = False
    invoice_email: str = ""


def preferences_of(channels: object, opted_out: bool, invoice_email: str) -> Preferences:
    """The settings as a contact row stores them (a stored value that is no mapping is none)."""
    chosen = {str(k): str(v) for k, v in channels.items()} if isinstance(channels, dict) else {}
    return Preferences(channels=chosen, opted_out=opted_out, invoice_email=invoice_email)
