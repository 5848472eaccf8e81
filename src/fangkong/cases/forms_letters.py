"""Forms for assistance letters: one received from elsewhere, and the answer to ours."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.idnumbers import IdType


class LetterReceiveForm(forms.Form):
    number = forms.CharField(label=_("Letter number"), max_length=30)
    authority = forms.CharField(
        label=_("Written by"), max_length=100,
        help_text=_("The authority that sent it, e.g. the epidemic command of a district."),
    )  # fmt: skip
    region = forms.CharField(label=_("From the locality"), max_length=100)
    full_name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices, initial=IdType.RESIDENT)
    id_number = forms.CharField(
        label=_("ID number"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    exposure = forms.CharField(
        label=_("Why they are traced"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As the letter says: whose contact, where and when."),
    )  # fmt: skip
    unit = UnitField(
        _("Community, village or grid to visit"),
        help_text=_("Type part of the name or code and pick it; the unit sees the person in "
                    "its hand-offs."),
    )  # fmt: skip
    address = forms.CharField(label=_("Address given"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_CASES)


class LetterResultForm(forms.Form):
    result = forms.CharField(
        label=_("What they found"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: found on 3 February, under home observation in Jiang'an."),
    )  # fmt: skip
