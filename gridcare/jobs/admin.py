from django.contrib import admin

from gridcare.jobs.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("job", "trigger", "started_at", "duration_ms", "outcome", "message")
    list_filter = ("job", "outcome", "trigger")
    readonly_fields = (
        "job",
        "trigger",
        "requested_by",
        "started_at",
        "finished_at",
        "duration_ms",
        "outcome",
        "message",
        "counts",
        "error",
    )
