"""Forms for cases and contacts. They collect; the rules are in cases.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fangkong.cases.models import (
    Classification,
    Contact,
    EventKind,
    ExposureEvent,
    Hospital,
    HospitalKind,
    Level,
    Outcome,
    Severity,
)
from fangkong.cases.models import Setting as ContactSetting
from fangkong.cases.rules import FIRST
from fangkong.core.roles import Perm
from fangkong.observation.forms import PlaceForm
from fangkong.observation.models import Kind
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.idnumbers import IdType

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}


def _hospitals(actor: Any) -> Any:
    from fangkong.cases.selectors import hospital_list

    return hospital_list(actor=actor).filter(active=True)


class ReportForm(forms.Form):
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[(c, Classification(c).label) for c in FIRST],
        widget=forms.RadioSelect,
    )
    diagnosed_at = forms.DateTimeField(
        label=_("Diagnosed at"), widget=forms.DateTimeInput(attrs=DATETIME)
    )
    onset_date = forms.DateField(
        label=_("Onset"), required=False, widget=forms.DateInput(attrs=DATE),
        help_text=_("The first day of symptoms; empty for an asymptomatic infection."),
    )  # fmt: skip
    sampled_on = forms.DateField(
        label=_("Sampled on"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    reporting_institution = forms.CharField(label=_("Reported by"), max_length=100)
    hospital = forms.ModelChoiceField(
        label=_("Designated hospital"), queryset=Hospital.objects.none(), required=False
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False
    )
    imported = forms.BooleanField(label=pgettext_lazy("case source", "Imported"), required=False)
    origin = forms.CharField(label=_("Infected in"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _hospitals(actor)


class ClassifyForm(forms.Form):
    to = forms.ChoiceField(label=_("New classification"), choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Why"), max_length=200)

    def __init__(self, *args: Any, steps: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Classification(s).label) for s in steps]


class TreatmentForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices],
                                 required=False)  # fmt: skip
    hospital = forms.ModelChoiceField(
        label=_("Designated hospital"), queryset=Hospital.objects.none(), required=False
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _hospitals(actor)


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID type"), choices=IdType.choices)
    id_number = forms.CharField(
        label=_("ID number"), max_length=60, required=False,
        help_text=_("Someone already in the registry is found by it, never registered twice."),
    )  # fmt: skip
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    relation = forms.CharField(label=_("Relation to the case"), max_length=50, required=False)
    setting = forms.ChoiceField(label=_("Where"), choices=ContactSetting.choices)
    last_contact = forms.DateField(label=_("Last contact"), widget=forms.DateInput(attrs=DATE))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.CLOSE)
    via: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Through the close contact"), queryset=Contact.objects.none(), required=False
    )
    event = forms.ModelChoiceField(
        label=_("At the cluster"), queryset=ExposureEvent.objects.none(), required=False
    )
    unit = UnitField(
        _("Lives in"), required=False,
        help_text=_("A unit of the district. Empty for someone who lives elsewhere."),
    )  # fmt: skip
    gone_to = forms.CharField(
        label=_("Gone to"), max_length=100, required=False,
        help_text=_("For someone who left: the place the assistance letter goes to."),
    )  # fmt: skip

    def __init__(self, *args: Any, actor: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_PEOPLE)
        field = self.fields["via"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = case.contacts.filter(level=Level.CLOSE).select_related("person")
        field.label_from_instance = lambda c: str(c.person.full_name)  # type: ignore[method-assign,assignment]
        from fangkong.cases.selectors import event_list

        events = self.fields["event"]
        assert isinstance(events, forms.ModelChoiceField)
        events.queryset = event_list(actor=actor).order_by("-starts_on")


class EventForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    unit = UnitField(_("Unit"))
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs=DATE))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_CASES)


class ObserveForm(PlaceForm):
    lead = forms.CharField(label=_("Lead of the team"), max_length=50)
    lead_phone = forms.CharField(label=_("Lead's phone"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("kind", Kind.CENTRALIZED)
        super().__init__(*args, **kwargs)


class LetterForm(forms.Form):
    region = forms.CharField(label=_("Locality"), max_length=100)
    authority = forms.CharField(
        label=_("Authority"), max_length=100,
        help_text=_("For example: 武汉市江岸区新冠肺炎疫情防控指挥部."),
    )  # fmt: skip


class HospitalForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    unit = UnitField(_("Run by"))
    kind = forms.ChoiceField(label=_("Kind"), choices=HospitalKind.choices)
    beds = forms.IntegerField(label=_("Beds"), min_value=0, max_value=10000)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_CASES)
