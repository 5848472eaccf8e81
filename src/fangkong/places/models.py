"""Places (消杀与场所管控): public places disinfected on a plan, and the log of each
disinfection; venues under control orders (closed, restricted, reopened) and their
inspections.

A place, a venue and every row of theirs hang in the tree by the unit that answers for
them (``org_path``). Missed and overdue disinfections are read at query time from the
plan and the clock (``places.schedule``); the place keeps which windows of its latest
day hold a log, written with the log in one transaction. A venue's state is its latest
order in effect: orders are never edited, a new one supersedes.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.scoping import ScopedModel
from fangkong.places.schedule import MAX_TIMES, Plan


class PlaceKind(models.TextChoices):
    TOILET = "toilet", _("Public toilet")
    GARBAGE = "garbage", _("Garbage collection point")
    MARKET = "market", _("Market")
    ELEVATOR = "elevator", _("Elevator")
    STAIRWELL = "stairwell", _("Stairwell")
    BUS_STOP = "bus_stop", _("Bus stop")
    SQUARE = "square", _("Square or playground")
    OTHER = "other", _("Other")


# The practice of 2020: public places disinfected twice a day, in the morning and the
# afternoon, between 7:00 and 19:00. Defaults only: each place has its own plan.
DEFAULT_TIMES = 2
DEFAULT_START = time(7, 0)
DEFAULT_END = time(19, 0)


class Place(ScopedModel):
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=PlaceKind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    times_per_day = models.PositiveSmallIntegerField(
        _("times a day"),
        default=DEFAULT_TIMES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIMES)],
    )
    day_start = models.TimeField(_("first window opens"), default=DEFAULT_START)
    day_end = models.TimeField(_("last window closes"), default=DEFAULT_END)
    active = models.BooleanField(_("in use"), default=True)
    # The latest local day with a log, and which of its windows hold one (bit k: window
    # k, bit times_per_day: after hours); see places.schedule.
    done_on = models.DateField(null=True, blank=True, editable=False)
    done_slots = models.PositiveIntegerField(default=0, editable=False)
    last_done_at = models.DateTimeField(
        _("last disinfected"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("public place")
        verbose_name_plural = _("public places")
        ordering = ["org_path", "name"]
        indexes = [
            models.Index(fields=["org_path", "active"]),
            # Covers the dashboard's count by plan and mask (places.selectors._grouped).
            models.Index(
                fields=[
                    "times_per_day",
                    "day_start",
                    "day_end",
                    "done_on",
                    "done_slots",
                    "org_path",
                    "active",
                ],
                name="places_place_by_plan",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="places_place_unique_name_in_unit",
                violation_error_message=_("This unit already has a place of this name."),
            ),
            models.CheckConstraint(
                condition=Q(day_end__gt=F("day_start")),
                name="places_place_day_order",
                violation_error_message=_("The last window must close after the first opens."),
            ),
            models.CheckConstraint(
                condition=Q(times_per_day__gte=1, times_per_day__lte=MAX_TIMES),
                name="places_place_times_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def plan(self) -> Plan:
        return Plan(self.times_per_day, self.day_start, self.day_end)

    def slots_on(self, day: date) -> int:
        return self.done_slots if self.done_on == day else 0


class Disinfection(ScopedModel):
    """One disinfection of a place, logged in the field."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="logs")
    at = models.DateTimeField(_("time"))
    disinfectant = models.CharField(_("disinfectant"), max_length=40)
    concentration = models.CharField(_("concentration"), max_length=30, blank=True)
    area = models.CharField(_("area covered"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["place", "at"]),
            models.Index(fields=["org_path", "at"]),
            models.Index(fields=["by", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.place} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class VenueKind(models.TextChoices):
    RESTAURANT = "restaurant", _("Restaurant")
    MARKET = "market", _("Farmers' market")
    SUPERMARKET = "supermarket", _("Supermarket")
    KTV = "ktv", _("KTV")
    INTERNET_CAFE = "internet_cafe", _("Internet café")
    CINEMA = "cinema", _("Cinema")
    GYM = "gym", _("Gym")
    BATH = "bath", _("Bath house")
    SCENIC = "scenic", _("Scenic spot")
    HOTEL = "hotel", _("Hotel")
    RELIGIOUS = "religious", _("Religious site")
    OTHER = "other", _("Other")


class OrderKind(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("venue", "Closed")
    RESTRICTED = "restricted", pgettext_lazy("venue", "Restricted")
    REOPENED = "reopened", pgettext_lazy("venue", "Reopened")


class VenueState(models.TextChoices):
    """What a venue may do now: its latest order in effect, or no order at all."""

    OPEN = "open", _("No order")
    CLOSED = "closed", pgettext_lazy("venue", "Closed")
    RESTRICTED = "restricted", pgettext_lazy("venue", "Restricted")
    REOPENED = "reopened", pgettext_lazy("venue", "Reopened")


# Each state and the orders that may follow it: a venue is closed or restricted first,
# restricted again with other conditions, and reopened only from a closing or a
# restriction.
NEXT_ORDERS: dict[str, frozenset[str]] = {
    VenueState.OPEN: frozenset({OrderKind.CLOSED, OrderKind.RESTRICTED}),
    VenueState.CLOSED: frozenset({OrderKind.RESTRICTED, OrderKind.REOPENED}),
    VenueState.RESTRICTED: frozenset({OrderKind.CLOSED, OrderKind.RESTRICTED, OrderKind.REOPENED}),
    VenueState.REOPENED: frozenset({OrderKind.CLOSED, OrderKind.RESTRICTED}),
}


class Venue(ScopedModel):
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VenueKind.choices)
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    active = models.BooleanField(_("in business"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["org_path", "name"]
        indexes = [models.Index(fields=["org_path", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="places_venue_unique_name_in_unit",
                violation_error_message=_("This unit already has a venue of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        name = self.contact_name
        return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)

    @property
    def masked_phone(self) -> str:
        return mask(self.contact_phone)

    def order_at(self, at: datetime) -> ControlOrder | None:
        """The order in effect at ``at``: the latest to take effect by then."""
        return self.orders.filter(effective_at__lte=at).order_by("-effective_at", "-id").first()

    def state_at(self, at: datetime) -> str:
        order = self.order_at(at)
        return order.kind if order is not None else VenueState.OPEN


class ControlOrder(ScopedModel):
    """A control order for a venue (关停/限流/恢复营业). Never edited: a new order
    supersedes it from its own effective time, and the history stays."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(
        pgettext_lazy("venue", "order"), max_length=12, choices=OrderKind.choices
    )
    conditions = models.TextField(_("conditions"), blank=True)
    effective_at = models.DateTimeField(_("in effect from"))
    basis = models.CharField(_("basis (notice number)"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)

    class Meta:
        verbose_name = _("control order")
        verbose_name_plural = _("control orders")
        ordering = ["-effective_at", "-id"]
        indexes = [models.Index(fields=["venue", "effective_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="restricted") | ~Q(conditions=""),
                name="places_order_restricted_has_conditions",
                violation_error_message=_("A restriction says its conditions."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.get_kind_display()}"


class Result(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    PROBLEMS = "problems", _("Problems found")


class Inspection(ScopedModel):
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="inspections")
    at = models.DateTimeField(_("time"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    findings = models.TextField(_("findings"), blank=True)
    # The venue was under a closing order and found open for business: the worst finding.
    found_open = models.BooleanField(_("closed venue found open"), default=False)
    followup_due = models.DateField(_("follow-up due"), null=True, blank=True)
    followup_closed_at = models.DateTimeField(_("follow-up closed"), null=True, blank=True)
    followup_note = models.TextField(_("follow-up note"), blank=True)
    followup_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["venue", "at"]),
            models.Index(
                fields=["org_path", "followup_due"],
                condition=Q(followup_due__isnull=False, followup_closed_at__isnull=True),
                name="places_open_followups",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(result="problems") | Q(found_open=False, followup_due__isnull=True),
                name="places_inspection_compliant_has_no_followup",
            ),
            models.CheckConstraint(
                condition=Q(followup_closed_at__isnull=True) | Q(followup_due__isnull=False),
                name="places_inspection_closed_followup_was_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {timezone.localtime(self.at):%Y-%m-%d}"

    @property
    def followup_open(self) -> bool:
        return self.followup_due is not None and self.followup_closed_at is None

    def followup_overdue_on(self, today: date) -> bool:
        """Past due from the day after its due date, while open."""
        return self.followup_open and self.followup_due is not None and self.followup_due < today
