"""Model fields that several apps record the same way."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

BODY_MIN, BODY_MAX = 34, 43  # °C: anything outside is a misreading, not a temperature


def temperature_field() -> models.DecimalField:
    """A body temperature in °C with one decimal, optional."""
    return models.DecimalField(
        _("temperature (°C)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(BODY_MIN), MaxValueValidator(BODY_MAX)],
    )
