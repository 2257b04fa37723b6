from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for
from gridcare.org.models import Crew
from gridcare.org.services import crew_create
from gridcare.workorders import services
from gridcare.workorders.models import WorkOrder

# A residential new-connection application in unit U1, as the key account manager sends it.
NEW_CONNECTION = {"applicant": "赵六", "address": "幸福里小区3幢", "category": "residential", "supply_unit": "U1"}


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


class Clock:
    """The faked clock: tests move it, services read it through django.utils.timezone.now."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = at
        return at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    # Friday 26 September 2025, 10:00 in Shanghai: the week before the National Day holiday.
    c = Clock(datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


def take(user: User, **data: Any) -> WorkOrder:
    """An order taken through the intake service by ``user`` (defaults: a 95598 phone complaint)."""
    fields: dict[str, Any] = {"channel": "phone_95598", "text": "营业厅工作人员态度很差"}
    fields.update(data)
    order, _ = services.workorder_intake(scope=scope_for(user), actor=user, data=services.NewOrder(**fields))
    return order


def add_crew(town: City, name: str, unit: str = "U1", leader: str = "") -> Crew:
    """A repair crew of ``unit``, made by the administrator on 抢修班组 (org.services)."""
    return crew_create(scope=scope_for(town.admin), actor=town.admin, unit=unit, name=name, leader=leader)


@pytest.fixture
def fault(town: City, clock: Clock) -> WorkOrder:
    """A fault report from town.account (台区 T1, urban), taken by the 95598 agent."""
    return take(town.agent, type="fault", text="家里停电了", account_no=town.account.account_no)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Attachments go to the test's own directory (the default storage follows MEDIA_ROOT)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def stored_files(root: str) -> list[str]:
    """Every file under the media root, relative to it."""
    import os

    found = []
    for folder, _dirs, names in os.walk(root):
        found += [os.path.relpath(os.path.join(folder, n), root) for n in names]
    return sorted(found)


# The smallest files of each kind the desk accepts, made here (no fixtures on disk).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()
