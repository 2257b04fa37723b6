"""The company as its documents show it (BILL-8): name, address, hotline, bank, tax number, seal,
logo and accent colour, read from ``settings.GRIDCARE_COMPANY`` each time (so a test or another
company's deployment changes them without code). Bills, receipts and e-invoices read it here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#006a4e"


@dataclass(frozen=True)
class Company:
    name: str
    address: str
    hotline: str
    bank_name: str
    bank_account: str
    tax_number: str
    seal_image: Path | None  # None: a seal drawn from the name
    logo_image: Path | None
    colour: str  # "#rrggbb"

    @property
    def rgb(self) -> tuple[float, float, float]:
        value = self.colour.lstrip("#")
        r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
        return r, g, b


def _image(value: str) -> Path | None:
    """A configured image that exists (relative paths from the project's directory)."""
    if not value:
        return None
    path = Path(value)
    if not path.is_absolute():
        path = Path(settings.BASE_DIR) / path
    return path if path.is_file() else None


def company() -> Company:
    conf: dict[str, str] = settings.GRIDCARE_COMPANY
    colour = conf.get("COLOUR", "")
    return Company(
        name=conf["NAME"],
        address=conf.get("ADDRESS", ""),
        hotline=conf.get("HOTLINE", ""),
        bank_name=conf.get("BANK_NAME", ""),
        bank_account=conf.get("BANK_ACCOUNT", ""),
        tax_number=conf.get("TAX_NUMBER", ""),
        seal_image=_image(conf.get("SEAL_IMAGE", "")),
        logo_image=_image(conf.get("LOGO_IMAGE", "")),
        colour=colour if _COLOUR.match(colour) else DEFAULT_COLOUR,
    )
