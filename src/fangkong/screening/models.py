"""Full-coverage screening: campaigns, household visits, and residents' self-declarations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField
from fangkong.core.fields import temperature_field
from fangkong.core.scoping import ScopedModel


class Campaign(ScopedModel):
    """A time-boxed sweep (排查行动) of every household in a unit's subtree."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org_path", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VisitResult(models.TextChoices):
    NORMAL = "normal", _("Visited, nothing found")
    FOUND = "found", _("Visited, arrivals or symptoms found")
    REFUSED = "refused", _("Visited, refused to cooperate")
    VACANT = "vacant", _("Dwelling empty / nobody lives here")
    NOBODY_HOME = "absent", _("Nobody home, visit again")


# A household counts as screened once a visit has settled it; "nobody home"
# leaves it on the worker's list.
COVERED_RESULTS = frozenset(
    {VisitResult.NORMAL, VisitResult.FOUND, VisitResult.REFUSED, VisitResult.VACANT}
)


class Visit(ScopedModel):
    """One knock on one household's door during a campaign (入户排查)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="visits"
    )
    household = models.ForeignKey(
        "people.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    result = models.CharField(_("result"), max_length=8, choices=VisitResult.choices)
    visited_at = models.DateTimeField(_("visited at"), db_default=Now())
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "org_path"]),
            models.Index(fields=["campaign", "household"]),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_at:%Y-%m-%d}"

    @property
    def covers(self) -> bool:
        return self.result in COVERED_RESULTS


class Symptom(models.TextChoices):
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Dry cough")
    FATIGUE = "fatigue", _("Fatigue")
    BREATH = "breath", _("Shortness of breath")
    SORE_THROAT = "throat", _("Sore throat")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")


class VisitMember(ScopedModel):
    """What the worker found for one person at the visit."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="members")
    # The visit's campaign, copied: coverage counts a campaign's finds under a unit by one
    # indexed range, where a join through visits made SQLite walk every visit (100 ms).
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=True)
    temperature = temperature_field()
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    travel_found = models.BooleanField(_("arrived from elsewhere"), default=False)
    # Judged when recorded, against the fever line of the policy in force that day.
    fever = models.BooleanField(_("fever"), default=False)

    class Meta:
        verbose_name = _("person at a visit")
        verbose_name_plural = _("persons at visits")
        indexes = [models.Index(fields=["campaign", "org_path"])]
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="visitmember_once_per_visit")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.visit_id}"


class CampaignTally(models.Model):
    """A campaign's figures for the households of one unit (screening.tallies): households
    settled by a visit, and persons found arrived from elsewhere or with a fever (each
    person counted once per campaign, where first found)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    covered = models.IntegerField(default=0)
    arrivals = models.IntegerField(default=0)
    fevers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("campaign count")
        verbose_name_plural = _("campaign counts")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="campaigntally_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id}"


class DeclarationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class Declaration(ScopedModel):
    """A resident's self-declaration (自主申报), waiting in its community's queue.

    What the resident typed is personal data: it is kept sealed as one JSON
    document until a worker verifies it into the registry.
    """

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    # A short receipt number shown to the resident; it reveals nothing.
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    payload = EncryptedTextField()
    # Keyed hash of the declarant's ID, to show a worker earlier declarations
    # and the registry's match without opening every payload.
    id_key = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.PENDING,
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="declarations",
    )
    # Keyed hash of the sender's address, for rate limiting; never the address.
    client_key = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_default=Now(), editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-declaration")
        verbose_name_plural = _("self-declarations")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "org_path", "submitted_at"]),
            models.Index(fields=["client_key", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.reference
