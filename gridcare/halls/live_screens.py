"""What the hall's live screens show, rendered once per change (issue 20): the board, the floor
view and the consoles' queue section are the same for everyone who may see them, so each is
rendered once per hall, live version, minute (waits and estimates count in minutes) and language,
and kept in the per-process cache ``caches["live"]``. The polled refresh (``views.live_fragment``)
and the pushed one (``halls.push``) take the same body from here, so a pushed screen is exactly
what a refresh would have shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from gridcare.core.timezone import business_date, now
from gridcare.halls import figures, selectors
from gridcare.halls.services.live import hall_live_token
from gridcare.org.models import Hall


def live_key(hall: Hall) -> str:
    """The hall's live version, the minute and the language: what a live screen's rendering
    depends on besides the hall itself."""
    return f"{hall.pk}-{hall_live_token(hall.pk)}-{timezone.localtime(now()):%Y%m%d%H%M}-{get_language()}"


def live_queue(hall: Hall) -> selectors.HallQueue:
    """``selectors.hall_queue`` computed once per change of the hall and minute, shared by the
    board, the floor view and every console of the hall."""
    key = f"halls:queue-{live_key(hall)}"
    queue = caches["live"].get(key)
    if queue is None:
        queue = selectors.hall_queue(hall)
        caches["live"].set(key, queue)
    return cast(selectors.HallQueue, queue)


def board_context(hall: Hall) -> dict[str, Any]:
    return {"hall": hall, "calls": selectors.recent_calls(hall), "queue": live_queue(hall)}


def floor_context(hall: Hall) -> dict[str, Any]:
    day = business_date()
    return {"hall": hall, "queue": live_queue(hall), "today": figures.hall_figures(hall, day, day)}


def console_queue_context(hall: Hall) -> dict[str, Any]:
    return {"hall": hall, "queue": live_queue(hall)}


# The screens rendered from the hall alone: kind → (template, context).
LIVE_SCREENS: dict[str, tuple[str, Callable[[Hall], dict[str, Any]]]] = {
    "board": ("halls/_board_state.html", board_context),
    "floor": ("halls/_floor_state.html", floor_context),
    "console_queue": ("halls/_console_queue_state.html", console_queue_context),
}


def live_body(kind: str, hall: Hall, key: str | None = None) -> str:
    """The ``kind`` screen of ``hall`` in the active language, rendered once per ``live_key``."""
    template, context = LIVE_SCREENS[kind]
    cache_key = f"halls:{kind}-{key or live_key(hall)}"
    body = caches["live"].get(cache_key)
    if body is None:
        body = render_to_string(template, context(hall))
        caches["live"].set(cache_key, body)
    return cast(str, body)
