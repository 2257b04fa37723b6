"""Pure rules of the portal: phone numbers, codes and tokens and their hashes, binding proofs.
No database here."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings

# A mainland mobile number: 11 digits starting 13-19.
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CODE_DIGITS = 6
TOKEN_PREFIX = "gcp_"  # noqa: S105 - a prefix, not a secret; a customer's token is recognisable at a glance (staff tokens are not)


def portal_setting(name: str) -> int:
    return int(settings.GRIDCARE_PORTAL[name])


def clean_phone(raw: object) -> str | None:
    """The mobile number in ``raw`` (spaces, dashes and a +86 prefix allowed), or None."""
    if not isinstance(raw, str) or len(raw) > 32:
        return None
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if MOBILE.match(digits) else None


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(phone: str, code: str) -> str:
    """A keyed hash of (phone, code): a stolen table does not give the codes back."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"portal-code:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def clean_code(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    code = unicodedata.normalize("NFKC", raw).strip()
    return code if len(code) == CODE_DIGITS and code.isascii() and code.isdigit() else None


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def proof_matches(*, name: str, id_number: str, given_name: str = "", given_id_last6: str = "") -> str | None:
    """Which proof ("name" or "id_last6") the customer gave right, or None. A name matches the
    holder's exactly (ignoring spaces and width); the ID proof is the number's last six
    characters (an X in any case)."""
    if given_name and _plain(given_name) == _plain(name) and _plain(name):
        return "name"
    if given_id_last6:
        tail = _plain(id_number)[-6:]
        if len(tail) == 6 and hmac.compare_digest(_plain(given_id_last6), tail):
            return "id_last6"
    return None
