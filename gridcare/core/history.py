"""History rows as sentences (issue 13, convention 4): what a page shows of an ``Event`` row.

Each app's ``events.py`` declares, next to its writer, the sentence of every event type of its
tables (``register``): a translatable format string with named placeholders filled from the row's
``parameters`` (``_("%(actor)s 将工单转交 %(to)s")``), optional clauses added when their values
are there (``_("，原因：%(reason)s")``), and how a parameter that holds a code is shown (its
label: ``label_of(CustomerClass)``, a unit's name …). ``history_lines`` turns rows into
``HistoryLine``s; pages show them through ``{% load history %}`` … ``events|lines`` and
``templates/includes/history.html``. Sentences are plain strings (the template escapes them).

A value that is missing, empty, a dict, or a code its shower does not know never raises: the
sentence falls back to the type's label alone, and only the table, type and placeholder name are
logged (never a value: they may be personal)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from importlib import import_module
from typing import Any, TypeAlias

from django.db.models import Choices, prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import gettext

from gridcare.core.models import Event
from gridcare.core.timezone import SHANGHAI

logger = logging.getLogger("gridcare.history")

Text: TypeAlias = str | Promise
# How one parameter's value is shown: its label, a name looked up, a formatted time. Raising
# (or returning "") means "not there": the clause is left out, or the sentence falls back.
Show: TypeAlias = Callable[[Any], Text]

_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")


class Missing(LookupError):
    """A placeholder's value is not there (absent, empty, unknown code)."""


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str  # the staff name, else the username, else 系统
    what: str  # the type's label
    sentence: str


@dataclass(frozen=True)
class Sentence:
    """One way to say an event: ``text`` (every placeholder must be there), then each clause of
    ``more`` whose placeholders are all there. ``shows`` (by placeholder) override the table's.
    A placeholder names a parameter, ``actor`` (who acted) or a value inside a dict parameter
    (``old.customer_class``; its shower is the last part's)."""

    text: Text
    more: Sequence[Text] = ()
    shows: Mapping[str, Show] = field(default_factory=dict)


Entry: TypeAlias = Text | Sentence | Sequence[Sentence]


@dataclass(frozen=True)
class Table:
    """The sentences of one event model: ``labels`` (type → label, the model's choices),
    ``sentences`` (type → a sentence, or alternatives tried in order) and ``shows`` (parameter →
    how its value is shown)."""

    labels: Mapping[str, Text]
    sentences: Mapping[str, Entry]
    shows: Mapping[str, Show]

    def alternatives(self, type: str) -> list[Sentence]:
        entry = self.sentences.get(type)
        if entry is None:
            return []
        if isinstance(entry, Sentence):
            return [entry]
        if isinstance(entry, str | Promise):
            return [Sentence(entry)]
        return list(entry)


_TABLES: dict[type[Event], Table] = {}
_LOOKED_FOR: set[type[Event]] = set()


def register(
    model: type[Event],
    *,
    labels: Iterable[tuple[str, Text]],
    sentences: Mapping[str, Entry],
    shows: Mapping[str, Show] | None = None,
) -> Table:
    """Declare ``model``'s sentences (called once, in its app's ``events.py``)."""
    table = Table(labels=dict(labels), sentences=dict(sentences), shows=dict(shows or {}))
    _TABLES[model] = table
    return table


def table_of(model: type[Event]) -> Table | None:
    """``model``'s table, importing its app's ``events.py`` the first time (where it registers)."""
    if model not in _TABLES and model not in _LOOKED_FOR:
        _LOOKED_FOR.add(model)
        with suppress(ModuleNotFoundError):
            import_module(f"{model._meta.app_config.name}.events")
    return _TABLES.get(model)


# -- showers ------------------------------------------------------------------------------------
def label_of(choices: type[Choices]) -> Show:
    """A code of ``choices`` shown as its label (an unknown code is missing)."""

    def show(value: Any) -> Text:
        try:
            return choices(value).label
        except ValueError as exc:
            raise Missing from exc

    return show


def present(name: Text | None) -> Text:
    """A looked-up name (an owner app's selector: a unit's, a hall's); none found is missing."""
    if name is None:
        raise Missing
    return name


def one_of(labels: Mapping[Any, Text]) -> Show:
    """A value shown by a fixed table (booleans, the few codes a writer stores)."""

    def show(value: Any) -> Text:
        if value not in labels:
            raise Missing
        return labels[value]

    return show


def moment(value: Any) -> str:
    """An ISO date-time (as the writers store them) as Shanghai time, ``2025-09-26 10:00``."""
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise Missing from exc
    if at.tzinfo is not None:
        at = at.astimezone(SHANGHAI)
    return f"{at:%Y-%m-%d %H:%M}"


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, int | float | Decimal | str):
        return str(value)
    if isinstance(value, list | tuple):
        return gettext("、").join(_plain(v) for v in value)
    raise Missing  # a dict or an object: never printed as it is


# -- rows to lines --------------------------------------------------------------------------------
def who_of(event: Event) -> str:
    actor = event.actor
    if actor is None:
        return gettext("系统")
    staff = getattr(actor, "staff", None)
    return (staff.name if staff is not None else "") or actor.get_username() or gettext("系统")


def _value(name: str, parameters: Mapping[str, Any], shows: Mapping[str, Show]) -> str:
    value: Any = parameters
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise Missing(name)
        value = value[part]
    if value is None:
        raise Missing(name)
    show = shows.get(name) or shows.get(name.rsplit(".", 1)[-1])
    try:
        text = str(show(value)) if show is not None else _plain(value)
    except (LookupError, TypeError, ValueError) as exc:  # Missing is a LookupError
        raise Missing(name) from exc  # the placeholder's name, never the value (it may be personal)
    if not text:
        raise Missing(name)
    return text


def _fill(text: Text, parameters: Mapping[str, Any], shows: Mapping[str, Show]) -> str:
    pattern = str(text)
    values = {name: _value(name, parameters, shows) for name in _PLACEHOLDER.findall(pattern)}
    return pattern % values


def sentence_of(event: Event, *, who: str | None = None) -> str:
    """``event`` as its sentence; the type's label alone when a value is not there."""
    table = table_of(type(event))
    what = _what(table, event.type)
    if table is None:
        return what
    raw = event.parameters if isinstance(event.parameters, Mapping) else {}
    parameters = {**raw, "actor": who if who is not None else who_of(event)}
    missing = ""
    for way in table.alternatives(event.type):
        shows = {**table.shows, **way.shows}
        try:
            sentence = _fill(way.text, parameters, shows)
        except (Missing, TypeError, ValueError, KeyError) as exc:
            missing = str(exc) if isinstance(exc, Missing) else type(exc).__name__  # a name, not a value
            continue
        for clause in way.more:
            try:
                sentence += _fill(clause, parameters, shows)
            except (Missing, TypeError, ValueError, KeyError):
                continue
        return sentence
    logger.info(
        "history sentence falls back to its label",
        extra={"table": type(event).__name__, "type": event.type, "missing": missing},
    )
    return what


def _what(table: Table | None, type: str) -> str:
    if table is not None and type in table.labels:
        return str(table.labels[type])
    return gettext("其他记录")


def history_line(event: Event) -> HistoryLine:
    table = table_of(type(event))
    who = who_of(event)
    return HistoryLine(
        at=event.created_at, who=who, what=_what(table, event.type), sentence=sentence_of(event, who=who)
    )


def history_lines(events: Iterable[Event]) -> list[HistoryLine]:
    """The rows as lines, in their order; who acted is read in two queries for all of them."""
    rows = list(events)
    if rows:
        prefetch_related_objects(rows, "actor__staff")
    return [history_line(e) for e in rows]
