"""The root-cause topics of each month (问题主题, issue 14): for every company and supply unit, the
recurring topics of the month's complaint texts (work orders of type 投诉 received that month,
through ``workorders.selectors``) and of its survey comments (``SurveyResponse.comment``),
written as ``TopicMonth`` rows by the worker's job ``assessment_topics``: last month once it is
over, and any of the ``TOPICS_CATCH_UP_MONTHS`` months before it that has none. The same texts
give the same topics (``rules.topics``), so computing a month again changes nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction

from gridcare.assessment.models import TopicMonth
from gridcare.assessment.rules.topics import tokens, topics_of_tokens
from gridcare.assessment.selectors_topics import survey_comments
from gridcare.core import timezone as tz
from gridcare.org.selectors import report_subjects
from gridcare.workorders.selectors import complaint_texts

Source = TopicMonth.Source


def _catch_up_months() -> int:
    return int(settings.GRIDCARE_ASSESSMENT["TOPICS_CATCH_UP_MONTHS"])


def _window(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(first, time.min, tzinfo=tz.SHANGHAI), datetime.combine(
        following, time.min, tzinfo=tz.SHANGHAI
    )


def _texts(source: str, month: date) -> list[tuple[int | None, int | None, str]]:
    start, end = _window(month)
    if source == Source.COMPLAINTS:
        return list(complaint_texts(start=start, end=end))
    return survey_comments(start=start, end=end)


@dataclass
class MonthTexts:
    """A month's texts of one source, each read into words once, by company and by unit."""

    texts: list[str] = field(default_factory=list)
    words: list[list[str]] = field(default_factory=list)
    by_subject: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))


def month_texts(source: str, month: date) -> MonthTexts:
    read = MonthTexts()
    for company_id, unit_id, text in _texts(source, month):
        i = len(read.texts)
        read.texts.append(text)
        read.words.append(tokens(text))
        if company_id is not None:
            read.by_subject[("company", company_id)].append(i)
        if unit_id is not None:
            read.by_subject[("unit", unit_id)].append(i)
    return read


def topics_compute(*, month: date, source: str, level: str, key: int, read: MonthTexts | None = None) -> TopicMonth:
    """Write (or rewrite) the topics of ``level`` ``key`` in ``month`` from ``source``."""
    month = month.replace(day=1)
    read = read or month_texts(source, month)
    mine = read.by_subject.get((level, key), [])
    found = topics_of_tokens([read.words[i] for i in mine], [read.texts[i] for i in mine])
    with transaction.atomic():
        row, _created = TopicMonth.objects.update_or_create(
            month=month,
            source=source,
            level=level,
            subject_id=key,
            defaults={"documents": len(mine), "topics": [t.as_dict() for t in found], "computed_at": tz.now()},
        )
    return row


@dataclass
class TopicsDone:
    computed: list[tuple[str, str, int, str]] = field(default_factory=list)  # (source, level, id, "YYYY-MM")


def _months(today: date) -> list[date]:
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    months = [last]
    while len(months) < _catch_up_months():
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def topics_due(
    *, today: date | None = None, regenerate: bool = False, stop: Callable[[], bool] | None = None
) -> TopicsDone:
    """Last month's topics of every company and unit from both sources, and those of the months
    before it (``TOPICS_CATCH_UP_MONTHS`` in all) that have none; a month already computed is
    kept as it is unless ``regenerate``."""
    done = TopicsDone()
    subjects = [(level, key) for level, key, _company in report_subjects()]
    for month in _months(today or tz.business_date()):
        have = set(TopicMonth.objects.filter(month=month).values_list("source", "level", "subject_id"))
        for source in Source.values:
            wanted = [(lv, k) for lv, k in subjects if regenerate or (source, lv, k) not in have]
            if not wanted:
                continue
            read = month_texts(source, month)
            for level, key in wanted:
                if stop is not None and stop():
                    return done
                topics_compute(month=month, source=source, level=level, key=key, read=read)
                done.computed.append((source, level, key, f"{month:%Y-%m}"))
    return done
