from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.models import Policy, RiskLevel


class _UnitForm(forms.Form):
    unit = UnitField(
        _("Declared by"),
        help_text=_("It applies to this unit and everything under it."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_POLICY)


class RiskAreaForm(_UnitForm):
    division = forms.CharField(
        label=_("Area"),
        max_length=100,
        help_text=_("A province, city or county by name or 6-digit code, e.g. 湖北省 or 420100."),
        widget=forms.TextInput(attrs={"list": "division-options", "autocomplete": "off"}),
    )
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    valid_from = forms.DateField(
        label=_("Counts for departures from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty while the area stays on the list."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PolicyForm(_UnitForm, forms.ModelForm):
    class Meta:
        model = Policy
        fields = [
            "effective_from",
            "observation_days",
            "fever_threshold",
            "followups_per_day",
            "followup_times",
            "handoff_hours",
            "report_hours",
            "contact_days_before_onset",
            "secondary_contacts",
            "letter_days",
            "report_by_grid",
            "report_by_community",
            "report_by_street",
            "report_by_district",
            "high_risk_measure",
            "medium_risk_measure",
            "low_risk_measure",
            "note",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["unit"].label = _("Unit")
        self.order_fields(["unit", *self.Meta.fields])
