"""Recurring jobs: one row per job (its lease and the worker's next time), one row per run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.models import Event


class Job(models.Model):
    """A job's shared state. The lease says which worker runs it now: it is taken with one
    conditional UPDATE (free or expired) and a row-count check, renewed while the job runs, and
    taken over by another worker once a killed worker's lease has run out."""

    name = models.CharField(max_length=40, unique=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    # Written by the worker that scheduled it, for the page.
    next_run_at = models.DateTimeField(null=True, blank=True)
    # "Run now" from the page: the next worker that is free runs it and clears this.
    run_requested_at = models.DateTimeField(null=True, blank=True)
    run_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    INTERRUPTED = "interrupted", _("中断")


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("按计划")
    MANUAL = "manual", _("手动运行")
    COMMAND = "command", _("命令行")


class JobRun(models.Model):
    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveBigIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.RUNNING)
    # What the job did, in words for the page, and its counts.
    message = models.CharField(max_length=500, blank=True, default="")
    counts = models.JSONField(default=dict)
    # The error of a failed run (class and message; the traceback goes to the log only).
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobs_run_job_started")]

    def __str__(self) -> str:
        return f"{self.job_id} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class JobEvent(Event):
    """Append-only history of what people did to jobs (run-now requests)."""

    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="events")

    def __str__(self) -> str:
        return f"{self.job_id} {self.type}"
