"""Hand-written reads for the hottest request paths, returning real model instances.

Building and compiling a queryset costs 0.5-1.7 ms of Python per query (more with
``select_related``), while the database answers the same query in a few hundredths of a
millisecond. On the paths a kiosk or a counter hits several times a second (token check, the
hall queue) that compilation was most of a request's cost. ``Columns`` writes the column list of
a model from its ``_meta`` (so a new field needs no change here) and turns a row into an instance
with exactly the conversions the ORM applies (aware datetimes on SQLite, decimals, JSON ...).

Use it only where a measurement shows the ORM's compilation matters; everywhere else the ORM is
clearer. Writes stay in the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Columns(Generic[M]):
    """The concrete columns of ``model`` under a table alias, and how to load them from a row."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields: tuple[Field[Any, Any], ...] = tuple(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.table = model._meta.db_table
        self._pk_index = self.attnames.index(model._meta.pk.attname)
        self._sql: dict[str, str] = {}
        self._converters: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, connection: BaseDatabaseWrapper) -> str:
        found = self._sql.get(connection.alias)
        if found is None:
            quote = connection.ops.quote_name
            found = self._sql[connection.alias] = ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)
        return found

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, list[Converter], Any]]:
        found = self._converters.get(connection.alias)
        if found is None:
            found = []
            for i, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                convs = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                if convs:
                    found.append((i, convs, column))
            self._converters[connection.alias] = found
        return found

    def load(self, row: Sequence[Any], start: int, connection: BaseDatabaseWrapper) -> M | None:
        """The instance in ``row[start:start + len(self)]``; None when its primary key is NULL
        (the missing side of a LEFT JOIN)."""
        values = list(row[start : start + len(self.fields)])
        if values[self._pk_index] is None:
            return None
        for i, convs, column in self._converters_for(connection):
            value = values[i]
            for convert in convs:
                value = convert(value, column, connection)
            values[i] = value
        return self.model.from_db(connection.alias, self.attnames, values)


BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def _unrepresentable(params: Sequence[Any]) -> bool:
    return any(type(p) is int and not BIGINT_MIN <= p <= BIGINT_MAX for p in params)


def fetch(sql: str, params: Sequence[Any], *, using: str = "default") -> list[tuple[Any, ...]]:
    """The rows of ``sql``. An integer parameter no column can hold (an id typed into a URL)
    matches nothing, as the ORM answers the same lookup, instead of an OverflowError (SQLite) or a
    numeric comparison (PostgreSQL)."""
    if _unrepresentable(params):
        return []
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def cache_related(instance: Model, name: str, value: Model | None) -> None:
    """Record ``value`` as already loaded for the relation ``name`` (as select_related does)."""
    instance._state.fields_cache[name] = value
