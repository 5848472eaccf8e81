"""The registry: households, persons, their travel, and the risk list and policy that judge it.

Persons and households hang in the tree by the unit they live in (a grid, a
building or a community) and carry its path in ``org_path``. ID and phone
numbers are sealed at rest (core.crypto) and found through keyed hashes.
"""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.scoping import ScopedModel, ScopedQuerySet
from fangkong.people.idnumbers import IdType


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "U", _("Unknown")


class Source(models.TextChoices):
    MANUAL = "manual", _("Entered by staff")
    IMPORT = "import", _("Imported")
    DECLARATION = "declaration", _("Self-declaration")
    VISIT = "visit", _("Door-to-door visit")
    CHECKPOINT = "checkpoint", _("Checkpoint")


class RiskStatus(models.TextChoices):
    """What the risk rule concluded (people.risk); ordered from least to most."""

    CLEAR = "clear", _("No risk found")
    MONITORING = "monitoring", _("Health monitoring")
    HOME = "home", _("Home observation")
    CENTRALIZED = "centralized", _("Centralized observation")


RISK_RANK: dict[str, int] = {
    RiskStatus.CLEAR: 0,
    RiskStatus.MONITORING: 1,
    RiskStatus.HOME: 2,
    RiskStatus.CENTRALIZED: 3,
}


class Household(ScopedModel):
    """One dwelling in a grid: the unit of door-to-door screening."""

    # Indexed by the unique (unit, address_key) constraint; a second index would only slow loads.
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address = models.CharField(_("address"), max_length=200)
    # The address reduced for matching (people.normalize.address_key): the same
    # dwelling typed twice, or imported twice, is one household.
    address_key = models.CharField(max_length=200, editable=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["org_path", "address_key"]
        indexes = [models.Index(fields=["org_path", "address_key"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "address_key"],
                name="household_unique_address_in_unit",
                violation_error_message=_("This address is already a household in this unit."),
            )
        ]

    def __str__(self) -> str:
        return self.address


class PersonQuerySet(ScopedQuerySet):
    def current(self) -> PersonQuerySet:
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(ScopedModel):
    full_name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(
        _("ID type"), max_length=16, choices=IdType.choices, default=IdType.RESIDENT
    )
    id_number = EncryptedTextField(_("ID number"), blank=True)
    # Keyed hash of "<id type>:<number>" (people.services.id_key): one person per
    # document. Empty numbers and merged-away records hold NULL. Unique by a constraint
    # in Meta, not unique=True: PostgreSQL would add a LIKE index that costs every insert.
    id_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    # Indexed in Meta: a plain index, not PostgreSQL's extra LIKE index that db_index adds.
    phone_key = models.CharField(max_length=64, blank=True, editable=False)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField(_("relation to householder"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit of residence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("current residence"), max_length=200, blank=True)
    # Labels such as 湖北返乡 or 独居老人, stored as ",a,b," so that one tag is a
    # plain substring match on every database (people.services.join_tags).
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    # The risk rule's conclusion, kept current by people.services.person_assess so
    # that lists can filter on it; the detail page explains it again from the data.
    risk_status = models.CharField(
        _("status"), max_length=16, choices=RiskStatus.choices, default=RiskStatus.CLEAR
    )
    risk_until = models.DateField(_("until"), null=True, blank=True)
    # Not indexed as a whole: nearly every row holds NULL, and SQLite would pick such an
    # index for "current persons under a unit" instead of the org_path range (22 ms → 1 ms
    # a page). A partial index on the few merged rows (Meta) serves the foreign-key check
    # when persons are deleted, which would otherwise scan the table once a deleted row.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = PersonQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["org_path", "full_name", "id"]
        indexes = [
            models.Index(fields=["org_path", "full_name"]),
            models.Index(fields=["risk_status", "org_path"]),
            models.Index(fields=["phone_key"]),
            models.Index(
                fields=["merged_into"],
                name="person_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["id_key"], name="person_unique_id_key")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def masked_id_number(self) -> str:
        if self.id_type == IdType.RESIDENT:
            return mask(self.id_number, keep_start=4, keep_end=4)
        return mask(self.id_number, keep_start=1, keep_end=2)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonMerge(ScopedModel):
    """Two records found to be one person: the kept one and the one folded into it."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The folded record's fields as they were (masked personal numbers only).
    before = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"


class Transport(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    TRAIN = "train", _("Train")
    CAR = "car", _("Own vehicle")
    BUS = "bus", _("Coach / bus")
    SHIP = "ship", _("Ship")
    OTHER = "other", _("Other")


class TravelRecord(ScopedModel):
    """A journey into the area: where from, when, and how (for same-trip matching)."""

    # Indexed by the unique journey constraint, which starts with the person.
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="travels",
        db_index=False,
    )
    # Division code (people.divisions), 6 digits, "" when the origin is abroad or unknown.
    origin_code = models.CharField(_("origin code"), max_length=6, blank=True)
    origin_name = models.CharField(_("origin"), max_length=100)
    departed_on = models.DateField(_("departure date"), null=True, blank=True)
    arrived_on = models.DateField(_("arrival date"))
    transport = models.CharField(
        _("transport"), max_length=8, choices=Transport.choices, default=Transport.OTHER
    )
    transport_no = models.CharField(_("flight / train / bus number"), max_length=20, blank=True)
    seat = models.CharField(_("seat"), max_length=12, blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("travel record")
        verbose_name_plural = _("travel records")
        ordering = ["-arrived_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "arrived_on"]),
            models.Index(fields=["origin_code", "arrived_on"]),
            models.Index(fields=["transport_no", "departed_on"]),
        ]
        constraints = [
            # The same journey entered twice (or imported twice) is one record.
            models.UniqueConstraint(
                fields=["person", "origin_code", "arrived_on", "transport_no"],
                name="travel_unique_journey",
                violation_error_message=_("This journey is already recorded for this person."),
            ),
            models.CheckConstraint(
                condition=models.Q(departed_on__isnull=True)
                | models.Q(departed_on__lte=models.F("arrived_on")),
                name="travel_departed_before_arrived",
                violation_error_message=_("The departure date cannot be after the arrival date."),
            ),
        ]

    def __str__(self) -> str:  # ISO: also kept in audit entries, whatever the language
        return f"{self.origin_name} → {self.arrived_on:%Y-%m-%d}"

    def label(self) -> str:
        """As a page shows it: the arrival day in the page's date format."""
        return f"{self.origin_name} → {date_format(self.arrived_on, 'SHORT_DATE_FORMAT')}"


class RiskLevel(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class RiskArea(ScopedModel):
    """An affected area as declared by a unit (usually the district) for its subtree."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    division_code = models.CharField(_("division code"), max_length=6)
    name = models.CharField(_("area"), max_length=100)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("risk area")
        verbose_name_plural = _("risk areas")
        ordering = ["division_code", "-valid_from"]
        indexes = [models.Index(fields=["org_path", "division_code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="riskarea_to_after_from",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Measure(models.TextChoices):
    CENTRALIZED = "centralized", _("Centralized observation")
    HOME = "home", _("Home observation")
    MONITORING = "monitoring", _("Health monitoring")
    NONE = "none", _("None")


# The 2020 practice (see the seeds): 14 days of observation after leaving an
# affected area, 37.3 °C as the fever line, temperatures taken twice a day.
DEFAULT_OBSERVATION_DAYS = 14
DEFAULT_FEVER_THRESHOLD = Decimal("37.3")
DEFAULT_FOLLOWUPS_PER_DAY = 2
DEFAULT_HANDOFF_HOURS = 12  # 2020: an arrival reported at a checkpoint is visited the same day
DEFAULT_REPORT_HOURS = 2  # 2020: online direct report within 2 hours of diagnosis
# The protocol from late February 2020 (5th edition) counts contacts from 2 days before
# onset; editions before it counted contact after onset only (0).
DEFAULT_CONTACT_DAYS_BEFORE_ONSET = 2
DEFAULT_LETTER_DAYS = 3


def parse_times(text: str) -> list[time]:
    """ "08:00,14:00" as times, strictly increasing; ValueError otherwise."""
    times = [time.fromisoformat(part.strip()) for part in text.replace("，", ",").split(",")]
    if not times or any(a >= b for a, b in itertools.pairwise(times)):
        raise ValueError(text)
    return [t.replace(second=0, microsecond=0) for t in times]


def spread_times(count: int) -> list[time]:
    """``count`` opening times spread over 08:00-20:00: 2 a day gives 08:00 and 14:00."""
    count = max(1, count)
    step = 12 * 60 // count
    return [time(8 + (i * step) // 60, (i * step) % 60) for i in range(count)]


class Policy(ScopedModel):
    """The rules in force for a unit's subtree from a date on, until the next version."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("in force from"))
    observation_days = models.PositiveSmallIntegerField(
        _("days of observation"),
        default=DEFAULT_OBSERVATION_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    fever_threshold = models.DecimalField(
        _("fever threshold (°C)"),
        max_digits=3,
        decimal_places=1,
        default=DEFAULT_FEVER_THRESHOLD,
        validators=[MinValueValidator(Decimal("36.5")), MaxValueValidator(Decimal("39.0"))],
    )
    followups_per_day = models.PositiveSmallIntegerField(
        _("follow-ups per day"),
        default=DEFAULT_FOLLOWUPS_PER_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    # Blank: spread over the day from 08:00 (people.models.followup_times).
    followup_times = models.CharField(
        _("follow-up times"),
        max_length=40,
        blank=True,
        help_text=_(
            "When each day's follow-ups open, such as 08:00,14:00; each stays due until the "
            "next one opens, the last until midnight. Blank: spread from 08:00."
        ),
    )
    handoff_hours = models.PositiveSmallIntegerField(
        _("hours to confirm an arrival"),
        default=DEFAULT_HANDOFF_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("A traveller registered at a checkpoint must be visited by then."),
    )
    report_hours = models.PositiveSmallIntegerField(
        _("hours to report a case"),
        default=DEFAULT_REPORT_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("From diagnosis to the online direct report; later reports are marked."),
    )
    contact_days_before_onset = models.PositiveSmallIntegerField(
        _("contacts counted from days before onset"),
        default=DEFAULT_CONTACT_DAYS_BEFORE_ONSET,
        validators=[MaxValueValidator(14)],
        help_text=_(
            "0: only contact after the onset (January 2020); 2: from two days before the onset, "
            "or before the sample for an asymptomatic infection (from late February 2020)."
        ),
    )
    secondary_contacts = models.BooleanField(_("secondary contacts are traced"), default=False)
    letter_days = models.PositiveSmallIntegerField(
        _("days to answer an assistance letter"),
        default=DEFAULT_LETTER_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # 日报告: grids first, so that each level above can check and add up before its own.
    report_by_grid = models.TimeField(_("grids report by"), default=time(10))
    report_by_community = models.TimeField(
        _("communities and villages report by"), default=time(11)
    )
    report_by_street = models.TimeField(_("streets and townships report by"), default=time(12))
    report_by_district = models.TimeField(_("the district reports by"), default=time(14))
    high_risk_measure = models.CharField(
        _("after a high-risk area"), max_length=12, choices=Measure.choices, default=Measure.HOME
    )
    medium_risk_measure = models.CharField(
        _("after a medium-risk area"), max_length=12, choices=Measure.choices, default=Measure.HOME
    )
    low_risk_measure = models.CharField(
        _("after a low-risk area"),
        max_length=12,
        choices=Measure.choices,
        default=Measure.MONITORING,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["org_path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "effective_from"],
                name="policy_one_version_per_day",
                violation_error_message=_("This unit already has a policy from this date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        if self.followup_times:
            try:
                times = parse_times(self.followup_times)
            except ValueError:
                raise ValidationError(
                    {"followup_times": _("Write times as 08:00,14:00, in order, each once.")}
                ) from None
            if len(times) != self.followups_per_day:
                raise ValidationError(
                    {
                        "followup_times": _(
                            "Give one time for each follow-up of the day (%(count)d)."
                        )
                        % {"count": self.followups_per_day}
                    }
                )

    @property
    def slot_times(self) -> list[time]:
        """When each follow-up of a day opens."""
        if self.followup_times:
            try:
                return parse_times(self.followup_times)
            except ValueError:
                pass
        return spread_times(self.followups_per_day)

    def report_by(self, level: str) -> time:
        """The time, on the day after the reported day, by which a unit of ``level`` reports."""
        return {
            "grid": self.report_by_grid,
            "community": self.report_by_community,
            "village": self.report_by_community,
            "street": self.report_by_street,
            "township": self.report_by_street,
            "district": self.report_by_district,
        }[level]

    @property
    def slot_labels(self) -> str:
        return ", ".join(f"{t:%H:%M}" for t in self.slot_times)

    def measure_for(self, level: str) -> str:
        return {
            RiskLevel.HIGH: self.high_risk_measure,
            RiskLevel.MEDIUM: self.medium_risk_measure,
            RiskLevel.LOW: self.low_risk_measure,
        }[RiskLevel(level)]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(ScopedModel):
    """A registry import running in the background, with its progress and bad rows."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    language = models.CharField(max_length=10, blank=True)
    # The year for dates written without one ("1月24日").
    default_year = models.PositiveSmallIntegerField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_persons = models.PositiveIntegerField(_("persons added"), default=0)
    updated_persons = models.PositiveIntegerField(_("persons updated"), default=0)
    created_households = models.PositiveIntegerField(_("households added"), default=0)
    created_travels = models.PositiveIntegerField(_("journeys added"), default=0)
    error_count = models.PositiveIntegerField(_("bad rows"), default=0)
    # The first bad rows, for the page; the full list is downloadable as a file.
    errors = models.JSONField(default=list, blank=True)
    errors_file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class UnitTally(models.Model):
    """Households and current persons whose unit is this one (people.tallies)."""

    unit = models.OneToOneField(
        "orgunits.OrgUnit", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    households = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("registry count")
        verbose_name_plural = _("registry counts")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.households} / {self.persons}"
