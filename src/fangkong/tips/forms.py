"""Forms for tips. They collect; ``tips.services`` checks and decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at, scope_roots
from fangkong.orgunits.models import OrgUnit
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.tips import public, services
from fangkong.tips.models import Category, Outcome

TEXTAREA = {"rows": 4}


class _ReportForm(forms.Form):
    """What the reporter tells, on the public form and to the hotline."""

    category = forms.ChoiceField(
        label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(
        label=_("Where is it?"), max_length=services.PLACE_MAX,
        help_text=_("Street and number, building, market or shop: as precisely as you can."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("What did you see or hear?"), max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs=TEXTAREA),
    )  # fmt: skip
    anonymous = forms.BooleanField(label=_("Stay anonymous: keep no name or phone"),
                                   required=False)  # fmt: skip
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=services.NAME_MAX, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )  # fmt: skip
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=30, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip

    def report(self) -> services.Report:
        data = self.cleaned_data
        return services.Report(
            category=data["category"], place=data["place"], text=data["text"],
            anonymous=data["anonymous"], contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
        )  # fmt: skip


class PublicTipForm(_ReportForm):
    district = forms.ModelChoiceField(
        label=_("District"), queryset=OrgUnit.objects.none(), empty_label=None
    )
    # Left empty by people; filled by scripts that fill every field.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        field.queryset = public.districts()  # type: ignore[attr-defined]
        first = field.queryset.first()  # type: ignore[attr-defined]
        field.initial = first
        if field.queryset.count() <= 1:  # type: ignore[attr-defined]
            field.widget = forms.HiddenInput()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class HotlineForm(_ReportForm):
    desk = forms.ModelChoiceField(
        label=_("Received at"), queryset=OrgUnit.objects.none(), required=False,
        empty_label=None,
    )  # fmt: skip
    assign_to = UnitField(
        _("Assign at once to"), required=False,
        help_text=_("Optional: the unit that will handle it. Left empty, it waits in the "
                    "triage queue."),
    )  # fmt: skip
    due_hours = forms.IntegerField(
        label=_("Hours to resolve"), required=False, min_value=1,
        max_value=services.DUE_HOURS_MAX,
        help_text=_("Empty: the category's usual time (2 hours for arrivals and gatherings, "
                    "24 for the rest)."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note for the unit"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roots = scope_roots(actor, Perm.HANDLE_TIPS)
        desks = (
            public.districts() if roots is None else OrgUnit.objects.filter(path__in=roots)
        ).order_by("path")
        field = self.fields["desk"]
        field.queryset = desks  # type: ignore[attr-defined]
        if desks.count() <= 1:
            field.widget = forms.HiddenInput()
        self.first_desk = desks.first()
        if has_perm_at(actor, Perm.TRIAGE_TIPS, None):
            limit_units(self.fields["assign_to"], actor, Perm.TRIAGE_TIPS)
        else:
            for name in ("assign_to", "due_hours", "note"):
                del self.fields[name]

    def clean_desk(self) -> OrgUnit | None:
        return self.cleaned_data.get("desk") or self.first_desk


class TriageForm(forms.Form):
    unit = UnitField(_("Unit"))
    due_hours = forms.IntegerField(
        label=_("Hours to resolve"), min_value=1, max_value=services.DUE_HOURS_MAX,
        help_text=_("From now; the category's usual time is offered."),
    )  # fmt: skip
    note = forms.CharField(label=_("Note for the unit"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args: Any, actor: Any, first: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.TRIAGE_TIPS)
        if not first:
            # Passed on to another unit, the tip keeps the due time it was given.
            del self.fields["due_hours"]
            self.fields["unit"].label = _("Pass on to")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is rejected"), max_length=1000,
        help_text=_("For staff only: the reporter sees “not taken up”."),
    )  # fmt: skip


class StartForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the tip"), choices=Outcome.choices,
                                widget=forms.RadioSelect)  # fmt: skip
    note = forms.CharField(
        label=_("What was found and done"), max_length=services.TEXT_MAX,
        help_text=_("For staff only."), widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    public_reply = forms.CharField(
        label=_("Reply to the reporter"), required=False, max_length=1000,
        help_text=_("Shown to whoever looks up the receipt code: name no one and no unit "
                    "below the district."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class CheckForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"), max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                      "autocomplete": "off", "placeholder": "ABCD-EFGH"}),
    )  # fmt: skip
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


PERIODS = (7, 30, 90)
