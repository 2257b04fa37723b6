"""No staff page shows an untranslated string in English (issue 13, Language). Every page route is
opened in English by the administrator (who reaches every page) on the probes' world, and every run
of Chinese characters left in the page's text must be data: a run that also stands alone in some
value stored in the database (a customer's name, a hall's name, a notice's text, a reason typed into
a form) or in the house's configuration (the SMS signature). Anything else is interface text that
lacks its English in locale/en/glossary.json."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from gridcare.billing.services.debit import HEADER as DEBIT_HEADER
from gridcare.billing.services.reconcile import STATEMENT_COLUMNS
from gridcare.core.testing import signed_in
from gridcare.core.tests.probes.routes import page_routes
from gridcare.core.tests.probes.world import World
from gridcare.notices.defaults import DEFAULT_TEMPLATES

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # runs of Chinese characters, punctuation apart

# Pages that are not HTML for a person (files) or not pages at all in English.
NOT_PAGES = {"logout", "set_language", "dismiss_confirmation"}


class _Text(HTMLParser):
    """The text a person reads: the body's text nodes and the attributes read aloud or shown."""

    SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        kind = dict(attrs).get("type", "")
        for name, value in attrs:
            if value and name in self.SHOWN_ATTRIBUTES and not (name == "value" and kind == "hidden"):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _runs(text: str) -> set[str]:
    return set(HAN.findall(text))


def _data_runs() -> set[str]:
    """Every run of Chinese characters in every text value stored (JSON included)."""
    runs: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    runs |= _runs(str(value))
    for name in dir(settings):
        if name.startswith("GRIDCARE"):
            runs |= _runs(str(getattr(settings, name)))
    # The language picker names each language in itself (简体中文); the built-in message templates
    # are the Chinese texts customers receive, shown as they are sent.
    runs |= _runs(str(settings.LANGUAGES))
    runs |= _runs(str(DEFAULT_TEMPLATES))
    # The column headings the import files must carry are Chinese in any language.
    runs |= _runs(str(STATEMENT_COLUMNS)) | _runs(str(DEBIT_HEADER))
    return runs


def _english_text(client: Any, url: str) -> str | None:
    answer = client.get(url)
    if answer.status_code != 200 or "text/html" not in answer.get("Content-Type", ""):
        return None
    parser = _Text()
    parser.feed(answer.content.decode())
    return " ".join(parser.parts)


@pytest.mark.parametrize("route", [r for r in page_routes() if r.name not in NOT_PAGES], ids=lambda r: r.name)
def test_the_page_has_no_chinese_interface_text_in_english(route: Any, probe: World) -> None:
    client = signed_in(probe.town.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _english_text(client, route.fill("real", probe.real(route.name)))
    if text is None:
        pytest.skip(f"{route.name} answers no HTML page to the administrator")
    untranslated = sorted(_runs(text) - _data_runs())
    assert untranslated == [], f"{route.name}: no English for {untranslated}"
