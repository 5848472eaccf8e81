"""Medical observation: isolation sites and rooms, observations, follow-ups, referrals, support.

An observation hangs in the tree by the unit responsible for it: the person's unit
of residence when it began (its community follows them up, wherever they sleep).
A site and its rooms hang by the unit that runs the site.
"""

from __future__ import annotations

from datetime import date, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.fields import temperature_field
from fangkong.core.scoping import ScopedModel


class SiteKind(models.TextChoices):
    HOTEL = "hotel", _("Hotel")
    SCHOOL = "school", _("School or training centre")
    HOSPITAL = "hospital", _("Hospital ward")
    OTHER = "other", _("Other")


class Site(ScopedModel):
    """A place for centralized observation (集中隔离点), run by a unit."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SiteKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("duty phone"), max_length=40, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("isolation site")
        verbose_name_plural = _("isolation sites")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="site_unique_name_in_unit",
                violation_error_message=_("This unit already has a site of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Room(ScopedModel):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    number = models.CharField(_("room"), max_length=20)
    beds = models.PositiveSmallIntegerField(
        _("beds"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # Kept current by observation.services (in the transaction that assigns or frees).
    occupied = models.PositiveSmallIntegerField(_("occupied"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number"],
                name="room_unique_number_in_site",
                violation_error_message=_("This site already has a room with this number."),
            ),
            # The last line of defence: the services lock the room and check first.
            models.CheckConstraint(
                condition=Q(occupied__lte=models.F("beds")),
                name="room_not_above_capacity",
                violation_error_message=_("This room is full."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def free(self) -> int:
        return max(0, self.beds - self.occupied) if self.active else 0


class Kind(models.TextChoices):
    HOME = "home", _("Home observation")
    CENTRALIZED = "centralized", _("Centralized observation")


class Reason(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("Close contact")
    SECONDARY_CONTACT = "secondary_contact", _("Secondary contact")
    ARRIVAL = "arrival", _("Arrival from an affected area")
    FEVER = "fever", _("Fever or symptoms")
    OTHER = "other", _("Other")


class State(models.TextChoices):
    ACTIVE = "active", _("Under observation")
    ESCALATED = "escalated", _("Sent to the fever clinic")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred to hospital")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATES = (State.ACTIVE, State.ESCALATED)


class Observation(ScopedModel):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
        related_name="observations",
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("responsible unit"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="observations",
    )  # fmt: skip
    room = models.ForeignKey(
        Room, verbose_name=_("room"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="observations",
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    # The record that led here, so that nothing is typed twice and the chain can be followed.
    handoff = models.ForeignKey(
        "checkpoints.Handoff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit_member = models.ForeignKey(
        "screening.VisitMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    travel = models.ForeignKey(
        "people.TravelRecord",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_exposure = models.DateField(_("last exposure"))
    starts_on = models.DateField(_("from"))
    # From the policy in force on the day of the last exposure (observation.rules).
    planned_end = models.DateField(_("planned end"))
    days = models.PositiveSmallIntegerField(_("days"))
    policy_from = models.DateField(_("policy of"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    end_note = models.CharField(_("note"), max_length=200, blank=True)
    # The release notice's number (解除医学观察告知书), given once at release.
    notice_number = models.CharField(_("document number"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["planned_end", "id"]
        indexes = [models.Index(fields=["org_path", "state", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state__in=["active", "escalated"]),
                name="observation_one_open_per_person",
                violation_error_message=_("This person is already under observation."),
            ),
            models.CheckConstraint(
                condition=Q(kind="home", room__isnull=True)
                | Q(kind="centralized", site__isnull=False),
                name="observation_room_only_when_centralized",
                violation_error_message=_("A centralized observation needs a site; home, none."),
            ),
            models.UniqueConstraint(
                fields=["notice_number"],
                condition=~Q(notice_number=""),
                name="observation_unique_notice_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def day_number(self, day: date | None = None) -> int:
        """Day 1 is the day after the last exposure (people.risk counts the same way)."""
        day = day or timezone.localdate()
        return (day - self.last_exposure).days


class Role(models.TextChoices):
    """The responsibility team (包保责任人); in 2020 often "五包一"."""

    CADRE = "cadre", _("Cadre")
    GRID_WORKER = "grid_worker", _("Grid worker")
    POLICE = "police", _("Police officer")
    DOCTOR = "doctor", _("Doctor")
    FAMILY = "family", _("Family member")
    OTHER = "other", _("Other")


class TeamMember(ScopedModel):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    lead = models.BooleanField(_("lead"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-lead", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation"], condition=Q(lead=True), name="team_one_lead"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4)


class Method(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("By phone")
    SELF = "self", _("Self-report")


class FollowUp(ScopedModel):
    """One slot of the day (morning, afternoon …), laid out when the observation starts.

    Overdue is read, never stored: nothing recorded and ``closes_at`` in the past.
    """

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="followups")
    day = models.DateField(_("day"))
    slot = models.PositiveSmallIntegerField(_("slot"))
    opens_at = models.DateTimeField(_("due from"))
    closes_at = models.DateTimeField(_("overdue after"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    temperature = temperature_field()
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    method = models.CharField(_("how"), max_length=8, choices=Method.choices, blank=True)
    fever = models.BooleanField(_("fever"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["opens_at", "id"]
        indexes = [models.Index(fields=["org_path", "closes_at"])]
        constraints = [
            models.UniqueConstraint(fields=["observation", "day", "slot"], name="followup_slot")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} #{self.slot + 1}"

    @property
    def done(self) -> bool:
        return self.recorded_at is not None

    def overdue_at(self, now: object) -> bool:
        return self.recorded_at is None and self.closes_at <= now  # type: ignore[operator]

    @property
    def window(self) -> str:
        """ "08:00–14:00" in the district's time; the last slot of a day ends at 24:00."""
        opens, closes = timezone.localtime(self.opens_at), timezone.localtime(self.closes_at)
        end = (
            "24:00"
            if closes.date() > opens.date() and closes.time() == time(0)
            else (f"{closes:%H:%M}")
        )
        return f"{opens:%H:%M}–{end}"

    @property
    def late(self) -> bool:
        return self.recorded_at is not None and self.recorded_at > self.closes_at


class ReferralOutcome(models.TextChoices):
    CLEARED = "cleared", _("Not infectious: observation goes on")
    ADMITTED = "admitted", _("Admitted to hospital")
    SUSPECTED = "suspected", _("Suspected case")


class Referral(ScopedModel):
    """A fever or symptoms during observation: sent to the fever clinic the same day."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="referrals")
    followup = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("why"), max_length=200)
    clinic = models.CharField(_("fever clinic"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("sent at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReferralOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("note"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("fever referral")
        verbose_name_plural = _("fever referrals")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["org_path", "closed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["observation"],
                condition=Q(closed_at__isnull=True),
                name="referral_one_open_per_observation",
            )
        ]

    def __str__(self) -> str:
        return self.reason

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LogKind(models.TextChoices):
    STARTED = "started", _("Observation started")
    EXPOSURE = "exposure", _("Last exposure corrected")
    MOVED = "moved", _("Moved")
    TEAM = "team", _("Team changed")
    REFERRED = "referred", _("Sent to the fever clinic")
    OUTCOME = "outcome", _("Fever clinic outcome")
    RELEASED = "released", _("Released")
    TRANSFERRED = "transferred", _("Transferred to hospital")
    CANCELLED = "cancelled", _("Cancelled")


class LogEntry(ScopedModel):
    """What happened to an observation, in words, for its page and the person's timeline."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="log")
    kind = models.CharField(_("what"), max_length=12, choices=LogKind.choices)
    text = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(db_default=Now(), editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("observation log entry")
        verbose_name_plural = _("observation log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SupportKind(models.TextChoices):
    GROCERIES = "groceries", _("Groceries")
    MEDICINE = "medicine", _("Medicine")
    OTHER = "other", _("Other")


class SupportState(models.TextChoices):
    OPEN = "open", _("Waiting")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SupportRequest(ScopedModel):
    """生活保障: what an observed household asks for, and who brought it."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="support_requests"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SupportKind.choices)
    text = models.CharField(_("what is needed"), max_length=300)
    state = models.CharField(
        _("state"), max_length=10, choices=SupportState.choices, default=SupportState.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    result = models.CharField(_("result"), max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["org_path", "state"])]

    def __str__(self) -> str:
        return self.text


class NoticeCounter(models.Model):
    """The last release-notice number given by a unit in a year."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="notice_counter_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"
