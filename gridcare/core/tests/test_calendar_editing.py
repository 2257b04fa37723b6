"""Administrators keep the working-day calendar: the /calendar/ pages and the calendar API,
validated with a Chinese message per mistake, every change kept with who and when; nobody else
changes anything (issue 10 §1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from gridcare.core import calendar
from gridcare.core.models import CalendarChange, CalendarHoliday, CalendarMakeupDay, CalendarYear
from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.workorders.tests.conftest import Clock, take

GOOD: dict[str, Any] = {  # test data, not a real notice
    "source": "测试用通知（非真实）",
    "holidays": [
        {"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"},
        {"name": "春节", "first": "2027-02-06", "last": "2027-02-13"},
    ],
    "makeup_days": ["2027-02-14"],
}


@pytest.fixture
def december(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


def rows() -> tuple[int, int, int, int]:
    return (
        CalendarYear.objects.count(),
        CalendarHoliday.objects.count(),
        CalendarMakeupDay.objects.count(),
        CalendarChange.objects.count(),
    )


def put(client: Any, year: int, body: dict[str, Any]) -> Any:
    return client.put(f"/api/v1/calendar/years/{year}", body, content_type="application/json")


def test_the_seeded_years_are_listed_with_next_year_missing(town: City, december: Clock) -> None:
    listed = api_client(town.admin).get("/api/v1/calendar/years")
    assert listed.status_code == 200
    assert [(y["year"], y["saved"], y["source"]) for y in listed.json()] == [
        (2027, False, ""),
        (2026, True, "国办发明电〔2025〕7号"),
        (2025, True, "国办发明电〔2024〕12号"),
        (2024, True, "国办发明电〔2023〕7号"),
    ]
    one = api_client(town.admin).get("/api/v1/calendar/years/2026").json()
    assert one["holidays"][1] == {"name": "春节", "first": "2026-02-15", "last": "2026-02-23"}
    assert one["makeup_days"] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    missing = api_client(town.admin).get("/api/v1/calendar/years/2027")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "还没有 2027 年的节假日安排。", "errors": {}}


def test_an_administrator_adds_a_year_and_the_change_is_kept(town: City, december: Clock) -> None:
    before = rows()
    saved = put(api_client(town.admin), 2027, GOOD)
    assert saved.status_code == 200
    assert saved.json()["source"] == "测试用通知（非真实）"
    assert rows() == (before[0] + 1, before[1] + 2, before[2] + 1, before[3] + 1)
    change = CalendarChange.objects.filter(year=2027).get()
    assert change.actor == town.admin
    assert change.created_at == december.at
    assert change.before is None
    assert change.after == GOOD
    assert calendar.is_working_day(date(2027, 2, 14)) is True  # the make-up Sunday
    assert calendar.working_day(date(2027, 2, 8)).value is False
    assert calendar.working_day(date(2027, 2, 8)).provisional is False
    # A correction keeps the old version too; the same notice again changes nothing.
    corrected = {**GOOD, "makeup_days": ["2027-02-14", "2027-02-20"]}
    assert put(api_client(town.admin), 2027, corrected).status_code == 200
    assert put(api_client(town.admin), 2027, corrected).status_code == 200
    changes = list(CalendarChange.objects.filter(year=2027).order_by("id"))
    assert len(changes) == 2
    assert changes[1].before == GOOD
    assert changes[1].after["makeup_days"] == ["2027-02-14", "2027-02-20"]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({**GOOD, "source": " "}, {"source": "请填写放假通知的文号或出处。"}),
        (
            {**GOOD, "holidays": [{"name": "元旦", "first": "2026-12-31", "last": "2027-01-02"}]},
            {"holidays.0": "放假日期应在 2027 年内。"},
        ),
        (
            {**GOOD, "holidays": [{"name": "元旦", "first": "2027-01-03", "last": "2027-01-01"}]},
            {"holidays.0": "放假开始日期不能晚于结束日期。"},
        ),
        (
            {
                **GOOD,
                "holidays": [
                    {"name": "元旦", "first": "2027-01-01", "last": "2027-01-03"},
                    {"name": "重复", "first": "2027-01-03", "last": "2027-01-05"},
                ],
            },
            {"holidays.1": "与第 1 行的放假日期重叠。"},
        ),
        (
            {**GOOD, "makeup_days": ["2027-02-15"]},
            {"makeup_days.0": "2027-02-15 不是周六或周日，调休上班日只能是周末。"},
        ),
        ({**GOOD, "makeup_days": ["2027-02-06"]}, {"makeup_days.0": "2027-02-06 已是放假日，不能同时是调休上班日。"}),
        ({**GOOD, "makeup_days": ["2028-01-08"]}, {"makeup_days.0": "调休上班日应在 2027 年内。"}),
        (
            {**GOOD, "holidays": [{"name": "", "first": "2027-01-01", "last": "2027-01-01"}]},
            {"holidays.0.name": "请填写节日名称。"},
        ),
    ],
)
def test_a_bad_notice_is_refused_with_a_message_and_changes_nothing(
    town: City, december: Clock, body: dict[str, Any], errors: dict[str, str]
) -> None:
    order = take(town.agent, type="complaint")
    due = order.deadlines.get(kind="reply").due_at
    before = rows()
    refused = put(api_client(town.admin), 2027, body)
    assert refused.status_code == 422
    assert refused.json() == {"detail": "节假日安排有误，未保存。", "errors": errors}
    assert rows() == before
    assert order.deadlines.get(kind="reply").due_at == due
    assert order.deadlines.get(kind="reply").provisional is True


@pytest.mark.parametrize(("persona", "reads"), [("supervisor", 200), ("agent", 403), ("clerk", 403), ("outsider", 403)])
def test_only_administrators_save_through_the_calendar_api(
    town: City, december: Clock, persona: str, reads: int
) -> None:
    """Reading asks what the calendar pages ask (CALENDAR_VIEW: supervisors); saving is the
    administrator's alone."""
    client = api_client(town.users[persona])
    before = rows()
    assert client.get("/api/v1/calendar/years").status_code == reads
    assert client.get("/api/v1/calendar/years/2026").status_code == reads
    refused = put(client, 2027, GOOD)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "只有系统管理员可以维护节假日安排。", "errors": {}}
    assert rows() == before


def _form(source: str, holidays: list[tuple[str, str, str]], makeup: list[str], **extra: str) -> dict[str, str]:
    data = {
        "source": source,
        "h-TOTAL_FORMS": str(len(holidays)),
        "h-INITIAL_FORMS": "0",
        "m-TOTAL_FORMS": str(len(makeup)),
        "m-INITIAL_FORMS": "0",
        **extra,
    }
    for i, (name, first, last) in enumerate(holidays):
        data.update({f"h-{i}-name": name, f"h-{i}-first": first, f"h-{i}-last": last})
    for i, day in enumerate(makeup):
        data[f"m-{i}-day"] = day
    return data


def test_the_page_confirms_before_saving_and_then_recomputes(town: City, december: Clock) -> None:
    order = take(town.agent, type="complaint")
    assert order.deadlines.get(kind="reply").due_at == datetime(2027, 1, 4, 10, tzinfo=SHANGHAI)
    client = signed_in(town.admin)
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert "未录入（暂按周一至周五计算）" in page.content.decode()
    form = client.get("/calendar/2027/")
    assert form.status_code == 200
    assert 'type="date"' in form.content.decode()
    assert "有 1 个在办时限按本年“暂定”计算" in form.content.decode()
    data = _form("测试用通知（非真实）", [("元旦", "2027-01-01", "2027-01-03"), ("", "", "")], ["2027-01-09"])
    before = rows()
    checked = client.post("/calendar/2027/", data)
    assert checked.status_code == 200
    assert "请确认保存" in checked.content.decode()
    assert rows() == before  # nothing saved before the confirmation
    saved = client.post("/calendar/2027/", {**data, "confirm": "1"})
    assert saved.status_code == 302
    assert rows()[0] == before[0] + 1
    # Reply in 5 working days from Monday 28 December 10:00: 29, 30, 31 December, then 1-3
    # January are off, so Monday 4 and Tuesday 5 January.
    deadline = order.deadlines.get(kind="reply")
    assert (deadline.due_at, deadline.provisional) == (datetime(2027, 1, 5, 10, tzinfo=SHANGHAI), False)
    assert (
        "已保存 2027 年节假日安排，重算暂定时限：工单 1 个，业扩报装 0 个。"
        in client.get("/calendar/").content.decode()
    )


def test_the_page_shows_each_mistake_at_its_row_and_saves_nothing(town: City, december: Clock) -> None:
    client = signed_in(town.admin)
    before = rows()
    data = _form("", [("元旦", "2027-01-01", "2027-01-03")], ["2027-01-04"], confirm="1")
    page = client.post("/calendar/2027/", data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "请填写放假通知的文号或出处。" in text
    assert "2027-01-04 不是周六或周日，调休上班日只能是周末。" in text
    assert "请确认保存" not in text
    assert rows() == before


def test_a_supervisor_may_look_but_not_save_and_other_posts_are_forbidden(town: City, december: Clock) -> None:
    supervisor = signed_in(town.supervisor)
    assert supervisor.get("/calendar/").status_code == 200
    assert supervisor.get("/calendar/2026/").status_code == 200
    before = rows()
    data = _form("测试", [("元旦", "2027-01-01", "2027-01-03")], [], confirm="1")
    assert supervisor.post("/calendar/2027/", data).status_code == 403
    assert rows() == before
    assert signed_in(town.agent).get("/calendar/").status_code == 403
    assert signed_in(town.agent).post("/calendar/2027/", data).status_code == 403
    assert rows() == before


@pytest.mark.parametrize(
    ("moment", "persona", "shown"),
    [
        (datetime(2026, 9, 30, 18, 0, tzinfo=SHANGHAI), "admin", False),
        (datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI), "admin", True),
        (datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI), "supervisor", True),
        (datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI), "agent", False),
        (datetime(2026, 12, 28, 8, 0, tzinfo=SHANGHAI), "manager", False),
        (datetime(2026, 12, 28, 8, 0, tzinfo=SHANGHAI), "supervisor", True),
    ],
)
def test_the_home_page_warns_from_1_october_when_next_year_is_missing(
    town: City, monkeypatch: pytest.MonkeyPatch, moment: datetime, persona: str, shown: bool
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    text = signed_in(town.users[persona]).get("/").content.decode()
    assert ("还没有录入 2027 年的节假日安排" in text) is shown
    assert ('href="/calendar/2027/"' in text) is shown


def test_the_warning_goes_once_the_year_is_saved_and_names_a_missing_current_year(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = [datetime(2026, 10, 8, 9, 0, tzinfo=SHANGHAI)]
    monkeypatch.setattr(timezone, "now", lambda: at[0])
    assert put(api_client(town.admin), 2027, GOOD).status_code == 200
    assert "节假日安排：该年" not in signed_in(town.admin).get("/").content.decode()
    CalendarYear.objects.filter(year=2027).delete()
    at[0] = datetime(2027, 1, 2, 9, 0, tzinfo=SHANGHAI)  # 2027 itself is missing
    assert "还没有录入 2027 年的节假日安排" in signed_in(town.admin).get("/").content.decode()


def test_a_year_saved_by_another_process_is_read_at_the_next_version_check(
    town: City, december: Clock, settings: Any
) -> None:
    assert calendar.working_day(date(2027, 1, 1)).value is True  # this process's copy: 2027 unknown
    # Another process's save: its rows and its change row, without this process's invalidate.
    row = CalendarYear.objects.create(year=2027, source="测试", updated_at=december.at)
    CalendarHoliday.objects.create(calendar=row, name="元旦", first=date(2027, 1, 1), last=date(2027, 1, 1))
    CalendarChange.objects.create(year=2027, after={}, created_at=december.at)
    assert calendar.working_day(date(2027, 1, 1)).value is True  # between checks: still the copy
    settings.GRIDCARE_CALENDAR_RECHECK_SECONDS = 0  # the interval has passed
    assert calendar.working_day(date(2027, 1, 1)).value is False
    assert calendar.working_day(date(2027, 1, 1)).provisional is False


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"h-TOTAL_FORMS": "x", "m-TOTAL_FORMS": "-1", "source": "a"},
        {
            "h-TOTAL_FORMS": "1",
            "h-INITIAL_FORMS": "0",
            "m-TOTAL_FORMS": "0",
            "m-INITIAL_FORMS": "0",
            "h-0-first": "2027-13-45",
        },
        {
            "h-TOTAL_FORMS": "1",
            "h-INITIAL_FORMS": "0",
            "m-TOTAL_FORMS": "0",
            "m-INITIAL_FORMS": "0",
            "h-0-name": "元旦",
            "confirm": "1",
        },
    ],
)
def test_a_garbled_form_is_answered_with_the_page_and_saves_nothing(
    town: City, december: Clock, data: dict[str, str]
) -> None:
    before = rows()
    page = signed_in(town.admin).post("/calendar/2027/", data)
    assert page.status_code == 200
    assert "请确认保存" not in page.content.decode()
    assert rows() == before
    assert signed_in(town.admin).get("/calendar/99999/").status_code == 404
    assert put(api_client(town.admin), 99999, GOOD).json()["errors"] == {"year": "年份应在 2000 至 2100 之间。"}
