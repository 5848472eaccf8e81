"""Forms for trips and the public trip check. They collect; cases.trips normalises and
decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.cases.models import Transport

DATE = {"type": "date"}


class TripForm(forms.Form):
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices,
                                  initial=Transport.TRAIN)  # fmt: skip
    number = forms.CharField(
        label=_("Flight / train number"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                      "placeholder": "G1234"}),
    )  # fmt: skip
    plate = forms.CharField(
        label=_("Plate"), max_length=20, required=False,
        help_text=_("For a car or a coach: travellers in the same vehicle at a checkpoint "
                    "that day are found by it."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )  # fmt: skip
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE))
    route = forms.CharField(
        label=_("From – to"), max_length=100, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 武汉 – 济南")}),
    )  # fmt: skip
    seat = forms.CharField(
        label=_("Seat / carriage"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 05车12F")}),
    )  # fmt: skip
    published = forms.BooleanField(
        label=_("Publish: anyone may check this flight or train on the public page"),
        required=False,
    )


class TripCheckForm(forms.Form):
    """The public check: a number and a date, nothing about the person asking."""

    number = forms.CharField(
        label=_("Flight or train number"), max_length=30,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                      "autocomplete": "off", "placeholder": "G1234"}),
    )  # fmt: skip
    day = forms.DateField(label=_("Date of travel"), widget=forms.DateInput(attrs=DATE))
    # Left empty by people; filled by scripts that fill every field.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_day(self) -> object:
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future."))
        return day
