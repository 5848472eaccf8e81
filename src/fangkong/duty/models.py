"""Duty (值班/站岗备勤): posts kept around the clock, the people who stand them, shifts
and who is on each.

A post hangs in the tree by its unit; its shifts and their assignments hang there too
(``org_path`` copied on each, so that coverage and the dashboard's counts are one range
filter). A person on the register hangs by the unit they belong to, which need not be
the post's: a district volunteer may stand a community's gate. An assignment copies its
shift's times and post, so that "is this person somewhere else at that time?" and "who
is at this post this hour?" are read from one indexed table.

Late and no-show are read at query time (the start has passed, no check-in), never a
flag that a job flips.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.scoping import ScopedModel

HOURS = 24
# Defaults of the duty rules (a roster's practice, not a regulation): a check-in more
# than LATE_AFTER after the start is late; nobody checked in NO_SHOW_AFTER after the
# start is a no-show; one may check in from CHECK_IN_EARLY before the start.
LATE_AFTER = timedelta(minutes=15)
NO_SHOW_AFTER = timedelta(minutes=30)
CHECK_IN_EARLY = timedelta(hours=2)
# A shift longer than a day is a planning error (a typed date), not a shift.
MAX_SHIFT = timedelta(hours=24)
MAX_STAFF = 50


class PostKind(models.TextChoices):
    CHECKPOINT = "checkpoint", _("Checkpoint")
    VANGUARD = "vanguard", _("Party-member vanguard post")
    HOTLINE = "hotline", _("Duty hotline")
    DESK = "desk", _("Duty desk")
    OTHER = "other", _("Other post")


class PersonKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    PARTY_MEMBER = "party_member", _("Party member")
    VOLUNTEER = "volunteer", _("Volunteer")


# The kinds counted as volunteers in the daily report: party members standing a post
# outside their job (党员志愿者) are volunteers; staff on duty are at work.
VOLUNTEER_KINDS = (PersonKind.VOLUNTEER, PersonKind.PARTY_MEMBER)


class Skill(models.TextChoices):
    DRIVING = "driving", _("Driving")
    MEDICAL = "medical", _("Medical")
    TEMPERATURE = "temperature", _("Temperature checks")
    INTERPRETING = "interpreting", _("Interpreting")
    DIALECT = "dialect", _("Local dialect")
    PHONE = "phone", _("Phone duty")


def staffing_list(text: str) -> list[int]:
    """The stored staffing ("2,2,…,3", 24 numbers) as a list; zeros if unset."""
    parts = [p for p in (text or "").split(",") if p.strip()]
    if len(parts) != HOURS:
        return [0] * HOURS
    return [int(p) for p in parts]


class Post(ScopedModel):
    """A place or desk that must be staffed, with how many people each hour of the day."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices)
    checkpoint = models.ForeignKey(
        "checkpoints.Checkpoint", verbose_name=_("checkpoint"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    place = models.CharField(_("place"), max_length=200, blank=True)
    # People needed in each hour of the day, 0 to 23, as 24 comma-separated numbers.
    staffing = models.CharField(_("people needed per hour"), max_length=120)
    active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["org_path", "name"]
        indexes = [models.Index(fields=["org_path", "active"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="duty_post_unique_name_in_unit",
                violation_error_message=_("This unit already has a post of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def needed(self) -> list[int]:
        return staffing_list(self.staffing)


class DutyPerson(ScopedModel):
    """Someone who stands posts: often not a user of the system. The phone is personal
    data: sealed at rest, found by its blind index, shown masked, revealed into the
    audit log."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=12, choices=PersonKind.choices)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_key = models.CharField(max_length=64, blank=True, editable=False)
    # Skill codes (``Skill``), comma-separated.
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="duty_person",
    )  # fmt: skip
    active = models.BooleanField(_("available"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("person on duty")
        verbose_name_plural = _("people on duty")
        ordering = ["org_path", "name", "id"]
        indexes = [
            models.Index(fields=["org_path", "kind"]),
            models.Index(fields=["phone_key"], condition=~Q(phone_key=""), name="duty_phone_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def skill_list(self) -> list[str]:
        return [s for s in self.skills.split(",") if s]

    @property
    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels.get(s, s)) for s in self.skill_list]

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)


class Shift(ScopedModel):
    """A stretch of time at a post; it may cross midnight."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT,
                             related_name="shifts")  # fmt: skip
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["post", "starts_at"]),
            models.Index(fields=["org_path", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="duty_shift_ends_after_start",
                violation_error_message=_("A shift ends after it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class DutyAssignment(ScopedModel):
    """One person on one shift, and when they checked in and out.

    ``post``, ``starts_at`` and ``ends_at`` are the shift's, copied (a shift's times are
    not edited: it is deleted and made again), so that overlaps and coverage are one
    indexed read.
    """

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey(DutyPerson, verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="assignments", db_index=False)  # fmt: skip
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Assigned although it overlaps another assignment of the person, knowingly.
    overlap_ok = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["person", "starts_at"]),
            models.Index(fields=["org_path", "starts_at"]),
            models.Index(fields=["post", "starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "person"],
                name="duty_assignment_once_per_shift",
                violation_error_message=_("This person is already on this shift."),
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True) | Q(checked_in_at__isnull=False),
                name="duty_checkout_after_checkin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.shift_id}"

    def late_at(self, now: datetime) -> bool:
        """Checked in after the grace time, or not checked in and past it."""
        if self.checked_in_at is not None:
            return self.checked_in_at > self.starts_at + LATE_AFTER
        return now > self.starts_at + LATE_AFTER

    def no_show_at(self, now: datetime) -> bool:
        return self.checked_in_at is None and now >= self.starts_at + NO_SHOW_AFTER

    def state_at(self, now: datetime) -> str:
        """One word for the roster: out, on duty, late, no-show, upcoming, missed."""
        if self.checked_out_at is not None:
            return "out"
        if self.checked_in_at is not None:
            return "late_in" if self.late_at(now) else "in"
        if self.no_show_at(now):
            return "no_show"
        if now > self.starts_at + LATE_AFTER:
            return "late"
        return "upcoming"
