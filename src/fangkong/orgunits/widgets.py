from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.orgunits.models import OrgUnit


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


UNIT_NOT_FOUND = _("No unit in your area has this code; pick one from the suggestions.")


class UnitField(forms.ModelChoiceField):
    """A unit typed by its code (:class:`UnitCodeInput`), among the units the form allows
    (:func:`limit_units`; none until then)."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid_choice": UNIT_NOT_FOUND})
        super().__init__(
            queryset=OrgUnit.objects.none(), to_field_name="code", label=label,
            widget=UnitCodeInput, **kwargs,
        )  # fmt: skip


def limit_units(field: forms.Field, actor: Any, perm: Perm) -> None:
    """Let ``field`` take the units where ``actor`` holds ``perm``."""
    field.queryset = OrgUnit.objects.visible_to(actor, perm)  # type: ignore[attr-defined]
