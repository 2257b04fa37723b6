from django.contrib import admin

from gridcare.core.admin import ReadOnlyAdmin
from gridcare.jobs.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    """Run records are the worker's; a job is run from /jobs/ (after confirming)."""

    list_display = ("job", "trigger", "started_at", "duration_ms", "outcome", "message")
    list_filter = ("job", "outcome", "trigger")
    edit_page = "/jobs/"
