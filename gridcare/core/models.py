from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """What every append-only history row carries (saleor OrderEvent, zulip RealmAuditLog): its
    ``type``, the details in ``parameters``, who did it and when. Written only through
    ``gridcare.core.events.record`` (each app's ``events.py`` wraps it); a subclass adds the row it
    is about (ticket, bill, order …) and, where the type is a fixed list, redeclares ``type`` with
    its choices."""

    type = models.CharField(max_length=30)
    parameters = models.JSONField(default=dict, blank=True)
    # Empty for what the system did (jobs, a kiosk, a customer's own channel).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A default rather than auto_now_add: the halls and work orders record the time of the step
    # (one ``now`` for the step and its row), the others the time of writing.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["id"]


class Approvable(models.Model):
    """What every request a second person decides carries (四眼原则, ``core.approval``): who asked
    and when, who decided, when and with what note. A subclass adds its own rows and puts
    ``Approvable.approval_constraints(prefix)`` in its ``Meta.constraints``: the database refuses
    a decision by the person who asked, as ``core.approval.second_person`` does before it."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    # The status of a request still waiting for its decision (each subclass declares ``status``).
    WAITING = "pending"

    class Meta:
        abstract = True

    def decidable_by(self, user_id: int | None) -> bool:
        """Whether the decision is offered to ``user_id``: the request still waits and someone
        else asked (``core.approval.second_person`` refuses the asker in the service as well)."""
        return getattr(self, "status", None) == self.WAITING and self.requested_by_id != user_id

    @staticmethod
    def approval_constraints(prefix: str, *, undecided: str | None = None) -> list[models.BaseConstraint]:
        """``<prefix>_second_person``: the decider is not the asker; with ``undecided`` (a status)
        also ``<prefix>_decided_by_someone``: every other status names who decided."""
        found: list[models.BaseConstraint] = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")), name=f"{prefix}_second_person"
            )
        ]
        if undecided is not None:
            found.insert(
                0,
                models.CheckConstraint(
                    condition=Q(status=undecided) | Q(decided_by__isnull=False), name=f"{prefix}_decided_by_someone"
                ),
            )
        return found


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Revoked tokens stay for the audit (the token list page); they no longer sign anyone in.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The page session the token was issued from (empty: a device or app signed in by password);
    # signing that session out revokes it.
    session_key = models.CharField(max_length=40, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} token {self.created_at:%Y-%m-%d}"


class CalendarYear(models.Model):
    """One year of the working-day calendar: the State Council notice it follows (``source``),
    its holiday ranges and its make-up working weekend days (调休上班). Edited only through
    ``gridcare.core.services.calendar.calendar_year_save``."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("通知文号"), max_length=200)
    updated_at = models.DateTimeField(_("更新时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarHoliday(models.Model):
    """A range of days off (inclusive), e.g. 春节 2026-02-15 to 2026-02-23."""

    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(_("节日"), max_length=50)
    first = models.DateField(_("放假开始"))
    last = models.DateField(_("放假结束"))

    class Meta:
        ordering = ["first"]
        verbose_name = _("放假安排")
        verbose_name_plural = _("放假安排")
        constraints = [
            models.CheckConstraint(condition=models.Q(first__lte=models.F("last")), name="holiday_range_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.first}–{self.last}"


class CalendarMakeupDay(models.Model):
    """A Saturday or Sunday that is a working day (调休上班)."""

    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="makeup_days")
    day = models.DateField(_("调休上班日"), unique=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("调休上班日")
        verbose_name_plural = _("调休上班日")

    def __str__(self) -> str:
        return self.day.isoformat()


class CalendarChange(models.Model):
    """Append-only history of the calendar: who changed which year when, before and after.

    Its highest id is also the calendar's version: every process compares it with the version of
    its cached calendar (gridcare.core.calendar)."""

    year = models.PositiveSmallIntegerField(_("年份"), db_index=True)
    before = models.JSONField(null=True, blank=True)  # None: the year was new
    after = models.JSONField()
    recomputed = models.PositiveIntegerField(_("重算时限数"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("节假日修改记录")
        verbose_name_plural = _("节假日修改记录")

    def __str__(self) -> str:
        return f"{self.year} {self.created_at:%Y-%m-%d %H:%M}"
