from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.models import Level, OrgUnit
from fangkong.people.idnumbers import IdType, clean_id_number
from fangkong.people.models import Transport
from fangkong.people.phones import normalize_mobile

MEMBER_SLOTS = 4
DATE = {"type": "date"}


def _id_field(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=40, required=required,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip


class DeclarationForm(forms.Form):
    """The public form: the declarant, up to four household members, one journey."""

    full_name = forms.CharField(label=_("Your name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = _id_field(_("ID number"))
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    address = forms.CharField(
        label=_("Address in this community"),
        max_length=200,
        help_text=_("Building, unit and room, e.g. 3号楼2单元101."),
    )
    origin = forms.CharField(
        label=_("Came from"), max_length=100, required=False,
        help_text=_("Province and city, e.g. 湖北省武汉市. Leave empty if you did not travel."),
        widget=forms.TextInput(attrs={"list": "division-options", "autocomplete": "off"}),
    )  # fmt: skip
    departed_on = forms.DateField(
        label=_("Left there on"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    arrived_on = forms.DateField(
        label=_("Arrived here on"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    transport = forms.ChoiceField(
        label=_("Transport"), choices=Transport.choices, initial=Transport.TRAIN
    )
    transport_no = forms.CharField(label=_("Train / flight number"), max_length=20, required=False)
    seat = forms.CharField(label=_("Seat"), max_length=12, required=False)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    consent = forms.BooleanField(
        label=_("I confirm this is true. It is used for epidemic prevention only."),
    )
    # Left empty by people; filled by scripts that fill every field.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MEMBER_SLOTS + 1):
            self.fields[f"m{n}_full_name"] = forms.CharField(
                label=_("Name"), max_length=50, required=False
            )
            self.fields[f"m{n}_relation"] = forms.CharField(
                label=_("Relation to you"), max_length=20, required=False
            )
            self.fields[f"m{n}_id_type"] = forms.ChoiceField(
                label=_("ID type"), choices=IdType.choices
            )
            self.fields[f"m{n}_id_number"] = _id_field(_("ID number"), required=False)

    def member_rows(self) -> list[dict[str, Any]]:
        return [
            {
                name: self[f"m{n}_{name}"]
                for name in ("full_name", "relation", "id_type", "id_number")
            }
            for n in range(1, MEMBER_SLOTS + 1)
        ]

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def _number(self, type_field: str, number_field: str) -> None:
        raw = self.cleaned_data.get(number_field)
        if not raw:
            return
        try:
            self.cleaned_data[number_field] = clean_id_number(
                self.cleaned_data.get(type_field, IdType.RESIDENT), raw
            )
        except ValidationError as error:
            self.add_error(number_field, error)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._number("id_type", "id_number")
        if data.get("phone"):
            try:
                data["phone"] = normalize_mobile(data["phone"])
            except ValidationError as error:
                self.add_error("phone", error)
        for n in range(1, MEMBER_SLOTS + 1):
            if data.get(f"m{n}_id_number") and not data.get(f"m{n}_full_name"):
                self.add_error(f"m{n}_full_name", _("Enter the member's name."))
            self._number(f"m{n}_id_type", f"m{n}_id_number")
        origin, arrived = data.get("origin"), data.get("arrived_on")
        if origin and not arrived:
            self.add_error("arrived_on", _("Enter the day you arrived."))
        if arrived and not origin:
            self.add_error("origin", _("Enter where you came from."))
        if arrived and arrived > timezone.localdate():
            self.add_error("arrived_on", _("The arrival date is in the future."))
        departed = data.get("departed_on")
        if departed and arrived and departed > arrived:
            self.add_error("departed_on", _("The departure date cannot be after the arrival date."))
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        members = [
            {"full_name": data[f"m{n}_full_name"].strip(), "relation": data[f"m{n}_relation"],
             "id_type": data[f"m{n}_id_type"], "id_number": data.get(f"m{n}_id_number") or ""}
            for n in range(1, MEMBER_SLOTS + 1)
            if data.get(f"m{n}_full_name", "").strip()
        ]  # fmt: skip
        journey = None
        if data.get("origin"):
            names = ("origin", "departed_on", "arrived_on", "transport", "transport_no", "seat")
            journey = {name: data.get(name) or "" for name in (*names, "plate")}
        return {
            "full_name": data["full_name"].strip(), "id_type": data["id_type"],
            "id_number": data["id_number"], "phone": data["phone"],
            "address": data["address"].strip(), "members": members, "journey": journey,
        }  # fmt: skip


class VerifyForm(forms.Form):
    grid = forms.ModelChoiceField(
        label=_("Grid"), queryset=OrgUnit.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, actor: Any, community: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Households hang in grids; a community without grids keeps them itself.
        grids = (
            OrgUnit.objects.visible_to(actor, Perm.MANAGE_PEOPLE)
            .in_subtree(community.path)
            .filter(Q(level__in=[Level.GRID, Level.BUILDING]) | Q(pk=community.pk, children=None))
            .distinct()
            .order_by("path")
        )
        self.fields["grid"].queryset = grids  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)
