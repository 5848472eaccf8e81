from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DATE = {"type": "date"}


class GenerateForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=settings.LANGUAGES,
        help_text=_("The bulletin is published in this language; readers in another one see "
                    "its figures in theirs."),
    )  # fmt: skip


class EditForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("bulletin", "Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("A blank line between paragraphs."),
    )


class CorrectForm(EditForm):
    reason = forms.CharField(label=_("Why it is corrected"), max_length=200)
    refresh = forms.BooleanField(
        label=_("Take the figures again from the daily reports and write the text anew"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With a refresh the text is written from the figures: the typed one is not needed.
        self.fields["title"].required = False
        self.fields["text"].required = False
