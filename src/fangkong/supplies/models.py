"""Supplies (物资保障): items, stores, the stock ledger, donations and requests.

A store hangs in the tree by its unit; its balance rows, its ledger rows and the
donations it receives hang there too. A request hangs by the unit that asks (so that
the unit it asks, an ancestor, sees it as well). Quantities are whole numbers in the
item's unit of measure; money is in yuan, as decimals.

The ledger (``StockMove``) is the record; ``Stock`` is its running sum per store and
item, written in the same transaction by ``supplies.ledger.post`` with the row locked,
and never below zero (a CHECK constraint is the last line of defence).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.scoping import ScopedModel


class Category(models.TextChoices):
    MASK = "mask", _("Masks")
    SUIT = "suit", _("Protective suits")
    GOGGLES = "goggles", _("Goggles and face shields")
    GLOVES = "gloves", _("Gloves")
    DISINFECTANT = "disinfectant", _("Disinfectant")
    THERMOMETER = "thermometer", _("Thermometers")
    OTHER = "other", _("Other")


class Item(models.Model):
    """One kind of supply, shared by every store of the installation."""

    name = models.CharField(_("name"), max_length=60)
    measure = models.CharField(
        _("unit of measure"), max_length=8, help_text=_("Counted in, e.g. 只, 个, 套, 副, 升.")
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    low_threshold = models.PositiveIntegerField(
        _("low-stock threshold"),
        default=0,
        help_text=_(
            "A store holding fewer is low on this item (0: never). A store may set its own."
        ),
    )
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="supplies_item_unique_name",
                violation_error_message=_("An item of this name exists already."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Store(ScopedModel):
    """A unit's store of supplies (物资库/物资点)."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    keeper = models.CharField(_("keeper"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="supplies_store_unique_name_in_unit",
                violation_error_message=_("This unit already has a store of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stock(ScopedModel):
    """The balance of one item in one store: the sum of its ledger rows."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="stock")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.BigIntegerField(_("balance"), default=0)
    # The store's own low-stock threshold for the item; blank: the item's.
    threshold = models.PositiveIntegerField(_("low-stock threshold"), null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["store", "item__category", "item__name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "item"], name="supplies_stock_one_row"),
            # The last line of defence: supplies.ledger locks the row and checks first.
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="supplies_stock_not_negative",
                violation_error_code="negative",
                violation_error_message=_("Stock cannot fall below zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}@{self.store_id}: {self.quantity}"

    @property
    def limit(self) -> int:
        return self.threshold if self.threshold is not None else self.item.low_threshold

    @property
    def low(self) -> bool:
        return self.limit > 0 and self.quantity < self.limit


class MoveKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    DONATION = "donation", _("Donation")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ISSUE = "issue", _("Issue")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    EXPIRED = "expired", _("Expired")
    CORRECTION = "correction", _("Correction")


INCOMING = (MoveKind.PURCHASE, MoveKind.DONATION, MoveKind.TRANSFER_IN)
OUTGOING = (MoveKind.ISSUE, MoveKind.TRANSFER_OUT, MoveKind.EXPIRED)
TRANSFERS = (MoveKind.TRANSFER_IN, MoveKind.TRANSFER_OUT)
# What a store's recent use is measured by (days of cover): what it handed out or sent
# on to the units below; not what expired or was corrected at a stocktake.
USE = (MoveKind.ISSUE, MoveKind.TRANSFER_OUT)


class StockMove(ScopedModel):
    """One row of the ledger: a signed quantity of one item into or out of one store."""

    # Indexed with the item and the time (Meta), which serves the foreign key as well.
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="moves",
        db_index=False,
    )  # fmt: skip
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MoveKind.choices)
    quantity = models.BigIntegerField(_("quantity"))
    # The store's balance of the item after this move.
    balance = models.BigIntegerField(_("balance"))
    counterpart = models.ForeignKey(
        Store, verbose_name=_("other store"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    # For an issue: the unit that received it (a grid, a checkpoint's township …), when given.
    to_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("issued to"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    recipient = models.CharField(_("received by"), max_length=100, blank=True)
    donation = models.ForeignKey(
        "Donation", null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    request = models.ForeignKey(
        "SupplyRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="moves"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["store", "item", "at"]),
            models.Index(fields=["org_path", "kind", "at"]),
            models.Index(fields=["kind", "at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=INCOMING, quantity__gt=0)
                | Q(kind__in=OUTGOING, quantity__lt=0)
                | (Q(kind=MoveKind.CORRECTION) & ~Q(quantity=0)),
                name="supplies_move_sign_follows_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TRANSFERS, counterpart__isnull=False)
                | (~Q(kind__in=TRANSFERS) & Q(counterpart__isnull=True)),
                name="supplies_move_counterpart_iff_transfer",
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="supplies_move_balance"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d}"


class DonorKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company or organisation")


class DonationKind(models.TextChoices):
    CASH = "cash", _("Cash")
    GOODS = "goods", _("Goods")


class Donation(ScopedModel):
    """A gift of money or goods, received by a unit (goods into one of its stores),
    with a numbered receipt."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("received by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    store = models.ForeignKey(
        Store, verbose_name=_("store"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="donations",
    )  # fmt: skip
    number = models.CharField(_("receipt number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=8, choices=DonationKind.choices)
    donor_kind = models.CharField(_("donor is a"), max_length=8, choices=DonorKind.choices)
    donor_name = models.CharField(_("donor"), max_length=100)
    donor_phone = EncryptedTextField(_("donor's phone"), blank=True)
    donor_phone_key = models.CharField(max_length=64, blank=True, editable=False)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["org_path", "received_on"]),
            models.Index(fields=["donor_phone_key"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="supplies_donation_unique_number"),
            models.CheckConstraint(
                condition=Q(kind=DonationKind.CASH, amount__gt=0, store__isnull=True)
                | Q(kind=DonationKind.GOODS, amount__isnull=True, store__isnull=False),
                name="supplies_donation_cash_or_goods",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_phone(self) -> str:
        return mask(self.donor_phone)

    @property
    def value(self) -> Decimal:
        """The cash amount, or the declared value of the goods."""
        if self.kind == DonationKind.CASH:
            return self.amount or Decimal(0)
        return sum((line.value for line in self.lines.all()), Decimal(0))


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    value = models.DecimalField(
        _("declared value (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("donated item")
        verbose_name_plural = _("donated items")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(value__gte=0), name="supplies_donation_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class DonationCounter(models.Model):
    """The last receipt number given by a unit in a year."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="supplies_counter_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_REQUEST_STATES = (RequestState.DRAFT, RequestState.SUBMITTED, RequestState.APPROVED)


class SupplyRequest(ScopedModel):
    """A unit asks a unit above it for supplies; that unit approves (perhaps less) or
    rejects, and fulfils from its store, in one go or in parts."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    to_unit = models.ForeignKey(
        "orgunits.OrgUnit", verbose_name=_("asked of"), on_delete=models.PROTECT, related_name="+"
    )
    # Where the goods go: a store of the requesting unit (a transfer), or none (an issue).
    into_store = models.ForeignKey(
        Store, verbose_name=_("deliver to"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.DRAFT
    )
    reason = models.CharField(_("what for"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    # Fulfilled (the last delivery) or cancelled.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("supply request")
        verbose_name_plural = _("supply requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org_path", "state"]), models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=RequestState.REJECTED) | ~Q(rejection=""),
                name="supplies_request_rejected_with_reason",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REQUEST_STATES


class RequestLine(models.Model):
    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("asked"), validators=[MinValueValidator(1)])
    approved = models.PositiveIntegerField(_("approved"), null=True, blank=True)
    fulfilled = models.PositiveIntegerField(_("delivered"), default=0)

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="supplies_request_item_once"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0)
                & (Q(approved__isnull=True, fulfilled=0) | Q(approved__lte=F("quantity")))
                & (Q(approved__isnull=True) | Q(fulfilled__lte=F("approved"))),
                name="supplies_request_line_within_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"

    @property
    def outstanding(self) -> int:
        return (self.approved or 0) - self.fulfilled
