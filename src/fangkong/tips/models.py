"""Tips from the public (举报/线索): what was reported, where it waits, who works on it.

A tip hangs in the tree where it waits: at the desk that received it (the district for
the public form, the operator's unit for the hotline) until it is triaged, then at the
unit it was assigned to. Its contact is personal data, sealed at rest; an anonymous tip
holds none. Overdue is read at query time (``due_at`` has passed, the tip still open),
never a flag that a job flips.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.scoping import ScopedModel


class Category(models.TextChoices):
    ARRIVAL = "arrival", _("Unregistered arrival")
    GATHERING = "gathering", _("Gathering")
    GOUGING = "gouging", _("Price gouging")
    WILDLIFE = "wildlife", _("Wildlife trade")
    SANITATION = "sanitation", _("Sanitation")
    RUMOUR = "rumour", _("Rumour")
    OTHER = "other", _("Other")


# Hours from triage to resolution, the default the triage form offers (the operator may
# set another). An arrival who skipped registration may be infectious and moving, and a
# gathering is over within hours: both are visited the same morning or afternoon.
DEFAULT_DUE_HOURS: dict[str, int] = {
    Category.ARRIVAL: 2,
    Category.GATHERING: 2,
    Category.GOUGING: 24,
    Category.WILDLIFE: 24,
    Category.SANITATION: 24,
    Category.RUMOUR: 24,
    Category.OTHER: 24,
}


class Channel(models.TextChoices):
    PUBLIC = "public", _("Public form")
    HOTLINE = "hotline", _("Hotline")


class State(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected as not a tip")


OPEN_STATES = (State.NEW, State.TRIAGED, State.IN_PROGRESS)
# Assigned and not done: these have a due time and can be overdue.
WORKING_STATES = (State.TRIAGED, State.IN_PROGRESS)

# Each state and the states it may go to; assigning again (to another unit) is allowed
# while the work is not done, and keeps the due time.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.NEW: frozenset({State.TRIAGED, State.REJECTED}),
    State.TRIAGED: frozenset({State.TRIAGED, State.IN_PROGRESS, State.RESOLVED}),
    State.IN_PROGRESS: frozenset({State.TRIAGED, State.RESOLVED}),
    State.RESOLVED: frozenset(),
    State.REJECTED: frozenset(),
}


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed and handled")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    REFERRED = "referred", _("Referred to another authority")
    DUPLICATE = "duplicate", _("Duplicate")


class Tip(ScopedModel):
    # Shown to the reporter once; with it, and only with it, the state can be looked up.
    code = models.CharField(_("receipt code"), max_length=8, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    place = models.CharField(_("place"), max_length=200)
    text = models.TextField(_("what was reported"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_name = EncryptedTextField(_("contact name"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    # Keyed hash of the phone: other tips from the same number, without opening them.
    phone_key = models.CharField(max_length=64, blank=True, editable=False)
    desk = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("received at"), on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("assigned unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    triaged_at = models.DateTimeField(_("first assigned"), null=True, blank=True)
    due_at = models.DateTimeField(_("due by"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    # For staff only: what was found and done, or why the tip was rejected.
    resolution = models.TextField(_("internal note"), blank=True)
    # What the reporter reads on the public look-up, written apart from the internal note.
    public_reply = models.TextField(_("reply to the reporter"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["org_path", "state"]),
            models.Index(fields=["org_path", "received_at"]),
            models.Index(fields=["phone_key"], condition=~Q(phone_key=""), name="tip_phone_key"),
        ]
        constraints = [
            # The last line of defence: the services never store a contact for an anonymous tip.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(contact_name="", contact_phone="", phone_key=""),
                name="tip_anonymous_has_no_contact",
                violation_error_message=_("An anonymous tip holds no contact."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["new", "rejected"])
                | Q(unit__isnull=False, due_at__isnull=False, triaged_at__isnull=False),
                name="tip_assigned_has_unit_and_due",
            ),
            models.CheckConstraint(
                condition=(Q(state="resolved") & ~Q(outcome=""))
                | (~Q(state="resolved") & Q(outcome="")),
                name="tip_outcome_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def may_become(self, state: str) -> bool:
        return state in TRANSITIONS[self.state]

    def overdue_at(self, now: datetime) -> bool:
        """Past its due time (the minute it falls due counts) and not done."""
        return self.state in WORKING_STATES and self.due_at is not None and self.due_at <= now

    @property
    def overdue(self) -> bool:
        return self.overdue_at(timezone.now())

    @property
    def masked_name(self) -> str:
        """ "王小明" -> "王**": the family name alone says little."""
        name = self.contact_name
        return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)

    @property
    def masked_phone(self) -> str:
        return mask(self.contact_phone)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone)


class TipLog(models.Model):
    """One step of a tip: who moved it from which state to which, when, and why.

    Read only through its tip (whose scope it shares), so it keeps no path of its own.
    """

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="log")
    before = models.CharField(max_length=12, choices=State.choices, blank=True)
    after = models.CharField(max_length=12, choices=State.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.before or '-'} → {self.after}"


class PublicHit(models.Model):
    """One use of a public tip page (a tip sent, a code looked up), counted for its rate
    limit: shared by every server worker, unlike a per-process cache. The client is a
    keyed hash of the address, never the address."""

    class Kind(models.TextChoices):
        SUBMIT = "submit"
        CHECK = "check"

    client = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [models.Index(fields=["kind", "client", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.client[:8]} {self.at}"
