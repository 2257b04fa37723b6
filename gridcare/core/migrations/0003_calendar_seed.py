"""Seed the working-day calendar of a new database from holidays_cn.json (the file stays the seed)."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import migrations
from django.utils import timezone

SEED = Path(__file__).resolve().parent.parent / "holidays_cn.json"


def seed(apps: Any, schema_editor: Any) -> None:
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarHoliday = apps.get_model("core", "CalendarHoliday")
    CalendarMakeupDay = apps.get_model("core", "CalendarMakeupDay")
    CalendarChange = apps.get_model("core", "CalendarChange")
    path = Path(getattr(settings, "GRIDCARE_HOLIDAYS_FILE", "") or SEED)
    data = json.loads(path.read_text(encoding="utf-8"))
    at = timezone.now()
    for key, value in sorted(data.items()):
        if not key.isdigit() or CalendarYear.objects.filter(year=int(key)).exists():
            continue
        year = CalendarYear.objects.create(year=int(key), source=value["source"], updated_at=at)
        CalendarHoliday.objects.bulk_create(
            CalendarHoliday(calendar=year, first=date.fromisoformat(a), last=date.fromisoformat(b), name=name)
            for a, b, name in value["holidays"]
        )
        CalendarMakeupDay.objects.bulk_create(
            CalendarMakeupDay(calendar=year, day=date.fromisoformat(d)) for d in value["workdays"]
        )
        after = {
            "source": value["source"],
            "holidays": [{"first": a, "last": b, "name": name} for a, b, name in value["holidays"]],
            "makeup_days": sorted(value["workdays"]),
        }
        CalendarChange.objects.create(year=int(key), before=None, after=after, actor=None, created_at=at)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
