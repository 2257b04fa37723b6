"""Search filters on the documents alone: each copies its article's company, kind, category,
audience and dates (filled for the documents there are, then required)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_INDEX = importlib.import_module("gridcare.knowledge.migrations.0002_full_text_index")


def triggers_again(apps, schema_editor):
    """SQLite rebuilt the table to add the foreign keys, which dropped its triggers: the FTS
    table's triggers again, and the FTS table rebuilt from the documents."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in _INDEX.SQLITE_BACK[:3] + _INDEX.SQLITE[1:]:
        schema_editor.execute(sql)


def fill(apps, schema_editor):
    SearchDoc = apps.get_model("knowledge", "SearchDoc")
    for doc in SearchDoc.objects.select_related("article"):
        a = doc.article
        SearchDoc.objects.filter(pk=doc.pk).update(
            company_id=a.company_id,
            kind=a.kind,
            category_id=a.category_id,
            audience=a.audience,
            effective_from=a.effective_from,
            expires_on=a.expires_on,
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_full_text_index"), ("org", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="searchdoc",
            name="company",
            field=models.ForeignKey(
                null=True, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.company"
            ),
        ),
        migrations.AddField(
            model_name="searchdoc",
            name="kind",
            field=models.CharField(default="", max_length=12, choices=[("policy", "政策"), ("faq", "常见问题"), ("script", "话术"), ("procedure", "办事指南")]),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchdoc",
            name="category",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="knowledge.category"
            ),
        ),
        migrations.AddField(
            model_name="searchdoc",
            name="audience",
            field=models.CharField(default="internal", max_length=10, choices=[("public", "公开"), ("internal", "内部")]),
            preserve_default=False,
        ),
        migrations.AddField(model_name="searchdoc", name="effective_from", field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name="searchdoc", name="expires_on", field=models.DateField(blank=True, null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="searchdoc",
            name="company",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.company"
            ),
        ),
        migrations.AddIndex(
            model_name="searchdoc",
            index=models.Index(fields=["company", "audience"], name="knowledge_searchdoc_filter"),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
