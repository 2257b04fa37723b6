"""A trigram index for address search on PostgreSQL (no-op on SQLite).

An address fragment (LIKE '%…%') is served by a pg_trgm GIN index; without it a million-account
search scans the table (~0.8 s). pg_trgm is a trusted extension, so the database owner may create
it. (Name prefixes need nothing more: Django's ``_like`` pattern index on customer.name serves
LIKE 'x%'.)
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def forwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customers_account_address_trgm "
        "ON customers_account USING gin (address gin_trgm_ops)"
    )


def backwards(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS customers_account_address_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
