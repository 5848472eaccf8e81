from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse


class UnitCodeInput(forms.TextInput):
    """A unit typed by its code, with the units matching what is typed offered as you type.

    A select cannot hold a district's 100,000 units; the suggestions come from
    ``orgunits:lookup``, scoped like every other read.
    """

    template_name = "orgunits/widgets/unit_code.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "inputmode": "search", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["lookup_url"] = reverse("orgunits:lookup")
        return context
