"""Checkpoints, the passages registered there, their travellers, and the hand-offs that
carry an arrival to the community it is bound for until a visit confirms it (闭环).

A passage hangs in the tree at its checkpoint's unit; a hand-off at its destination
(the grid where known, else the community), so that the destination's workers see it
and every level above sees it overdue. Alerts are addressed to a unit the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.fields import temperature_field
from fangkong.core.scoping import ScopedModel
from fangkong.people.idnumbers import IdType
from fangkong.people.models import RiskStatus


class CheckpointKind(models.TextChoices):
    HIGHWAY = "highway", _("Highway exit")
    RAILWAY = "railway", _("Railway station")
    BUS = "bus", _("Bus station")
    PORT = "port", _("Port or ferry")
    AIRPORT = "airport", _("Airport")
    GATE = "gate", _("Village or community gate")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    IN = "in", _("Inbound")
    OUT = "out", _("Outbound")


class Directions(models.TextChoices):
    BOTH = "both", _("Both directions")
    IN = "in", _("Inbound only")
    OUT = "out", _("Outbound only")


class Vehicle(models.TextChoices):
    CAR = "car", _("Car")
    TRUCK = "truck", _("Truck")
    BUS = "bus", _("Bus or coach")
    MOTORCYCLE = "motorcycle", _("Motorcycle or e-bike")
    ON_FOOT = "on_foot", _("On foot")
    OTHER = "other", _("Other vehicle")


class Checkpoint(ScopedModel):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CheckpointKind.choices)
    directions = models.CharField(
        _("directions"), max_length=4, choices=Directions.choices, default=Directions.BOTH
    )
    # Both empty: staffed around the clock.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="checkpoint_name_once_per_unit")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def around_the_clock(self) -> bool:
        return self.opens_at is None and self.closes_at is None


class Passage(ScopedModel):
    """One vehicle (or one group on foot) through a checkpoint."""

    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (checkpoint, passed_at) index below leads with it
    )
    passed_at = models.DateTimeField(_("time"), default=timezone.now)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    vehicle = models.CharField(
        _("vehicle"), max_length=10, choices=Vehicle.choices, default=Vehicle.CAR
    )
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    # False for a plate recorded as typed: military, foreign, temporary.
    plate_checked = models.BooleanField(default=True)
    origin_code = models.CharField(_("origin code"), max_length=6, blank=True)
    origin_name = models.CharField(_("coming from"), max_length=100)
    # A unit of the district (a community, village or grid), or None when bound elsewhere.
    destination = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("destination"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    destination_text = models.CharField(_("destination address"), max_length=200, blank=True)
    # The id a device gave the passage: sending it again stores nothing twice.
    client_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # who did it: never searched by (users are deactivated, not deleted)
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    # For a destination outside the district: when the HQ told the place it is bound for.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # who did it: never searched by (users are deactivated, not deleted)
    )

    class Meta:
        verbose_name = _("passage")
        verbose_name_plural = _("passages")
        ordering = ["-passed_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "passed_at"]),
            models.Index(fields=["checkpoint", "passed_at"]),
            # Same-trip matching by plate (cases.trips); pedestrians have no plate.
            models.Index(
                fields=["plate", "passed_at"], name="passage_plate", condition=~Q(plate="")
            ),
        ]
        constraints = [
            # The client id first: a batch's look-up goes by the client ids alone, which no
            # planner can misjudge (a plan on the checkpoint scanned all its passages).
            models.UniqueConstraint(
                fields=["client_id", "checkpoint"],
                condition=~Q(client_id=""),
                name="passage_client_id_once",
            )
        ]

    def __str__(self) -> str:
        return self.plate or str(_("On foot"))

    @property
    def bound_outside(self) -> bool:
        return self.destination_id is None


class HandoffState(models.TextChoices):
    OPEN = "open", _("Waiting for a visit")
    CONFIRMED = "confirmed", _("Confirmed by a visit")
    NOT_FOUND = "not_found", _("Not found")
    LEFT = "left", _("Left again")


CLOSED_STATES = frozenset({HandoffState.CONFIRMED, HandoffState.NOT_FOUND, HandoffState.LEFT})


class Handoff(ScopedModel):
    """An arrival that its destination must confirm by a visit, by ``due_at``.

    One per person and destination while open: the same traveller seen at a second
    checkpoint joins it (its ``key`` is the document's blind index, or the name and
    phone's when there is no document).
    """

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("destination"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    key = models.CharField(max_length=64)
    # Where the traveller was first seen; none when an assistance letter from another
    # locality sent them (cases.AssistanceLetter.handoff).
    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    full_name = models.CharField(_("name"), max_length=50)
    origin_name = models.CharField(_("coming from"), max_length=100)
    address = models.CharField(_("destination address"), max_length=200, blank=True)
    arrived_at = models.DateTimeField(_("arrived"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=HandoffState.choices, default=HandoffState.OPEN
    )
    fever = models.BooleanField(_("fever"), default=False)
    risk_status = models.CharField(
        _("status"), max_length=16, choices=RiskStatus.choices, default=RiskStatus.CLEAR
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # who did it: never searched by (users are deactivated, not deleted)
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("hand-off")
        verbose_name_plural = _("hand-offs")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["org_path", "state", "due_at"]),
            # A batch looks up its travellers' hand-offs by the key alone: the one index
            # its look-up, planned once a connection, can take (migration 0006).
            models.Index(fields=["key"], name="handoff_key"),
        ]
        constraints = [
            # The key first, for the same reason as a passage's client id.
            models.UniqueConstraint(
                fields=["key", "unit"],
                condition=Q(state="open"),
                name="handoff_open_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def overdue(self) -> bool:
        return self.state == HandoffState.OPEN and self.due_at < timezone.now()


class Referral(models.TextChoices):
    NONE = "", _("None")
    OPEN = "open", _("Sent to the fever clinic")
    CLOSED = "closed", _("Outcome recorded")


class ReferralOutcome(models.TextChoices):
    HOME = "home", _("No fever confirmed: let through")
    OBSERVATION = "observation", _("Put under medical observation")
    ADMITTED = "admitted", _("Admitted to hospital")
    SUSPECTED = "suspected", _("Suspected case")


class Traveller(ScopedModel):
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="travellers")
    full_name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(
        _("ID type"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT
    )
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_key = models.CharField(max_length=64, blank=True, editable=False)
    temperature = temperature_field()
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    # Judged at registration against the policy in force at the checkpoint that day.
    fever = models.BooleanField(_("fever"), default=False)
    risk_status = models.CharField(
        _("status"), max_length=16, choices=RiskStatus.choices, default=RiskStatus.CLEAR
    )
    risk_reason = models.TextField(_("why"), blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handoff = models.ForeignKey(
        Handoff, null=True, blank=True, on_delete=models.SET_NULL, related_name="travellers"
    )
    referral = models.CharField(
        _("referral"), max_length=6, choices=Referral.choices, default=Referral.NONE, blank=True
    )
    referral_outcome = models.CharField(
        _("outcome"), max_length=12, choices=ReferralOutcome.choices, blank=True
    )
    referral_note = models.CharField(_("note"), max_length=200, blank=True)
    referral_closed_at = models.DateTimeField(null=True, blank=True)
    referral_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # who did it: never searched by (users are deactivated, not deleted)
    )

    class Meta:
        verbose_name = _("traveller")
        verbose_name_plural = _("travellers")
        indexes = [
            models.Index(fields=["id_key"]),
            models.Index(fields=["org_path", "referral"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_id_number(self) -> str:
        keep = (4, 4) if self.id_type == IdType.RESIDENT else (1, 2)
        return mask(self.id_number, keep_start=keep[0], keep_end=keep[1])

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, keep_start=3, keep_end=4)


class AlertKind(models.TextChoices):
    FEVER = "fever", _("Fever or symptoms at a checkpoint")
    RISK = "risk", _("Arrival from an affected area")


class Alert(ScopedModel):
    """A notice to the units that must act: the checkpoint's, and the destination's."""

    kind = models.CharField(_("kind"), max_length=8, choices=AlertKind.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("for"), on_delete=models.CASCADE, related_name="+"
    )
    traveller = models.ForeignKey(Traveller, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # who did it: never searched by (users are deactivated, not deleted)
    )

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org_path", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.traveller_id}"
