"""The assessment app's tables: the daily roll-ups the figures are read from (ASSESS-2).

A roll-up row is one day of one person's work at one place. The worker writes a day once it
has ended (``services.rollup.rollup_day``: the day's rows are replaced in one transaction, so a
day can be rolled up again), and every figure of any period is summed from these rows instead
of from a year of tickets. Times are kept whole (every waiting and handling time of the row, in
microseconds, sorted) so that means and the 90th percentile of any group of rows are exactly
those of the raw tickets, not an approximation from buckets.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceDay(models.Model):
    """One day of hall service: the tickets one clerk called at one counter. The tickets nobody
    called (left before their turn) have a row of their own, without counter and clerk."""

    day = models.DateField(_("日期"))
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit = models.ForeignKey("org.SupplyUnit", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    counter = models.ForeignKey(
        "org.Counter", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    tickets = models.PositiveIntegerField(_("取号数"), default=0)
    served = models.PositiveIntegerField(_("办结数"), default=0)
    no_show = models.PositiveIntegerField(_("过号数"), default=0)
    abandoned = models.PositiveIntegerField(_("离开数"), default=0)
    evaluated = models.PositiveIntegerField(_("评价数"), default=0)
    satisfied = models.PositiveIntegerField(_("满意数"), default=0)  # 非常满意 + 满意
    dissatisfied = models.PositiveIntegerField(_("不满意数"), default=0)
    # Every waiting time (issued → first called) and handling time (called → finished) of the
    # row's tickets in microseconds, sorted, as little-endian int64 (rules.times_pack).
    waits = models.BinaryField(default=b"")
    handles = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("服务日汇总")
        verbose_name_plural = _("服务日汇总")
        indexes = [
            models.Index(fields=["day", "company"], name="assess_service_day_idx"),
            models.Index(fields=["staff", "day"], name="assess_service_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hall_id}/{self.counter_id}/{self.staff_id}"


class OrderDay(models.Model):
    """One day of 95598 work orders for one person in one unit (and hall): orders received and
    closed by their owner, deadlines due that day and met, call-backs of their orders, and the
    complaints found true against them. Rows without a person hold what had no owner."""

    day = models.DateField(_("日期"))
    company = models.ForeignKey("org.Company", on_delete=models.PROTECT, related_name="+", db_constraint=False)
    unit = models.ForeignKey(
        "org.SupplyUnit", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False
    )
    hall = models.ForeignKey("org.Hall", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    staff = models.ForeignKey("org.Staff", on_delete=models.PROTECT, null=True, related_name="+", db_constraint=False)
    received = models.PositiveIntegerField(_("受理工单"), default=0)
    complaints = models.PositiveIntegerField(_("投诉工单"), default=0)
    closed = models.PositiveIntegerField(_("办结工单"), default=0)
    deadlines_due = models.PositiveIntegerField(_("到期时限"), default=0)
    deadlines_met = models.PositiveIntegerField(_("按时完成"), default=0)
    callbacks_reached = models.PositiveIntegerField(_("回访联系上"), default=0)
    callbacks_satisfied = models.PositiveIntegerField(_("回访满意"), default=0)
    verified = models.PositiveIntegerField(_("查实投诉"), default=0)

    class Meta:
        verbose_name = _("工单日汇总")
        verbose_name_plural = _("工单日汇总")
        indexes = [
            models.Index(fields=["day", "company"], name="assess_order_day_idx"),
            models.Index(fields=["staff", "day"], name="assess_order_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}/{self.staff_id}"


class RolledDay(models.Model):
    """A day that has been rolled up, and when: the worker's catch-up reads it, and the figures
    pages say up to which day they are complete."""

    day = models.DateField(_("日期"), unique=True)
    rolled_at = models.DateTimeField(_("汇总时间"))
    tickets = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("已汇总日期")
        verbose_name_plural = _("已汇总日期")

    def __str__(self) -> str:
        return str(self.day)
