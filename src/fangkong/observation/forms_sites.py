"""Forms for isolation sites and their rooms. They only collect: the rules (who may,
how many beds, which room numbers) are checked by ``services_sites``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.observation.models import SiteKind
from fangkong.orgunits.widgets import UnitField, limit_units


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = UnitField(
        _("Run by"),
        help_text=_("The unit that runs the site; the units under it send people there."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)
    # "Address" alone is the audit log's IP address in the catalog.
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("Duty phone"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A site does not change hands: its rooms and people hang by its unit.
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_SITES)


class RoomsAddForm(forms.Form):
    numbers = forms.CharField(
        label=_("Room numbers"), max_length=500,
        help_text=_("Ranges and single rooms, separated by commas: 101-120, 201."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "101-120, 201"}),
    )  # fmt: skip
    beds = forms.IntegerField(label=_("Beds per room"), initial=1, min_value=1, max_value=20)


class RoomForm(forms.Form):
    beds = forms.IntegerField(label=_("Beds"), min_value=1, max_value=20)
    active = forms.BooleanField(label=_("In use"), required=False)
