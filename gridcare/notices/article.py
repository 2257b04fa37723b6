"""A publication as an article ready to paste into the company's WeChat official account editor
(SELF-3): an HTML snippet whose styles are all inline (the editor drops <style> and classes), and
the same as plain text. Pure: the caller gives the names; every value is escaped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.html import escape

from gridcare.core.timezone import SHANGHAI

GREEN = "#0b6b4f"


@dataclass(frozen=True)
class Article:
    title: str
    body: str
    kind: str  # the kind's label (电价调整 …)
    area: str  # who it is for, in words (城区供电所 …)
    published_at: datetime | None
    company: str  # the signature (国网示范市供电公司)
    hotline: str = "95598"


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: its non-empty lines, trimmed."""
    return [line.strip() for line in body.replace("\r\n", "\n").split("\n") if line.strip()]


def _date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(SHANGHAI)
    return f"{local.year}年{local.month}月{local.day}日"


def article_html(a: Article) -> str:
    """The HTML snippet: a section with the title, a line of kind, area and date, the paragraphs
    indented two characters, and the company's signature with the hotline."""
    meta = " · ".join(part for part in (a.kind, a.area, _date(a.published_at)) if part)
    lines = [
        '<section style="margin:0;padding:0 4px;font-size:16px;line-height:1.75;color:#333333;'
        "font-family:-apple-system,BlinkMacSystemFont,'PingFang SC','Microsoft YaHei',sans-serif;\">",
        f'<h2 style="margin:0 0 8px;font-size:20px;font-weight:bold;line-height:1.4;color:{GREEN};">'
        f"{escape(a.title)}</h2>",
        f'<p style="margin:0 0 16px;font-size:13px;color:#888888;">{escape(meta)}</p>',
    ]
    lines += [
        f'<p style="margin:0 0 12px;text-indent:2em;text-align:justify;">{escape(p)}</p>' for p in paragraphs(a.body)
    ]
    lines += [
        f'<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #e5e5e5;font-size:14px;color:{GREEN};'
        f'text-align:right;">{escape(a.company)}</p>',
        f'<p style="margin:4px 0 0;font-size:13px;color:#888888;text-align:right;">服务热线 {escape(a.hotline)}</p>',
        "</section>",
    ]
    return "\n".join(lines) + "\n"


def article_text(a: Article) -> str:
    """The plain text: title, the line of kind, area and date, the paragraphs, the signature."""
    meta = " · ".join(part for part in (a.kind, a.area, _date(a.published_at)) if part)
    parts = [a.title, meta, "", *[f"　　{p}" for p in paragraphs(a.body)], "", a.company, f"服务热线 {a.hotline}"]
    return "\n".join(parts) + "\n"
