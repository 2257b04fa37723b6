"""Personal numbers out of free text: mobiles and ID card numbers masked wherever text leaves
the database for a log line or a console/file gateway (SEC-2, PIPL).

Masks as the archive does (customers.rules): 138****5678 and 110105********002X. Account numbers
(10 digits) are not personal data and stay as they are.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# An 11-digit mainland mobile (86 before it allowed: +86…) or an 18-character ID number, not inside a longer run of digits.
_MOBILE = re.compile(r"(?<![0-9])((?:86)?1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")
_ID_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """``text`` with every mobile and ID number in it masked."""
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def _masked(value: Any) -> Any:
    return mask_text(value) if isinstance(value, str) else value


class MaskPersonalData(logging.Filter):
    """A logging filter for every handler: the message and its string arguments masked (the
    access log of a search by mobile, an error quoting a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        return True
