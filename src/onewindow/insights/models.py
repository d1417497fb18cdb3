"""The daily rollups the reform-metrics dashboard reads (`insights.metrics`), rebuilt by `insights.rollups`.

One row per day × department × bundle (cases), day × hall (tickets), day × department × hall (ratings), so a
dashboard over years costs what the number of days costs, not the number of cases. The rows are derived data:
`rollup_refresh(full=True)` rebuilds them all from the append-only event logs of cases, hall and feedback.
Ids of departments and halls are plain integers (0 = none), not foreign keys: a rollup row never blocks
deleting what it counts.
"""

from __future__ import annotations

from django.db import models


class CaseDaily(models.Model):
    """Cases per day × department × bundle ('' = single item), from case events. Applications per bundle are
    counted on department 0."""

    day = models.DateField()
    department_id = models.IntegerField()
    bundle_code = models.CharField(max_length=40, blank=True)
    accepted = models.PositiveIntegerField(default=0)  # cases accepted that day
    applications = models.PositiveIntegerField(default=0)  # applications submitted that day
    completed = models.PositiveIntegerField(default=0)  # cases completed that day
    completed_on_time = models.PositiveIntegerField(default=0)
    completed_instant = models.PositiveIntegerField(default=0)
    processing_workdays = models.PositiveBigIntegerField(default=0)  # sum over completed cases
    processing_hours = models.FloatField(default=0)  # sum over completed cases (calendar hours)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "department_id", "bundle_code"],
                                               name="ins_case_daily_unique")]
        indexes = [models.Index(fields=["day"], name="ins_case_daily_day"),
                   models.Index(fields=["department_id", "day"], name="ins_case_daily_dept_day"),
                   models.Index(fields=["bundle_code", "day"], name="ins_case_daily_bundle_day")]


class TicketDaily(models.Model):
    """Hall tickets per day × hall: waiting = first call − issue; service = finish − first call."""

    day = models.DateField()
    hall_id = models.IntegerField()
    issued = models.PositiveIntegerField(default=0)
    called = models.PositiveIntegerField(default=0)
    wait_seconds = models.FloatField(default=0)
    served = models.PositiveIntegerField(default=0)
    service_seconds = models.FloatField(default=0)
    no_show = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "hall_id"], name="ins_ticket_daily_unique")]


class RatingDaily(models.Model):
    """First ratings (not default ones) per day × department (0 = none) × hall (0 = none)."""

    day = models.DateField()
    department_id = models.IntegerField()
    hall_id = models.IntegerField()
    total = models.PositiveIntegerField(default=0)
    very_satisfied = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    defaulted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "department_id", "hall_id"],
                                               name="ins_rating_daily_unique")]
        indexes = [models.Index(fields=["department_id", "day"], name="ins_rating_daily_dept_day")]


class RollupState(models.Model):
    """When each rollup was last rebuilt, and up to which event time (incremental runs start there)."""

    name = models.CharField(max_length=20, unique=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    watermark = models.DateTimeField(null=True, blank=True)
