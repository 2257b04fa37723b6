"""The migrations that put every history table on the one event base (issue 12) keep every row:
a demo city written on the tables as they were reads back the same after migrating forward."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridcare.core.events import record
from gridcare.core.models import Event
from gridcare.jobs.models import Job

# The last migration of each app before its event table moved onto gridcare.core.models.Event.
BEFORE_THE_BASE = [
    ("billing", "0003_bill_penalty_accrued"),
    ("customers", "0003_unmask_audit"),
    ("halls", "0003_hall_devices"),
    ("jobs", "0001_initial"),
    ("notices", "0006_shared_texts_claim_index_wechat"),
    ("org", "0004_auth_audit_password_age"),
    ("workorders", "0003_incident_outage_triage_suggestion"),
]


def event_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every history table, all columns, by table."""
    models = [m for m in apps.get_models() if issubclass(m, Event)]
    return {
        m._meta.label: list(
            m._default_manager.order_by("pk").values_list(*(f.attname for f in m._meta.concrete_fields))
        )
        for m in models
    }


def fill_the_empty_tables() -> None:
    """A row in each history table the demo leaves empty, about the first row it is about."""
    Job.objects.create(name="event-base-migration")
    for model in [m for m in apps.get_models() if issubclass(m, Event)]:
        if model._default_manager.exists():
            continue
        about = {}
        for field in model._meta.concrete_fields:
            if field.is_relation and not field.null:
                about[field.name] = field.related_model._default_manager.order_by("pk").first()
        if all(about.values()):
            record(model, type="migrated", actor=None, parameters={"n": 1}, **about)


def later_models() -> list[Any]:
    """Today's models whose tables came after the event base (repair crews, assessment): the
    demo writes them too, so the test gives them their tables for the seeding and takes them
    away again before migrating forward (their own migrations create them). Referenced ones first."""
    existing = set(connection.introspection.table_names())
    missing = [m for m in apps.get_models() if m._meta.db_table not in existing and not m._meta.proxy]
    names = {m._meta.label for m in missing}

    def depth(model: Any) -> int:
        return sum(1 for f in model._meta.concrete_fields if f.is_relation and f.related_model._meta.label in names)

    return sorted(missing, key=depth)


def later_fields() -> list[tuple[Any, Any]]:
    """(model, field) of today's columns that tables of the time do not have yet (a complaint's
    cause, an evaluation's source …): given for the seeding like the later tables, and taken away
    again before migrating forward (their own migrations add them)."""
    existing = set(connection.introspection.table_names())
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if model._meta.proxy or table not in existing:
                continue
            columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            found += [(model, f) for f in model._meta.local_concrete_fields if f.column not in columns]
    return found


def drop_later_columns(columns: list[tuple[Any, Any]], then: Any) -> None:
    """Takes the later columns away again: PostgreSQL drops them; SQLite, which cannot drop a
    column a foreign key or an index uses, rebuilds each table as the time's model had it."""
    if connection.vendor == "sqlite":
        labels = list(dict.fromkeys(model._meta.label for model, _field in columns))
        with connection.schema_editor() as editor:
            for label in labels:
                editor._remake_table(then.get_model(label))  # type: ignore[attr-defined]
        return
    with connection.cursor() as cursor:
        for model, field in columns:
            cursor.execute(f'ALTER TABLE "{model._meta.db_table}" DROP COLUMN "{field.column}" CASCADE')


def migrate(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> None:
    executor.loader.build_graph()
    executor.migrate(targets)


# The migrations are schema operations only (no SQL of their own, no vendor branch); SQLite, which
# rebuilds a table for most of them, is the riskier database and the test costs 90 s on PostgreSQL.
@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_the_event_base_migrations_keep_every_row() -> None:
    executor = MigrationExecutor(connection)
    migrate(executor, BEFORE_THE_BASE)
    later = later_models()
    columns = later_fields()
    with connection.schema_editor() as editor:
        for model in later:
            editor.create_model(model)
        for model, field in columns:
            # SQLite adds a foreign key by rebuilding the table as today's model has it, which
            # brings the table's other later columns with it: add only what is still missing.
            with connection.cursor() as cursor:
                have = {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
            if field.column not in have:
                editor.add_field(model, field)
    # The columns are the same before and after (only defaults, blanks and indexes change), so
    # today's models can write the old tables.
    call_command("seed_demo", customers=40, orders=20, stdout=StringIO())
    fill_the_empty_tables()
    newer = {m._meta.label for m in later}
    before = {label: rows for label, rows in event_rows().items() if label not in newer}
    drop_later_columns(columns, executor.loader.project_state(BEFORE_THE_BASE).apps)
    with connection.schema_editor() as editor:
        for model in reversed(later):
            editor.delete_model(model)
    migrate(executor, executor.loader.graph.leaf_nodes())
    assert {label: rows for label, rows in event_rows().items() if label not in newer} == before
    # Not the tickets' and new connections' (the demo writes none of either): their tables change
    # as their siblings' do (halls.AppointmentEvent, workorders.OrderEvent).
    assert {label for label, rows in before.items() if not rows} <= {"halls.TicketEvent", "workorders.ConnectionEvent"}
