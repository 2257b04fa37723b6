"""``{% load history %}``: ``events|lines`` turns history rows (any ``Event`` model, a page of
them or a queryset) into sentences for ``templates/includes/history.html``
(``gridcare.core.history``)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from gridcare.core.history import HistoryLine, history_lines
from gridcare.core.models import Event

register = template.Library()


@register.filter
def lines(events: Iterable[Event] | None) -> list[HistoryLine]:
    return history_lines(events or [])
