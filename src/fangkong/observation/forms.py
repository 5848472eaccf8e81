"""Forms for observation. They collect; the rules are in observation.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from fangkong.observation.models import (
    Kind,
    Method,
    Reason,
    ReferralOutcome,
    Role,
    Room,
    SupportKind,
    SupportState,
)
from fangkong.observation.selectors import sites_serving
from fangkong.observation.services import Member
from fangkong.screening.models import Symptom

DATE = {"type": "date"}
# The lead and four more: "五包一" (a cadre, the grid worker, police, a doctor, family).
TEAM_ROWS = 5
TEAM_DEFAULTS = [Role.GRID_WORKER, Role.CADRE, Role.POLICE, Role.DOCTOR, Role.FAMILY]


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:  # type: ignore[override]
        free = obj.beds - obj.occupied
        return _("%(site)s · room %(room)s (%(free)d of %(beds)d beds free)") % {
            "site": obj.site.name, "room": obj.number, "free": free, "beds": obj.beds,
        }  # fmt: skip


def _room_field(actor: Any, required: bool = False) -> RoomChoiceField:
    rooms = (
        Room.objects.filter(site__in=sites_serving(actor), site__active=True, active=True)
        .select_related("site")
        .order_by("site__name", "number")
    )
    return RoomChoiceField(
        label=_("Room at an isolation site"),
        queryset=rooms,
        required=required,
        help_text=_("For centralized observation: rooms with a free bed are listed."),
    )


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Where"), choices=Kind.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"] = _room_field(actor)
        # Only rooms with a bed free are offered (a full one still fails in the service).
        field = self.fields["room"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = field.queryset.filter(occupied__lt=F("beds"))  # type: ignore[union-attr]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.CENTRALIZED and not data.get("room"):
            self.add_error("room", _("Choose a room for centralized observation."))
        if data.get("kind") == Kind.HOME:
            data["room"] = None
        data["site"] = data["room"].site if data.get("room") else None
        return data


class StartForm(PlaceForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    last_exposure = forms.DateField(
        label=_("Last exposure"),
        widget=forms.DateInput(attrs=DATE),
        help_text=_(
            "The day of the last contact, or of leaving the affected area: the period counts "
            "from the next day, by the policy in force that day."
        ),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        add_team_rows(self)

    @property
    def team_rows(self) -> list[Row]:
        return team_rows(self)

    def visible_main(self) -> list[forms.BoundField]:
        return [self[name] for name in ("kind", "room", "reason", "last_exposure", "note")]

    def team(self) -> list[Member]:
        return team_of(self)


def add_team_rows(form: forms.Form) -> None:
    """The lead and up to four more, each a role, a name and a phone."""
    for i in range(TEAM_ROWS):
        form.fields[f"role_{i}"] = forms.ChoiceField(
            label=_("Role"), choices=Role.choices, initial=TEAM_DEFAULTS[i]
        )
        form.fields[f"name_{i}"] = forms.CharField(label=_("Name"), max_length=50, required=i == 0)
        form.fields[f"phone_{i}"] = forms.CharField(
            label=_("Mobile phone"), max_length=20, required=False,
            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        )  # fmt: skip


Row = tuple[forms.BoundField, forms.BoundField, forms.BoundField]


def team_rows(form: forms.Form) -> list[Row]:
    return [(form[f"role_{i}"], form[f"name_{i}"], form[f"phone_{i}"]) for i in range(TEAM_ROWS)]


def team_of(form: forms.Form) -> list[Member]:
    d = form.cleaned_data
    return [
        Member(d[f"role_{i}"], d[f"name_{i}"], d[f"phone_{i}"], lead=i == 0)
        for i in range(TEAM_ROWS)
        if d.get(f"name_{i}", "").strip()
    ]


class TeamForm(forms.Form):
    """The team as it is, to change: a phone left empty keeps the member's phone."""

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        initial: dict[str, str] = {}
        for i, m in enumerate(members[:TEAM_ROWS]):
            initial |= {f"role_{i}": m.role, f"name_{i}": m.name}
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        add_team_rows(self)
        for i, m in enumerate(members[:TEAM_ROWS]):
            self.fields[f"phone_{i}"].widget.attrs["placeholder"] = m.masked_phone

    @property
    def team_rows(self) -> list[Row]:
        return team_rows(self)

    def team(self) -> list[Member]:
        return team_of(self)


class MoveForm(PlaceForm):
    note = forms.CharField(label=_("Note"), max_length=150, required=False)


class ExposureForm(forms.Form):
    last_exposure = forms.DateField(label=_("Last exposure"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(
        label=_("Why it changes"), max_length=200,
        help_text=_("For example: the CDC's investigation found the last contact on 28 January."),
    )  # fmt: skip


class ReferForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200)
    clinic = forms.CharField(label=_("Fever clinic"), max_length=100, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=200)


class FollowUpForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"), max_digits=3, decimal_places=1, required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "min": "34",
                                        "max": "43", "class": "temp-input"}),
    )  # fmt: skip
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=Symptom.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    method = forms.ChoiceField(
        label=_("How"), choices=Method.choices, initial=Method.VISIT, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome at the fever clinic"), choices=ReferralOutcome.choices,
        widget=forms.RadioSelect,
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    text = forms.CharField(label=_("What is needed"), max_length=300)


class SupportCloseForm(forms.Form):
    state = forms.ChoiceField(
        label=_("What happened"),
        choices=[(SupportState.DONE, SupportState.DONE.label),
                 (SupportState.CANCELLED, SupportState.CANCELLED.label)],
        widget=forms.RadioSelect, initial=SupportState.DONE,
    )  # fmt: skip
    result = forms.CharField(label=_("Result"), max_length=200, required=False)
