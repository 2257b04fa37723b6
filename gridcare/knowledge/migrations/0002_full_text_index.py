"""The full-text index over SearchDoc: an FTS5 table kept by triggers on SQLite, a generated
tsvector column with a GIN index on PostgreSQL (gridcare.knowledge.search reads either)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
    "title_tokens, body_tokens, content='knowledge_searchdoc', content_rowid='article_id', tokenize='unicode61')",
    "CREATE TRIGGER knowledge_searchdoc_ai AFTER INSERT ON knowledge_searchdoc BEGIN "
    "INSERT INTO knowledge_fts(rowid, title_tokens, body_tokens) VALUES (new.article_id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER knowledge_searchdoc_ad AFTER DELETE ON knowledge_searchdoc BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.article_id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER knowledge_searchdoc_au AFTER UPDATE ON knowledge_searchdoc BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.article_id, old.title_tokens, old.body_tokens); "
    "INSERT INTO knowledge_fts(rowid, title_tokens, body_tokens) VALUES (new.article_id, new.title_tokens, new.body_tokens); END",
    "INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild')",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_au",
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_ad",
    "DROP TRIGGER IF EXISTS knowledge_searchdoc_ai",
    "DROP TABLE IF EXISTS knowledge_fts",
]
POSTGRES = [
    "ALTER TABLE knowledge_searchdoc ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')) STORED",
    "CREATE INDEX knowledge_searchdoc_document_gin ON knowledge_searchdoc USING GIN (document)",
]
POSTGRES_BACK = [
    "DROP INDEX IF EXISTS knowledge_searchdoc_document_gin",
    "ALTER TABLE knowledge_searchdoc DROP COLUMN IF EXISTS document",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK}),
        )
    ]
