"""Forms for duty. They collect; ``duty.services`` checks and decides. Choice fields
start empty and are scoped in ``__init__`` from the actor."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.checkpoints.models import Checkpoint
from fangkong.core.roles import Perm
from fangkong.duty import services
from fangkong.duty.models import DutyPerson, PersonKind, PostKind, Skill
from fangkong.orgunits.widgets import UnitField, limit_units

STAFFING_HELP = _(
    "Hours from 0 to 24 and the people needed, e.g. “0-8:2, 8-20:3, 20-24:2”; hours not "
    "named need nobody. Or 24 numbers, one per hour."
)


class PostForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=services.NAME_MAX)
    unit = UnitField(_("Unit"), help_text=_("The unit that runs the post."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices)
    staffing = forms.CharField(
        label=_("People needed per hour"), max_length=400, help_text=STAFFING_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    checkpoint = forms.ModelChoiceField(
        label=_("Checkpoint"), queryset=Checkpoint.objects.none(), required=False,
        help_text=_("For a checkpoint post: the checkpoint it staffs."),
    )  # fmt: skip
    place = forms.CharField(
        label=_("Where the post is"), max_length=services.PLACE_MAX, required=False
    )
    active = forms.BooleanField(label=_("In service"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]  # a post's shifts hang by its unit
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_DUTY)
        self.fields["checkpoint"].queryset = Checkpoint.objects.visible_to(  # type: ignore[attr-defined]
            actor, Perm.MANAGE_DUTY
        ).order_by("org_path", "name")

    def clean_staffing(self) -> list[int]:
        return services.parse_staffing(self.cleaned_data["staffing"])


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    unit = UnitField(_("Unit"), help_text=_("The unit the person belongs to."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PersonKind.choices,
                             widget=forms.RadioSelect)  # fmt: skip
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    user = forms.CharField(
        label=_("User account"), max_length=150, required=False,
        help_text=_("Optional: the person's user name, so that they can check in themself."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=services.NOTE_MAX, required=False)
    active = forms.BooleanField(label=_("Available for duty"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["unit"]
        else:
            limit_units(self.fields["unit"], actor, Perm.MANAGE_DUTY)


class ShiftForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(
        label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end at or before the start is on the next day (a night shift)."),
    )  # fmt: skip
    repeat_days = forms.IntegerField(
        label=_("On how many days"), min_value=1, max_value=services.MAX_REPEAT, initial=1,
        help_text=_("The same hours on the following days too: 7 makes a week."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=services.NOTE_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"day", "starts", "ends"} <= set(data):
            zone = timezone.get_current_timezone()
            start = datetime.combine(data["day"], data["starts"])
            end = datetime.combine(data["day"], data["ends"])
            if end <= start:
                end += timedelta(days=1)
            data["starts_at"] = timezone.make_aware(start, zone)
            data["ends_at"] = timezone.make_aware(end, zone)
        return data


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: DutyPerson) -> str:  # type: ignore[override]
        skills = "、".join(obj.skill_labels)
        label = f"{obj.name} · {obj.get_kind_display()} · {obj.unit.name}"
        return f"{label} ({skills})" if skills else label


class AssignForm(forms.Form):
    person = PersonChoiceField(label=_("Person on duty"), queryset=DutyPerson.objects.none())
    overlap_ok = forms.BooleanField(
        label=_("Assign anyway, although it is a double booking"), required=False
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            DutyPerson.objects.visible_to(actor, Perm.VIEW_DUTY)
            .filter(active=True)
            .select_related("unit")
            .order_by("kind", "name")
        )
