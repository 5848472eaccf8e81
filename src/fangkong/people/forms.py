from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.idnumbers import IdType
from fangkong.people.models import RiskStatus, Sex, Transport


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, ID or phone number"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *RiskStatus.choices]
    )
    tag = forms.CharField(label=_("Tag"), required=False)


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Date of birth and sex are read from a resident ID."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    unit = UnitField(
        _("Grid or unit of residence"),
        help_text=_("Type part of the grid's name or code and pick it."),
    )
    household_address = forms.CharField(
        label=_("Household address"),
        max_length=200,
        required=False,
        help_text=_("The same address in the same grid is the same household."),
    )
    relation = forms.CharField(label=_("Relation to householder"), max_length=20, required=False)
    address = forms.CharField(
        label=_("Current residence, if elsewhere"), max_length=200, required=False
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only for documents other than a resident ID."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=200,
        required=False,
        help_text=_("Separated by commas, e.g. returned from Hubei, lives alone."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_PEOPLE)


class PersonEditForm(PersonForm):
    """As for a new person, but blank numbers keep what is on file (showing them is a reveal)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = _("Leave empty to keep the number on file.")
        self.fields["id_number"].help_text = keep
        self.fields["phone"].help_text = keep


class TravelForm(forms.Form):
    origin = forms.CharField(
        label=_("Came from"),
        max_length=100,
        help_text=_("Province, city or county, e.g. 湖北省武汉市, or a 6-digit division code."),
    )
    departed_on = forms.DateField(
        label=_("Left there on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrived_on = forms.DateField(
        label=_("Arrived here on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices)
    transport_no = forms.CharField(
        label=_("Flight / train / bus number"), max_length=20, required=False
    )
    seat = forms.CharField(label=_("Seat"), max_length=12, required=False)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=16, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=100, required=False)
