from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridcare.core.timezone import SHANGHAI
from gridcare.jobs.rules import (
    OFF,
    Schedule,
    ScheduleError,
    describe,
    duration_words,
    next_run,
    parse_schedule,
    previous_run,
)

UTC = ZoneInfo("UTC")


def test_schedule_settings_are_read_as_intervals_daily_times_or_off() -> None:
    assert parse_schedule("every 60s") == Schedule(every=timedelta(seconds=60))
    assert parse_schedule(" Every  5m ") == Schedule(every=timedelta(minutes=5))
    assert parse_schedule("every 2h") == Schedule(every=timedelta(hours=2))
    assert parse_schedule("daily 09:00") == Schedule(at=time(9, 0))
    assert parse_schedule("daily 7:05") == Schedule(at=time(7, 5))
    assert parse_schedule("off") == OFF
    assert OFF.off


@pytest.mark.parametrize(
    "text", ["", "hourly", "every 0s", "every 5", "every 5d", "daily 24:00", "daily 9:60", "daily"]
)
def test_a_schedule_that_is_none_of_the_forms_is_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)


def test_a_daily_job_runs_next_at_its_shanghai_time_whatever_the_server_zone() -> None:
    daily = parse_schedule("daily 23:30")
    # 16:00 UTC is 00:00 in Shanghai: the next 23:30 is that same Shanghai day, 15:30 UTC.
    assert next_run(daily, after=datetime(2026, 3, 1, 16, 0, tzinfo=UTC)) == datetime(
        2026, 3, 2, 23, 30, tzinfo=SHANGHAI
    )
    # Just after 23:30 in Shanghai: tomorrow's.
    assert next_run(daily, after=datetime(2026, 3, 2, 23, 30, 1, tzinfo=SHANGHAI)) == datetime(
        2026, 3, 3, 23, 30, tzinfo=SHANGHAI
    )
    # Exactly at the time: the next one, strictly after.
    assert next_run(daily, after=datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI)) == datetime(
        2026, 3, 3, 23, 30, tzinfo=SHANGHAI
    )
    # Across the year end.
    assert next_run(daily, after=datetime(2026, 12, 31, 23, 45, tzinfo=SHANGHAI)) == datetime(
        2027, 1, 1, 23, 30, tzinfo=SHANGHAI
    )


def test_an_interval_counts_from_the_worker_start() -> None:
    start = datetime(2026, 3, 2, 10, 0, 0, tzinfo=SHANGHAI)
    every = parse_schedule("every 5m")
    assert next_run(every, after=start, start=start) == datetime(2026, 3, 2, 10, 5, tzinfo=SHANGHAI)
    assert next_run(every, after=start + timedelta(minutes=7), start=start) == datetime(
        2026, 3, 2, 10, 10, tzinfo=SHANGHAI
    )
    assert next_run(OFF, after=start) is None


def test_the_last_daily_time_tells_a_starting_worker_what_it_missed() -> None:
    daily = parse_schedule("daily 09:00")
    assert previous_run(daily, now=datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)) == datetime(
        2026, 3, 2, 9, 0, tzinfo=SHANGHAI
    )
    assert previous_run(daily, now=datetime(2026, 3, 2, 8, 59, tzinfo=SHANGHAI)) == datetime(
        2026, 3, 1, 9, 0, tzinfo=SHANGHAI
    )
    # 02:00 UTC is 10:00 in Shanghai: today's 09:00 has passed.
    assert previous_run(daily, now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC)) == datetime(
        2026, 3, 2, 9, 0, tzinfo=SHANGHAI
    )
    assert previous_run(parse_schedule("every 60s"), now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC)) is None


def test_schedules_and_durations_in_words() -> None:
    assert describe(parse_schedule("every 60s")) == "每 1 分钟"
    assert describe(parse_schedule("every 90s")) == "每 90 秒"
    assert describe(parse_schedule("every 120m")) == "每 2 小时"
    assert describe(parse_schedule("daily 02:00")) == "每天 02:00（北京时间）"
    assert describe(OFF) == "未排期（仅手动运行）"
    assert duration_words(None) == ""
    assert duration_words(40) == "0.0 秒"
    assert duration_words(1260) == "1.3 秒"
    assert duration_words(59_949) == "59.9 秒"
    assert duration_words(125_000) == "2 分 5 秒"
    assert duration_words(3_725_000) == "1 小时 2 分"
