"""Forms for checkpoints. The passage form only collects: every rule is checked by
``registration.register``, the same code the device API runs, and its problems are
put back on the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.models import (
    Checkpoint,
    CheckpointKind,
    Direction,
    Directions,
    HandoffState,
    ReferralOutcome,
    Vehicle,
)
from fangkong.checkpoints.plates import PROVINCES
from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitCodeInput, UnitField, limit_units
from fangkong.people.idnumbers import IdType
from fangkong.screening.models import Symptom

TRAVELLER_BLOCKS = 8  # shown one by one on a phone; a coach is better sent from a device
TIME = {"type": "time"}
# Provinces by the first two digits of a division code, for the plate's first character.
PROVINCE_BY_CODE = dict(zip(
    ["11", "12", "31", "50", "13", "41", "53", "21", "23", "43", "34", "37", "65", "32", "33",
     "36", "42", "45", "62", "14", "15", "61", "22", "35", "52", "44", "63", "54", "51", "64",
     "46"], PROVINCES, strict=True,
))  # fmt: skip


class DestinationInput(UnitCodeInput):
    """A community, village or grid of the district, suggested as its name is typed."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["lookup_url"] = reverse("checkpoints:destinations")
        return context


class CheckpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = UnitField(
        _("Unit"),
        help_text=_("The unit the checkpoint belongs to: its staff and figures are seen there."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CheckpointKind.choices)
    directions = forms.ChoiceField(label=_("Registers"), choices=Directions.choices)
    opens_at = forms.TimeField(
        label=_("Opens at"), required=False, widget=forms.TimeInput(attrs=TIME),
        help_text=_("Leave both times empty for a checkpoint staffed around the clock."),
    )  # fmt: skip
    closes_at = forms.TimeField(
        label=_("Closes at"), required=False, widget=forms.TimeInput(attrs=TIME)
    )
    lead = forms.CharField(
        label=_("Lead (user name)"), max_length=150, required=False,
        help_text=_(
            "Receives the checkpoint's alerts; must work at the checkpoint's unit or above."
        ),
    )  # fmt: skip
    active = forms.BooleanField(label=_("In service"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_CHECKPOINTS)


def _text(label: Any, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={"autocomplete": "off", **attrs})
    )


class PassageForm(forms.Form):
    """One vehicle and its travellers on one screen, in the order they are asked."""

    checkpoint = forms.ModelChoiceField(
        label=_("Checkpoint"), queryset=Checkpoint.objects.none(), empty_label=None
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect,
        initial=Direction.IN,
    )  # fmt: skip
    vehicle = forms.ChoiceField(label=_("Vehicle"), choices=Vehicle.choices, initial=Vehicle.CAR)
    province = forms.ChoiceField(
        label=_("Province"), choices=[(p, p) for p in PROVINCES], required=False
    )
    plate = _text(_("Plate"), autocapitalize="characters", spellcheck="false",
                  placeholder="A12345")  # fmt: skip
    plate_unchecked = forms.BooleanField(
        label=_("Other plate (military, foreign, temporary): record as it reads"), required=False
    )
    origin = _text(_("Coming from"), list="origins", placeholder=_("e.g. 湖北省武汉市"))
    destination = forms.CharField(
        label=_("Going to (community, village or grid)"), required=False,
        widget=DestinationInput(attrs={"placeholder": _("Type the name")}),
    )  # fmt: skip
    destination_text = _text(_("Address there"), placeholder=_("e.g. 翰林苑3号楼2单元101"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = _recording(actor)  # type: ignore[attr-defined]
        for n in range(TRAVELLER_BLOCKS):
            p = f"t{n}_"
            self.fields[p + "full_name"] = _text(_("Full name"), autocomplete="off")
            self.fields[p + "id_type"] = forms.ChoiceField(
                label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT, required=False
            )
            self.fields[p + "id_number"] = _text(
                _("ID number"), inputmode="text", spellcheck="false", autocapitalize="characters",
                **{"data-scan": "id"},
            )  # fmt: skip
            self.fields[p + "phone"] = _text(_("Mobile phone"), inputmode="tel")
            self.fields[p + "temperature"] = _text(
                _("Temperature °C"), inputmode="decimal", placeholder="36.5"
            )
            self.fields[p + "symptoms"] = forms.MultipleChoiceField(
                label=_("Symptoms"), choices=Symptom.choices, required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip

    def blocks(self) -> list[dict[str, Any]]:
        out = []
        for n in range(TRAVELLER_BLOCKS):
            p = f"t{n}_"
            names = ("full_name", "id_type", "id_number", "phone", "temperature", "symptoms")
            block: dict[str, Any] = {name: self[p + name] for name in names}
            block["n"] = n + 1
            block["used"] = (
                n == 0
                or any(
                    (self.data.get(p + name) or "").strip()
                    for name in ("full_name", "id_number", "phone")
                )
                or any(self[p + name].errors for name in block if name not in ("n",))
            )
            out.append(block)
        return out

    def traveller_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """The blocks with anything typed, as the registration takes them."""
        rows = []
        for n in range(TRAVELLER_BLOCKS):
            p = f"t{n}_"
            values = {name: self.cleaned_data.get(p + name) or "" for name in
                      ("full_name", "id_type", "id_number", "phone", "temperature")}  # fmt: skip
            values["symptoms"] = list(self.cleaned_data.get(p + "symptoms") or [])
            if any(
                str(values[k]).strip() for k in ("full_name", "id_number", "phone", "temperature")
            ):
                values["id_type"] = values["id_type"] or IdType.RESIDENT
                rows.append((n, values))
        return rows


def _recording(actor: Any) -> Any:
    from fangkong.checkpoints.selectors import checkpoints_for_recording

    return checkpoints_for_recording(actor=actor)


class ReferralForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome at the fever clinic"), choices=ReferralOutcome.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class HandoffConfirmForm(forms.Form):
    unit = UnitField(_("Grid"))
    address = forms.CharField(label=_("Household address"), max_length=200)
    relation = forms.CharField(label=_("Relation to householder"), max_length=20, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_PEOPLE)


class HandoffCloseForm(forms.Form):
    state = forms.ChoiceField(
        label=_("What happened"),
        choices=[(HandoffState.NOT_FOUND, HandoffState.NOT_FOUND.label),
                 (HandoffState.LEFT, HandoffState.LEFT.label)],
        widget=forms.RadioSelect,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), max_length=200,
        help_text=_("What the visit found, for the level above: e.g. nobody at the address, "
                    "neighbours say they went back to Wuhan on 2 February."),
    )  # fmt: skip
