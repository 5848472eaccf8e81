from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.orgunits.models import LEVEL_RANK, Level, OrgUnit
from fangkong.orgunits.widgets import UnitField


class UnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "code", "level", "residents", "households"]
        widgets = {
            "code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        help_texts = {
            "code": _("The 12-digit statistical division code where there is one."),
        }

    def __init__(self, *args, parent: OrgUnit | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        parent = parent or (self.instance.parent if self.instance.pk else None)
        if parent is not None:
            allowed = [
                (v, label) for v, label in Level.choices if LEVEL_RANK[v] > parent.level_rank
            ]
            self.fields["level"].choices = allowed  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    parent = UnitField(
        _("New parent unit"),
        error_messages={
            "invalid_choice": _(
                "No unit with this code can take this unit: it must be in your area and "
                "at a higher level."
            )
        },
    )

    def __init__(self, *args, actor: User, unit: OrgUnit, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = (  # type: ignore[attr-defined]
            OrgUnit.objects.visible_to(actor, Perm.MANAGE_UNITS)
            .filter(level__in=[v for v, r in LEVEL_RANK.items() if r < unit.level_rank])
            .exclude(pk=unit.parent_id)
        )
        self.fields["parent"].help_text = _(
            "Type part of the new parent's name or code and pick it."
        )


class LeaderForm(forms.Form):
    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=User.objects.none(), to_field_name="username"
    )
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    since = forms.DateField(label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actor: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.visible_to(actor).filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["leader"].widget = forms.TextInput(attrs={"autocomplete": "off"})
        self.fields["leader"].help_text = _("The leader's user name.")


class EndLeaderForm(forms.Form):
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8 or GBK), XLSX, XLS or ODS with the columns code, name, parent code, "
            "level, and optionally residents and households."
        ),
    )
