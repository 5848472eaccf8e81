"""The indicator pages: the daily report's data set, for holders of
``Perm.MANAGE_INDICATORS``. The rules are in ``services_indicators``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.forms import errors_to
from fangkong.core.types import AuthedRequest
from fangkong.orgunits.models import Level
from fangkong.reports import services_indicators as services
from fangkong.reports.deadlines import REPORTING_LEVELS
from fangkong.reports.defaults import LABELS
from fangkong.reports.models import Indicator
from fangkong.reports.prefill import SOURCES

_ORDER_ERROR = gettext_lazy("The order is a whole number from 0 to 32767.")


def source_label(source: str) -> str:
    return f"{LABELS[source]} ({source})" if source in LABELS else source


class IndicatorForm(forms.Form):
    """Every field of an indicator; ``__init__`` drops what the case does not have."""

    code = forms.CharField(
        label=gettext_lazy("Code"), max_length=40,
        help_text=gettext_lazy(
            "Lower-case letters, digits and “_”, starting with a letter, such as "
            "masks_distributed. It cannot be changed later."
        ),
        error_messages={"required": gettext_lazy("Give the indicator a code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )  # fmt: skip
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100,
        error_messages={
            "required": gettext_lazy("Give the indicator a name."),
            "max_length": gettext_lazy("The name is at most 100 characters."),
        },
    )  # fmt: skip
    level = forms.ChoiceField(
        label=gettext_lazy("Reported from level"),
        choices=[(v, label) for v, label in Level.choices if v in REPORTING_LEVELS],
        help_text=gettext_lazy("The finest units that report it; every level above has it too."),
        error_messages={
            "required": gettext_lazy("Choose the level whose units report the indicator."),
            "invalid_choice": gettext_lazy("Choose the level whose units report the indicator."),
        },
    )  # fmt: skip
    source = forms.ChoiceField(
        label=gettext_lazy("Computed from"),
        choices=[(key, source_label(key)) for key in SOURCES],
        error_messages={
            "required": gettext_lazy("Choose where the indicator is computed from."),
            "invalid_choice": gettext_lazy("Choose where the indicator is computed from."),
        },
    )  # fmt: skip
    order = forms.IntegerField(
        label=gettext_lazy("Order"), min_value=0, max_value=32767, initial=0,
        help_text=gettext_lazy("Smaller numbers come first in the report."),
        error_messages={"required": _ORDER_ERROR, "invalid": _ORDER_ERROR,
                        "min_value": _ORDER_ERROR, "max_value": _ORDER_ERROR},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip
    active = forms.BooleanField(label=gettext_lazy("In use"), required=False, initial=True)

    def __init__(self, *args: Any, indicator: Indicator | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if indicator is None:
            del self.fields["source"]  # a new indicator is typed
            return
        del self.fields["code"]
        if not indicator.computed:
            del self.fields["source"]
        if indicator.computed or indicator.code in LABELS:
            # Blank: the default label, in the reader's language.
            self.fields["name"].required = False
            self.fields["name"].help_text = _("Leave it blank for “%(label)s”.") % {
                "label": LABELS.get(indicator.code, indicator.code)
            }


def _require(request: AuthedRequest) -> None:
    if not services.may_manage(request.user):
        raise PermissionDenied


def indicator_list(request: AuthedRequest) -> HttpResponse:
    _require(request)
    indicators = list(Indicator.objects.order_by("order", "code"))
    rows = [(i, source_label(i.source) if i.computed else "") for i in indicators]
    return render(request, "reports/indicators.html", {"rows": rows})


def indicator_create(request: AuthedRequest) -> HttpResponse:
    _require(request)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.indicator_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Indicator “%(name)s” added.") % {"name": made.label})
            return redirect("reports:indicators")
    return render(request, "reports/indicator_form.html", {"form": form})


def indicator_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    indicator = get_object_or_404(Indicator, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "remove":
        deleted = services.indicator_remove(actor=request.user, indicator=indicator)
        if deleted:
            messages.success(
                request, _("Indicator “%(name)s” deleted.") % {"name": indicator.label}
            )
        else:
            messages.info(
                request,
                _("“%(name)s” was taken out of use instead of deleted.")
                % {"name": indicator.label},
            )
        return redirect("reports:indicators")
    initial = {f: getattr(indicator, f) for f in ("name", "level", "order", "active", "source")}
    form = IndicatorForm(request.POST or None, indicator=indicator, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(actor=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("reports:indicators")
    return render(
        request,
        "reports/indicator_form.html",
        {"form": form, "indicator": indicator,
         "deletable": not indicator.computed and not services.indicator_carried(indicator)},
    )  # fmt: skip
