"""QR codes drawn on the server as inline SVG (segno, pure Python): no image file, no request to
anywhere, printed by the browser with the page."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 3) -> SafeString:
    """``text`` (an address the site made itself) as an SVG element, error correction M."""
    code = segno.make(text, error="m")
    # segno writes the SVG from the QR's modules alone: no text of ours goes into it unescaped.
    return mark_safe(code.svg_inline(scale=scale, border=2, title=None))  # noqa: S308
