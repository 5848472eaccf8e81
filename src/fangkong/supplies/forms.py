"""Forms for supplies. They collect; the rules are in the services.

Choice fields start empty and are scoped in ``__init__`` from the actor or the store.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.supplies.ledger import MAX_QUANTITY
from fangkong.supplies.models import Category, DonationKind, DonorKind, Item, Store
from fangkong.supplies.selectors import stores

DATE = {"type": "date"}
NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


class ItemChoiceField(forms.ModelChoiceField):
    """An item, with what the store holds of it when the form knows (``held``)."""

    held: dict[int, int] = {}

    def label_from_instance(self, obj: Item) -> str:  # type: ignore[override]
        if obj.pk in self.held:
            return str(
                _("%(item)s (%(left)s %(measure)s left)")
                % {"item": obj.name, "left": f"{self.held[obj.pk]:,}", "measure": obj.measure}
            )
        return f"{obj.name} ({obj.measure})"


QUANTITY = _("Quantity")
VALUE = _("Declared value (yuan)")
THRESHOLD_HELP = _("A store holding fewer is low on this item (0: never). A store may set its own.")


class StoreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Store) -> str:  # type: ignore[override]
        return f"{obj.unit.name} · {obj.name}"


def quantity_field(label: Any = QUANTITY, **kwargs: Any) -> forms.IntegerField:
    kwargs.setdefault("min_value", 1)
    return forms.IntegerField(
        label=label, max_value=MAX_QUANTITY, widget=forms.NumberInput(attrs=NUMBER), **kwargs
    )


class ItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=8,
        help_text=_("Counted in, e.g. 只, 个, 套, 副, 升."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    low_threshold = forms.IntegerField(
        label=_("Low-stock threshold"), min_value=0, max_value=MAX_QUANTITY, initial=0,
        help_text=THRESHOLD_HELP,
    )  # fmt: skip
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class StoreForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    unit = UnitField(_("Unit"), help_text=_("The unit that runs the store."))
    keeper = forms.CharField(label=_("Keeper"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A store does not change hands: its ledger hangs by its unit.
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_SUPPLIES)


class MoveForm(forms.Form):
    """Receive (a purchase), write off and the fields every move has."""

    item = ItemChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = quantity_field()
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    # Which items are offered: all in use (receiving), or those the store holds.
    held_only = True

    def __init__(self, *args: Any, store: Store, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        field = self.fields["item"]
        assert isinstance(field, ItemChoiceField)
        held = dict(store.stock.filter(quantity__gt=0).values_list("item_id", "quantity"))
        field.held = held
        if self.held_only:
            field.queryset = Item.objects.filter(pk__in=held)
        else:
            field.queryset = Item.objects.filter(active=True)
        self.scope(actor)

    def scope(self, actor: Any) -> None:
        pass


class ReceiveForm(MoveForm):
    held_only = False
    note = forms.CharField(
        label=_("Supplier or delivery note"), max_length=200, required=False,
        help_text=_("Donations are recorded under Donations, with a receipt."),
    )  # fmt: skip


class IssueForm(MoveForm):
    to_unit = UnitField(
        _("Issued to (unit)"), required=False,
        help_text=_("A unit under the store's, such as a grid or a checkpoint's township; blank: "
                    "the store's own unit. It counts in that unit's daily report."),
    )  # fmt: skip
    recipient = forms.CharField(label=_("Received by"), max_length=100, required=False)

    field_order = ["item", "quantity", "to_unit", "recipient", "note"]

    def scope(self, actor: Any) -> None:
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = OrgUnit.objects.in_subtree(self.store.org_path)


class TransferForm(MoveForm):
    target = StoreChoiceField(label=_("To store"), queryset=Store.objects.none())

    field_order = ["item", "quantity", "target", "note"]

    def scope(self, actor: Any) -> None:
        field = self.fields["target"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = stores(actor=actor).filter(active=True).exclude(pk=self.store.pk)


class CorrectForm(MoveForm):
    held_only = False
    quantity = forms.IntegerField(
        label=_("Difference"), min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
        help_text=_("What the stocktake found minus what the ledger says: −20 if 20 are missing."),
        widget=forms.NumberInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Why"), max_length=200)


MOVE_FORMS: dict[str, type[MoveForm]] = {
    "receive": ReceiveForm,
    "issue": IssueForm,
    "transfer": TransferForm,
    "expire": MoveForm,
    "correct": CorrectForm,
}


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("This store's low-stock threshold"), min_value=0, max_value=MAX_QUANTITY,
        required=False, help_text=_("Blank: the item's threshold."),
        widget=forms.NumberInput(attrs=NUMBER),
    )  # fmt: skip


class LinesMixin:
    """Rows of item + quantity (+ declared value), as many as ``LINES``; blank rows are skipped."""

    LINES = 5
    with_value = False
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_lines(self) -> None:
        for n in range(self.LINES):
            self.fields[f"item_{n}"] = ItemChoiceField(
                label=_("Item"), queryset=Item.objects.filter(active=True), required=False
            )
            self.fields[f"quantity_{n}"] = quantity_field(required=False)
            # The rows' labels are read out, not shown: the boxes say what they take.
            self.fields[f"quantity_{n}"].widget.attrs["placeholder"] = str(QUANTITY)
            if self.with_value:
                self.fields[f"value_{n}"] = forms.DecimalField(
                    label=VALUE, min_value=0, max_digits=12, decimal_places=2, required=False,
                    widget=forms.NumberInput(
                        attrs={"inputmode": "decimal", "step": "0.01", "placeholder": str(VALUE)}
                    ),
                )  # fmt: skip

    def line_rows(self) -> list[list[Any]]:
        names = ("item", "quantity", "value") if self.with_value else ("item", "quantity")
        return [[self[f"{name}_{n}"] for name in names] for n in range(self.LINES)]  # type: ignore[index]

    def lines(self) -> list[tuple[Item, int, Any]]:
        out = []
        for n in range(self.LINES):
            item = self.cleaned_data.get(f"item_{n}")
            quantity = self.cleaned_data.get(f"quantity_{n}")
            if item is None and not quantity:
                continue
            if item is None or not quantity:
                self.add_error(f"quantity_{n}", _("Give both the item and how many."))  # type: ignore[attr-defined]
                continue
            out.append((item, quantity, self.cleaned_data.get(f"value_{n}") or 0))
        return out


class DonationForm(LinesMixin, forms.Form):
    with_value = True
    kind = forms.ChoiceField(
        label=_("Donated"), choices=DonationKind.choices, widget=forms.RadioSelect,
        initial=DonationKind.GOODS,
    )  # fmt: skip
    donor_kind = forms.ChoiceField(
        label=_("Donor is a"), choices=DonorKind.choices, widget=forms.RadioSelect,
        initial=DonorKind.COMPANY,
    )  # fmt: skip
    donor_name = forms.CharField(label=_("Donor"), max_length=100)
    donor_phone = forms.CharField(
        label=_("Donor's phone"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    store = StoreChoiceField(
        label=_("Into store"), queryset=Store.objects.none(), required=False,
        help_text=_("For goods: the store they went into."),
    )  # fmt: skip
    unit = UnitField(
        _("Received by (unit)"), required=False, help_text=_("For money: the unit that took it.")
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        store = self.fields["store"]
        assert isinstance(store, forms.ModelChoiceField)
        store.queryset = stores(actor=actor, perm=Perm.MANAGE_SUPPLIES).filter(active=True)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_SUPPLIES)
        self.add_lines()


class RequestForm(LinesMixin, forms.Form):
    unit = UnitField(_("Requesting unit"))
    reason = forms.CharField(
        label=_("What for"), max_length=300, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For whom and how long it should last, e.g. 12 grid workers for a week."),
    )  # fmt: skip

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.REQUEST_SUPPLIES)
        self.add_lines()


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is rejected"), max_length=200)


class ApproveForm(forms.Form):
    """How many of each line will be sent (what was asked, or fewer)."""

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_lines = list(request.lines.select_related("item"))
        for line in self.request_lines:
            self.fields[f"approved_{line.pk}"] = forms.IntegerField(
                label=_("%(item)s, asked %(asked)s %(measure)s")
                % {"item": line.item.name, "asked": f"{line.quantity:,}",
                   "measure": line.item.measure},
                min_value=0, max_value=line.quantity, initial=line.quantity,
                widget=forms.NumberInput(attrs=NUMBER),
            )  # fmt: skip

    def approved(self) -> dict[int, int]:
        return {ln.pk: self.cleaned_data[f"approved_{ln.pk}"] for ln in self.request_lines}


class FulfilForm(forms.Form):
    store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.none())

    def __init__(self, *args: Any, request: Any, stores: list[Store], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["store"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Store.objects.filter(pk__in=[s.pk for s in stores]).order_by("name")
        if len(stores) == 1:
            field.initial = stores[0].pk
        self.request_lines = [
            ln for ln in request.lines.select_related("item") if ln.outstanding > 0
        ]
        for line in self.request_lines:
            self.fields[f"sent_{line.pk}"] = forms.IntegerField(
                label=_("%(item)s, %(left)s %(measure)s to send")
                % {"item": line.item.name, "left": f"{line.outstanding:,}",
                   "measure": line.item.measure},
                min_value=0, max_value=line.outstanding, initial=line.outstanding,
                widget=forms.NumberInput(attrs=NUMBER),
            )  # fmt: skip

    def sent(self) -> dict[int, int]:
        return {ln.pk: self.cleaned_data[f"sent_{ln.pk}"] for ln in self.request_lines}
