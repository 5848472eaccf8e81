from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.idnumbers import IdType
from fangkong.people.models import Household, Person, Transport
from fangkong.screening.models import Symptom, VisitResult
from fangkong.screening.services import Finding, Journey, NewMember

DATE = {"type": "date"}
SHORT = {"rows": 2}
TEMPERATURE = {"inputmode": "decimal", "placeholder": "36.5", "autocomplete": "off", "step": "0.1"}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = UnitField(
        _("Area"),
        help_text=_("Every household under this unit is to be visited."),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_CAMPAIGNS)


class HouseholdAddForm(forms.Form):
    unit = UnitField(_("Grid"))
    address = forms.CharField(label=_("Address"), max_length=200)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_PEOPLE)


def _journey_fields(prefix: str) -> dict[str, forms.Field]:
    return {
        f"{prefix}origin": forms.CharField(label=_("Came from"), max_length=100, required=False),
        f"{prefix}arrived_on": forms.DateField(
            label=_("Arrived on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        ),
        f"{prefix}transport": forms.ChoiceField(
            label=_("Transport"), choices=Transport.choices, initial=Transport.TRAIN
        ),
        f"{prefix}transport_no": forms.CharField(
            label=_("Train / flight number"), max_length=20, required=False
        ),
    }


class VisitForm(forms.Form):
    """One household's visit: a block of fields per member, and one for a new member."""

    result = forms.ChoiceField(
        label=_("Result"), choices=VisitResult.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, household: Household, members: list[Person], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.household = household
        self.members = members
        for person in members:
            p = f"m{person.pk}_"
            self.fields[f"{p}present"] = forms.BooleanField(
                label=_("Present"), required=False, initial=True
            )
            self.fields[f"{p}temperature"] = self._temperature()
            self.fields[f"{p}symptoms"] = self._symptoms()
            self.fields.update(_journey_fields(p))
        self.fields["new_full_name"] = forms.CharField(
            label=_("Name"), max_length=50, required=False
        )
        self.fields["new_id_type"] = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
        self.fields["new_id_number"] = forms.CharField(
            label=_("ID number"), max_length=40, required=False
        )
        self.fields["new_phone"] = forms.CharField(
            label=_("Mobile phone"), max_length=20, required=False,
            widget=forms.TextInput(attrs={"inputmode": "tel"}),
        )  # fmt: skip
        self.fields["new_relation"] = forms.CharField(
            label=_("Relation to householder"), max_length=20, required=False
        )
        self.fields["new_temperature"] = self._temperature()
        self.fields["new_symptoms"] = self._symptoms()
        self.fields.update(_journey_fields("new_"))

    @staticmethod
    def _temperature() -> forms.DecimalField:
        return forms.DecimalField(
            label=_("Temperature °C"), required=False, min_value=Decimal("34"),
            max_value=Decimal("43"), decimal_places=1, max_digits=3,
            widget=forms.TextInput(attrs=TEMPERATURE),
        )  # fmt: skip

    @staticmethod
    def _symptoms() -> forms.MultipleChoiceField:
        return forms.MultipleChoiceField(
            label=_("Symptoms"), required=False, choices=Symptom.choices,
            widget=forms.CheckboxSelectMultiple,
        )  # fmt: skip

    def member_blocks(self) -> list[dict[str, Any]]:
        return [
            {"person": p, **{name: self[f"m{p.pk}_{name}"] for name in (
                "present", "temperature", "symptoms", "origin", "arrived_on", "transport",
                "transport_no")}}
            for p in self.members
        ]  # fmt: skip

    def new_block(self) -> dict[str, Any]:
        names = ("full_name", "id_type", "id_number", "phone", "relation", "temperature",
                 "symptoms", "origin", "arrived_on", "transport", "transport_no")  # fmt: skip
        return {name: self[f"new_{name}"] for name in names}

    def _journey(self, prefix: str) -> Journey | None:
        data = self.cleaned_data
        origin, arrived = data.get(f"{prefix}origin"), data.get(f"{prefix}arrived_on")
        if not origin and not arrived:
            return None
        if not origin:
            self.add_error(f"{prefix}origin", _("Enter where the person came from."))
            return None
        if not arrived:
            self.add_error(f"{prefix}arrived_on", _("Enter the arrival date."))
            return None
        return Journey(
            origin=origin, arrived_on=arrived, transport=data[f"{prefix}transport"],
            transport_no=data.get(f"{prefix}transport_no", ""),
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.findings: list[Finding] = []
        for person in self.members:
            p = f"m{person.pk}_"
            self.findings.append(
                Finding(
                    person=person, present=bool(data.get(f"{p}present")),
                    temperature=data.get(f"{p}temperature"),
                    symptoms=list(data.get(f"{p}symptoms") or []), journey=self._journey(p),
                )
            )  # fmt: skip
        self.new_members: list[NewMember] = []
        journey = self._journey("new_")
        if data.get("new_full_name"):
            self.new_members.append(
                NewMember(
                    full_name=data["new_full_name"], id_type=data.get("new_id_type", "resident"),
                    id_number=data.get("new_id_number", ""), phone=data.get("new_phone", ""),
                    relation=data.get("new_relation", ""),
                    temperature=data.get("new_temperature"),
                    symptoms=list(data.get("new_symptoms") or []), journey=journey,
                )
            )  # fmt: skip
        elif journey is not None or data.get("new_id_number"):
            self.add_error("new_full_name", _("Enter the new member's name."))
        return data
