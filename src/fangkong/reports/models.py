"""Daily reports (日报告、零报告): the indicators of the data set, one report per unit per day,
and the amendments to submitted reports.

A report covers the unit's whole subtree for one day. Computed indicators are taken from
the line lists (reports.prefill) when the report is submitted and stored with it, so that
a report says what the unit saw at the time; the roll-up shows where the line lists have
moved on since (reports.selectors.rollup).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import ScopedModel
from fangkong.orgunits.models import LEVEL_RANK, Level


class Indicator(models.Model):
    """One figure of the daily report, editable by the administrator.

    ``level`` is the finest level whose units report it; every unit at that level or
    above has it in its report (covering its subtree), and the roll-up adds up the
    reports of that level.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    # Blank: the default label of this code, in the reader's language (reports.defaults).
    name = models.CharField(_("name"), max_length=100, blank=True)
    level = models.CharField(_("reported from level"), max_length=16, choices=Level.choices)
    computed = models.BooleanField(_("computed from the line lists"), default=False)
    # The key of a function in reports.prefill.SOURCES; blank for a typed indicator.
    source = models.CharField(_("source"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(computed=False, source="") | (Q(computed=True) & ~Q(source="")),
                name="indicator_source_iff_computed",
                violation_error_message=_("A computed indicator needs a source; a typed one none."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        from fangkong.reports.defaults import LABELS

        return str(LABELS.get(self.code, self.code))

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.level]

    def applies_to(self, level: str) -> bool:
        return LEVEL_RANK[level] <= self.rank

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from fangkong.reports.prefill import SOURCES

        if self.computed and self.source not in SOURCES:
            raise ValidationError({"source": _("No such source.")}, code="unknown_source")
        if not self.computed and self.source:
            raise ValidationError({"source": _("A typed indicator has no source.")})


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class DailyReport(ScopedModel):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    zero = models.BooleanField(_("zero report"), default=False)
    # {indicator code: count}, computed ones as they stood at submission.
    values = models.JSONField(_("values"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["-day", "org_path"]
        indexes = [models.Index(fields=["day", "org_path"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day"],
                name="dailyreport_one_per_unit_and_day",
                violation_error_message=_("This unit already has a report for this day."),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="dailyreport_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day.isoformat()}"

    @property
    def is_submitted(self) -> bool:
        return self.state == ReportState.SUBMITTED

    @property
    def late(self) -> bool:
        from fangkong.reports.deadlines import is_late

        return self.submitted_at is not None and is_late(self.unit, self.day, self.submitted_at)


class Amendment(ScopedModel):
    """A change to a submitted report: what it said, what it says now, who and why."""

    report = models.ForeignKey(DailyReport, on_delete=models.CASCADE, related_name="amendments")
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    reason = models.CharField(_("why"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report} @ {self.at.isoformat()}"


class ReportTotal(models.Model):
    """The submitted reports of one level in a unit's subtree (the unit itself excluded) for
    one day, added up when each is written (reports.totals), so that the figures of a street
    or of a whole city are a few rows, never a pass over every report (DESIGN.md, Scale).

    A unit's own report is its own row in DailyReport; this table holds only what lies
    below. ``late`` is judged against the deadline in force when each report came in.
    """

    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    level = models.CharField(max_length=16, choices=Level.choices)
    reports = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    zero = models.PositiveIntegerField(default=0)
    values = models.JSONField(default=dict)  # {indicator code: sum}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "day", "level"], name="reporttotal_one_per_unit_day_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day.isoformat()} {self.level}: {self.reports}"
