from __future__ import annotations

from django import template

from gridcare.jobs.models import JobRun
from gridcare.jobs.rules import duration_words
from gridcare.jobs.selectors import error_words

register = template.Library()


@register.filter
def duration(ms: int | None) -> str:
    return duration_words(ms)


@register.filter
def run_error(run: JobRun) -> str:
    return error_words(run)
