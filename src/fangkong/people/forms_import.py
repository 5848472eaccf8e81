from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.widgets import UnitField, limit_units
from fangkong.people.importing.reading import WORKBOOK_SUFFIXES

MAX_UPLOAD = 300 * 1024 * 1024


class ImportForm(forms.Form):
    unit = UnitField(
        _("Import into"),
        help_text=_("Each row's grid code must lie under this unit."),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("XLSX, XLS, ODS or CSV (UTF-8 or GBK). Title rows above the header are fine."),
    )
    default_year = forms.IntegerField(
        label=_("Year for dates written without one"),
        min_value=2000,
        max_value=2100,
        help_text=_("For dates such as 1月24日."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_units(self.fields["unit"], actor, Perm.MANAGE_PEOPLE)
        self.fields["default_year"].initial = timezone.localdate().year

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((*WORKBOOK_SUFFIXES, ".csv", ".txt")):
            raise forms.ValidationError(_("Upload an XLSX, XLS, ODS or CSV file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 300 MB; split it."))
        return upload
