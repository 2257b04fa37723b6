"""The API's documentation page works on an intranet: Swagger UI comes from the installed
package's static files, nothing from a CDN (SPEC: no outside calls at run time)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_swagger_ui_loads_its_assets_from_our_own_static_files() -> None:
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert [s for s in sources if s.startswith(("http:", "https:", "//"))] == []
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
