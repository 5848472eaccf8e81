"""Notices to users of the system (站内通知), the SMS outbox that carries some of them to a
phone, and the record of daily-report reminders that keeps them from being repeated.

A notice belongs to one user and is read only by that user (``selectors.inbox``); it is
not scoped by the tree. An SMS holds its number sealed (core.crypto) and shows it masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask


class NoticeKind(models.TextChoices):
    GENERAL = "general", _("Notice")
    REPORT_MISSING = "report_missing", _("Daily report missing")


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notices", db_index=False,
    )  # fmt: skip
    kind = models.CharField(
        _("kind"), max_length=32, choices=NoticeKind.choices, default=NoticeKind.GENERAL
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # Where the notice leads: a path on this site ("/reports/12/2020-02-01/"), never a host.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), db_default=Now(), editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_inbox"),
            # The navbar's unread count on every page: only the unread rows are indexed.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//")),
                name="notice_link_on_this_site",
                violation_error_message=_("A notice links to a page of this site only."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SmsState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SmsMessage(models.Model):
    """One text message in the outbox. A message that the gateway refused stays here with
    the reason (``last_error``); it is tried again until ``FANGKONG_SMS_MAX_ATTEMPTS``."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="sms",
    )  # fmt: skip
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )  # fmt: skip
    to = EncryptedTextField(_("mobile number"))
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=SmsState.choices, default=SmsState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), db_default=Now(), editable=False)
    # When the next attempt is due: at once for a new message, later after a failure.
    next_attempt_at = models.DateTimeField(_("next attempt"), db_default=Now())
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(state="queued"), name="sms_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="sms_sent_has_time"
            )
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} {self.masked_to} {self.state}"

    @property
    def masked_to(self) -> str:
        return mask(self.to)


class ReportReminder(models.Model):
    """The last reminder about one unit's daily report for one day: a unit is not reminded
    again within ``FANGKONG_REMINDER_COOLDOWN_SECONDS`` however many officers press the
    button or however often the cron runs."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    last_at = models.DateTimeField(_("last reminded at"))
    last_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    times = models.PositiveSmallIntegerField(_("times reminded"), default=0)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="reportreminder_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day.isoformat()} @ {self.last_at.isoformat()}"
