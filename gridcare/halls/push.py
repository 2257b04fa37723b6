"""Live screens pushed, not polled (issue 20): server-sent events from one watcher per process.

A province's thousand halls have about 8,000 live screens; polled, they would ask about 4,200
times a second, which two cores cannot answer even from a cache (each answer is a Django request).
Pushed, a screen holds one connection and is sent its new state only when its hall changed:

- One watcher per process (:class:`Hub`, a daemon thread) reads the live versions of the halls
  that have screens connected to this process, every ``POLL_MS`` (one query for all of them).
  A hall whose version moved, or every hall when the minute turns (waits count in minutes), is
  rendered once per kind and language through ``live_screens.live_body`` (the polled refresh's
  own cache and templates), and each of its screens is sent the body when it differs from what
  that screen last got.
- Consoles are sent the hall's queue section, and a nudge (``own``) when their counter's line
  changed, upon which the console fetches its own state with its usual request.
- The stream starts with the current state, so a screen that reconnects misses nothing; a
  comment every ``PING_SECONDS`` keeps idle connections open through proxies; a stream ends
  after ``MAX_SECONDS`` and the browser reconnects (so connections spread over new processes).
- Under ASGI (gunicorn with uvicorn workers, docs/OPERATIONS.md) a connection is an asyncio
  task; under WSGI (``runserver``) it is a thread, which is right for a few screens only. The
  pages keep their htmx polling as the fallback, paused while the stream is open (static/halls/live.js).

Settings: ``GRIDCARE_LIVE_PUSH`` {"ENABLED": …, "POLL_MS": 250, "PING_SECONDS": 15, "MAX_SECONDS": 600}.
"""

from __future__ import annotations

import asyncio
import logging
import queue as queues
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connection
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import get_language

from gridcare.core.timezone import now
from gridcare.halls import selectors
from gridcare.halls.live_screens import live_body, live_key, live_queue
from gridcare.halls.models import HallLive
from gridcare.org.models import Hall

log = logging.getLogger(__name__)


def push_setting(name: str) -> int:
    defaults = {"POLL_MS": 250, "PING_SECONDS": 15, "MAX_SECONDS": 600}
    return int({**defaults, **getattr(settings, "GRIDCARE_LIVE_PUSH", {})}[name])


def enabled() -> bool:
    """Whether the pages open their event streams: on where an ASGI server answers them (the
    live service of docs/OPERATIONS.md, or runserver's threads for a few screens in
    development); off, the pages poll."""
    return bool(getattr(settings, "GRIDCARE_LIVE_PUSH", {}).get("ENABLED", False))


@dataclass(eq=False)
class Sink:
    """One connected screen: its hall, kind, language and (a console) counter; ``deliver`` hands
    it an event from the watcher's thread."""

    hall_id: int
    kind: str
    language: str
    counter_id: int | None
    deliver: Callable[[str], None]
    last_body: str | None = None
    last_line: object = None


def event(name: str, data: str, event_id: str = "") -> str:
    """One server-sent event: every line of ``data`` on its own ``data:`` line."""
    lines = [f"event: {name}"] + ([f"id: {event_id}"] if event_id else [])
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


@dataclass
class Hub:
    """The per-process watcher and the screens connected to this process."""

    start_thread: bool = True
    sinks: dict[int, set[Sink]] = field(default_factory=lambda: defaultdict(set))
    versions: dict[int, int] = field(default_factory=dict)
    minute: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    thread: threading.Thread | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def subscribe(self, sink: Sink) -> None:
        with self.lock:
            self.sinks[sink.hall_id].add(sink)
            if self.start_thread and (self.thread is None or not self.thread.is_alive()):
                self.thread = threading.Thread(target=self._watch, name="gridcare-live", daemon=True)
                self.thread.start()

    def unsubscribe(self, sink: Sink) -> None:
        with self.lock:
            mine = self.sinks.get(sink.hall_id)
            if mine is not None:
                mine.discard(sink)
                if not mine:
                    del self.sinks[sink.hall_id]
                    self.versions.pop(sink.hall_id, None)

    def _watch(self) -> None:
        """Poll while screens are connected; with none left the thread ends and closes its
        database connection (a new screen starts another)."""
        while not self.stopping.is_set():
            with self.lock:
                if not self.sinks:
                    self.thread = None
                    break
            started = time.monotonic()
            try:
                self.poll_once()
            except Exception:  # the database away for a moment: the next poll tries again
                log.warning("live screens: poll failed", exc_info=True)
            finally:
                close_old_connections()
            self.stopping.wait(max(0.0, push_setting("POLL_MS") / 1000 - (time.monotonic() - started)))
        connection.close()

    def poll_once(self) -> None:
        """Read the versions of the halls with screens here; send the changed halls' screens
        their new state (every hall's when the minute turned)."""
        with self.lock:
            hall_ids = list(self.sinks)
        if not hall_ids:
            return
        minute = f"{timezone.localtime(now()):%Y%m%d%H%M}"
        turned, self.minute = minute != self.minute, minute
        current = dict(HallLive.objects.filter(hall_id__in=hall_ids).values_list("hall_id", "version"))
        changed = [h for h in hall_ids if turned or current.get(h, 0) != self.versions.get(h)]
        for hall in Hall.objects.filter(pk__in=changed):
            self.versions[hall.pk] = current.get(hall.pk, 0)
            self.publish(hall)

    def publish(self, hall: Hall) -> None:
        """Send every screen of ``hall`` here its state, once rendered per kind and language."""
        with self.lock:
            sinks = list(self.sinks.get(hall.pk, ()))
        by_language: dict[str, list[Sink]] = defaultdict(list)
        for sink in sinks:
            by_language[sink.language].append(sink)
        for language, group in by_language.items():
            with translation.override(language):
                key = live_key(hall)
                bodies = {kind: live_body(kind, hall, key) for kind in {s.kind for s in group}}
                lines = (
                    {line.id: line for line in live_queue(hall).counters}
                    if any(s.counter_id is not None for s in group)
                    else {}
                )
            for sink in group:
                send(sink, bodies[sink.kind], key, lines.get(sink.counter_id) if sink.counter_id else None)


def send(sink: Sink, body: str, key: str, line: selectors.CounterLine | None) -> None:
    """Hand ``sink`` what changed for it: the body, and a console's ``own`` nudge."""
    if sink.counter_id is not None and line != sink.last_line:
        if sink.last_line is not None:
            sink.deliver(event("own", key, key))
        sink.last_line = line
    if body != sink.last_body:
        sink.last_body = body
        sink.deliver(event("state", body, key))


HUB = Hub()


def event_stream(
    request: HttpRequest, *, hall: Hall, kind: str, counter_id: int | None = None, hub: Hub | None = None
) -> StreamingHttpResponse:
    """The screen's event stream, its access already checked by the view."""
    hub = hub or HUB
    language = get_language()
    with translation.override(language):
        key = live_key(hall)
        first = live_body(kind, hall, key)
        line = next((c for c in live_queue(hall).counters if c.id == counter_id), None) if counter_id else None
    if isinstance(request, ASGIRequest):
        content: Iterator[str] | AsyncIterator[str] = _async_events(
            hub, hall.pk, kind, language, counter_id, first, key, line
        )
    else:
        content = _thread_events(hub, hall.pk, kind, language, counter_id, first, key, line)
    response = StreamingHttpResponse(content, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


def _thread_events(
    hub: Hub, hall_id: int, kind: str, language: str, counter_id: int | None, first: str, key: str, line: object
) -> Iterator[str]:
    inbox: queues.Queue[str] = queues.Queue()
    sink = Sink(hall_id, kind, language, counter_id, inbox.put, last_body=first, last_line=line)
    hub.subscribe(sink)
    try:
        yield "retry: 3000\n" + event("state", first, key)
        ends = time.monotonic() + push_setting("MAX_SECONDS")
        while time.monotonic() < ends:
            try:
                yield inbox.get(timeout=push_setting("PING_SECONDS"))
            except queues.Empty:
                yield ": ping\n\n"
    finally:
        hub.unsubscribe(sink)


async def _async_events(
    hub: Hub, hall_id: int, kind: str, language: str, counter_id: int | None, first: str, key: str, line: object
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[str] = asyncio.Queue()

    def deliver(text: str) -> None:
        loop.call_soon_threadsafe(inbox.put_nowait, text)

    sink = Sink(hall_id, kind, language, counter_id, deliver, last_body=first, last_line=line)
    hub.subscribe(sink)
    try:
        yield "retry: 3000\n" + event("state", first, key)
        ends = time.monotonic() + push_setting("MAX_SECONDS")
        while time.monotonic() < ends:
            try:
                yield await asyncio.wait_for(inbox.get(), timeout=push_setting("PING_SECONDS"))
            except TimeoutError:
                yield ": ping\n\n"
    finally:
        hub.unsubscribe(sink)
