from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.formats import date_format
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def control(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap's class and its error state."""
    classes = ["form-control"]
    if field.errors:
        classes.append("is-invalid")
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    if field.help_text:
        attrs["aria-describedby"] = f"{field.id_for_label}_help"
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


@register.filter
def split(value: str) -> list[str]:
    return value.split()


@register.filter
def get_field(form: Any, name: str) -> BoundField:
    """``form[name]`` for a name held in a variable."""
    return form[name]


@register.filter
def short_date(value: Any) -> Any:
    """A date, or a day kept as text ("2020-02-01", in a JSON document), as the page's
    language writes dates; anything else as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value
