"""What the form pages share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_to(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal, put on the fields it names (the rest above the form)."""
    if hasattr(error, "error_dict"):
        for field, problems in error.error_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error)
