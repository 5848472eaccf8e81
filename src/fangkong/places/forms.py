"""Forms for places and venues. They collect; ``places.services`` checks and decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.places.models import (
    DEFAULT_END,
    DEFAULT_START,
    DEFAULT_TIMES,
    OrderKind,
    PlaceKind,
    Result,
    VenueKind,
)
from fangkong.places.schedule import MAX_TIMES

# What the field teams used in 2020; offered as you type, any other may be typed.
DISINFECTANTS = ["含氯消毒液", "84消毒液", "75%酒精", "过氧乙酸", "二氧化氯", "季铵盐消毒液"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def local_now() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


TIME_LABEL = _("Time")


def at_field(label: Any = TIME_LABEL, required: bool = False) -> forms.DateTimeField:
    # Left empty: now.
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=LocalDateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlaceKind.choices)
    unit = UnitField(_("Unit"), help_text=_("The unit that answers for the place."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    times_per_day = forms.IntegerField(
        label=_("Disinfections a day"),
        min_value=1,
        max_value=MAX_TIMES,
        initial=DEFAULT_TIMES,
        help_text=_(
            "The day between the two times below is split into this many equal "
            "windows; each needs a log."
        ),
    )
    day_start = forms.TimeField(
        label=_("First window opens"),
        initial=DEFAULT_START,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    day_end = forms.TimeField(
        label=_("Last window closes"),
        initial=DEFAULT_END,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A place does not change hands: its logs hang by its unit.
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_PLACES)


class LogForm(forms.Form):
    """The field form: the place is picked from the list above it (a radio per place)."""

    place = forms.IntegerField(widget=forms.HiddenInput, required=False)
    at = at_field()
    disinfectant = forms.CharField(
        label=_("Disinfectant"),
        max_length=40,
        widget=forms.TextInput(attrs={"list": "disinfectants", "autocomplete": "off"}),
    )
    concentration = forms.CharField(
        label=_("Concentration"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "500mg/L"}),
    )
    area = forms.CharField(
        label=_("Area covered"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. all, or 200 m²")}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VenueForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    unit = UnitField(_("Unit"), help_text=_("The unit that answers for the venue."))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    active = forms.BooleanField(label=_("In business"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_PLACES)


class OrderForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("venue", "Order"), choices=OrderKind.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=1000,
        help_text=_("For a restriction: what is allowed, e.g. 限流 50%, 扫码测温, 间隔就座."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    basis = forms.CharField(
        label=_("Basis (notice number)"),
        max_length=100,
        help_text=_("e.g. 区指挥部通告〔2020〕3号"),
    )
    effective_at = at_field(_("In effect from"))


class InspectionForm(forms.Form):
    at = at_field()
    result = forms.ChoiceField(label=_("Result"), choices=Result.choices, widget=forms.RadioSelect)
    found_open = forms.BooleanField(
        label=_("Under a closing order, found open for business"), required=False
    )
    findings = forms.CharField(
        label=_("Findings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    followup_due = forms.DateField(
        label=_("Follow-up due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty when no follow-up is needed."),
    )

    def __init__(self, *args: Any, closed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not closed:
            del self.fields["found_open"]


class FollowupForm(forms.Form):
    inspection = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What the follow-up found"), max_length=1000)
