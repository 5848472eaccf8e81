"""Cases, their classification history, hospitals, contacts, exposure events, trips and
assistance letters.

A case, a contact and a letter hang in the tree by the person's unit; a hospital by the
unit that runs it. Contacts are the edges of the transmission chains: each goes from a
source person (a case's person, or a close contact for a secondary contact) to a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.crypto import EncryptedTextField
from fangkong.core.scoping import ScopedModel


class HospitalKind(models.TextChoices):
    DESIGNATED = "designated", _("Designated hospital")
    FEVER_CLINIC = "fever_clinic", _("Fever clinic")


class Hospital(ScopedModel):
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=HospitalKind.choices)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("hospital")
        verbose_name_plural = _("hospitals")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="hospital_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Classification(models.TextChoices):
    SUSPECTED = "suspected", _("Suspected")
    CLINICAL = "clinical", _("Clinically diagnosed")
    CONFIRMED = "confirmed", _("Confirmed")
    ASYMPTOMATIC = "asymptomatic", _("Asymptomatic infection")
    EXCLUDED = "excluded", _("Excluded")


class Severity(models.TextChoices):
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")
    CRITICAL = "critical", _("Critical")


class Outcome(models.TextChoices):
    TREATMENT = "treatment", _("In treatment")
    RECOVERED = "recovered", _("Recovered and discharged")
    DIED = "died", _("Died")


class Case(ScopedModel):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases"
    )
    # The district's case number, given at the first report: 370102-2020-0001.
    number = models.CharField(_("case number"), max_length=40, unique=True)
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices
    )
    onset_date = models.DateField(_("onset"), null=True, blank=True)
    # For an asymptomatic infection, the exposure window counts back from the sample.
    sampled_on = models.DateField(_("sampled"), null=True, blank=True)
    diagnosed_at = models.DateTimeField(_("diagnosed at"))
    reported_at = models.DateTimeField(_("reported at"))
    reporting_institution = models.CharField(_("reported by"), max_length=100)
    hospital = models.ForeignKey(
        Hospital, verbose_name=_("designated hospital"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases",
    )  # fmt: skip
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.TREATMENT
    )
    imported = models.BooleanField(_("imported"), default=False)
    origin = models.CharField(_("infected in"), max_length=100, blank=True)
    # The observation's fever referral that ended in "suspected", when the case came from one.
    referral = models.OneToOneField(
        "observation.Referral", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="case",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["org_path", "classification"])]
        constraints = [
            # One case record per person, unless an earlier one was excluded.
            models.UniqueConstraint(
                fields=["person"], condition=~Q(classification="excluded"),
                name="case_one_per_person",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.number


class ClassificationChange(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    before = models.CharField(max_length=12, choices=Classification.choices, blank=True)
    after = models.CharField(max_length=12, choices=Classification.choices)
    reason = models.CharField(_("why"), max_length=200)
    at = models.DateTimeField(db_default=Now(), editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


class Admission(ScopedModel):
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="admissions")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="admissions")
    admitted_at = models.DateTimeField(_("admitted"))
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        ordering = ["-admitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(discharged_at__isnull=True),
                name="admission_one_open_per_case",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.case} @ {self.hospital}"


class EventKind(models.TextChoices):
    GATHERING = "gathering", _("Gathering")
    PLACE = "place", _("Place")
    TRIP = "trip", _("Trip")


class ExposureEvent(ScopedModel):
    """A gathering, a place or a trip that links many people."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices)
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("exposure event")
        verbose_name_plural = _("exposure events")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Setting(models.TextChoices):
    HOUSEHOLD = "household", pgettext_lazy("where a contact took place", "Household")
    WORK = "work", _("Work or school")
    TRANSPORT = "transport", _("Transport")
    MEDICAL = "medical", _("Medical care")
    GATHERING = "gathering", _("Gathering")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    CLOSE = "close", _("Close contact")
    SECONDARY = "secondary", _("Secondary contact")


class Tracing(models.TextChoices):
    FOUND = "found", _("Found")
    OBSERVED = "observed", _("Under observation")
    LEFT = "left", _("Left: letter to their locality")
    TRACED = "traced", _("Traced elsewhere")
    RULED_OUT = "ruled_out", _("Ruled out")


class Contact(ScopedModel):
    """One exposure: from a source person (the case's, or a close contact's) to a person."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts"
    )
    event = models.ForeignKey(
        ExposureEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # The edge of the chain: who exposed whom (indexed for the chain's walk).
    # Walked by the unique constraint below, which leads with it: no index of its own.
    source = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="exposed", db_index=False
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
        related_name="exposures",
    )  # fmt: skip
    via = models.ForeignKey(
        "self", verbose_name=_("through"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="secondary",
    )  # fmt: skip
    relation = models.CharField(_("relation"), max_length=50, blank=True)
    setting = models.CharField(_("setting"), max_length=10, choices=Setting.choices)
    last_contact = models.DateField(_("last contact"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    state = models.CharField(
        _("tracing"), max_length=10, choices=Tracing.choices, default=Tracing.FOUND
    )
    observation = models.ForeignKey(
        "observation.Observation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    # Where a contact who left went (the locality a letter goes to).
    gone_to = models.CharField(_("gone to"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["case", "level", "id"]
        indexes = [models.Index(fields=["org_path", "state"])]
        constraints = [
            # One edge per source, person and case: entered twice, it is one contact.
            models.UniqueConstraint(
                fields=["source", "person", "case"], name="contact_once_per_case",
                violation_error_message=_("This person is already a contact of this case."),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.source_id} → {self.person_id}"


class Transport(models.TextChoices):
    FLIGHT = "flight", _("Flight")
    TRAIN = "train", _("Train")
    BUS = "bus", _("Coach / bus")
    CAR = "car", _("Car")
    OTHER = "other", _("Other")


class Trip(ScopedModel):
    """A journey of a case, for same-trip matching (同行程); published ones (number and
    date only) can be checked by anyone on the public page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trips")
    transport = models.CharField(_("transport"), max_length=8, choices=Transport.choices)
    number = models.CharField(_("flight / train number"), max_length=20, blank=True)
    plate = models.CharField(_("plate"), max_length=16, blank=True)
    day = models.DateField(_("date"))
    route = models.CharField(_("from – to"), max_length=100, blank=True)
    seat = models.CharField(_("seat / carriage"), max_length=20, blank=True)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["number", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "transport", "number", "plate", "day"], name="trip_once_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number or self.plate} {self.day:%Y-%m-%d}"


class LetterState(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESULT = "result", _("Result received")


class Direction(models.TextChoices):
    OUT = "out", _("Sent by us")
    IN = "in", _("Received")


class AssistanceLetter(ScopedModel):
    """协查函: asks another locality to trace a person who left (or, received, asks us)."""

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    number = models.CharField(_("letter number"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("our unit"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # The other side: to whom we write, or who wrote to us.
    authority = models.CharField(_("authority"), max_length=100)
    region = models.CharField(_("locality"), max_length=100)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    exposure = models.TextField(_("exposure"))
    # Who a received letter asks us to find, until a visit registers them (sealed at rest).
    id_type = models.CharField(_("ID type"), max_length=16, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=LetterState.choices, default=LetterState.DRAFTED
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    result_at = models.DateTimeField(_("result received"), null=True, blank=True)
    # A received letter becomes a hand-off for the destination community.
    handoff = models.ForeignKey(
        "checkpoints.Handoff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("assistance letter")
        verbose_name_plural = _("assistance letters")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org_path", "state"])]

    def __str__(self) -> str:
        return self.number


class Counter(models.Model):
    """The last number given, per kind ("case", "letter"), unit and year."""

    kind = models.CharField(max_length=10)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit", "year"], name="cases_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id}/{self.year}: {self.last}"


class PublicCheck(models.Model):
    """One same-trip check on the public page, counted for its rate limit: shared by every
    server worker, unlike a per-process cache. The client is a keyed hash of the address."""

    client = models.CharField(max_length=64)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.client[:8]} {self.at}"
