"""The org-unit tree: district → township/street → village/community → grid → building."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.paths import depth_of
from fangkong.core.scoping import ScopedQuerySet


class Level(models.TextChoices):
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self]


LEVEL_RANK: dict[str, int] = {
    Level.DISTRICT: 1,
    Level.STREET: 2,
    Level.TOWNSHIP: 2,
    Level.COMMUNITY: 3,
    Level.VILLAGE: 3,
    Level.GRID: 4,
    Level.BUILDING: 5,
}

# Headings over counts ("Streets 6"); in Chinese the same words as the levels.
LEVEL_PLURALS: dict[str, object] = {
    Level.DISTRICT: _("Districts / counties"),
    Level.STREET: _("Streets"),
    Level.TOWNSHIP: _("Townships"),
    Level.COMMUNITY: _("Communities"),
    Level.VILLAGE: _("Villages"),
    Level.GRID: _("Grids"),
    Level.BUILDING: _("Buildings"),
}

code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$",
    _("A code is 1 to 20 letters, digits or hyphens, e.g. the 12-digit statistical code."),
    code="invalid_code",
)


class OrgUnitQuerySet(ScopedQuerySet):
    def children_of(self, unit: OrgUnit) -> OrgUnitQuerySet:
        return self.filter(parent=unit)


class OrgUnit(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path (see core.paths); depth follows from its length.
    path = models.CharField(max_length=64, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    # Highest child segment ever handed out: a path is never reused, so that
    # an audit entry's path keeps naming the unit it was written for.
    last_child = models.PositiveIntegerField(default=0, editable=False)
    residents = models.PositiveIntegerField(_("residents"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = OrgUnitQuerySet.as_manager()
    scope_path_field = "path"

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"]), models.Index(fields=["level", "path"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | ~models.Q(parent=models.F("id")),
                name="orgunit_not_own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_path(self) -> str:
        return self.path

    @property
    def level_rank(self) -> int:
        return LEVEL_RANK[self.level]

    def ancestors(self) -> models.QuerySet[OrgUnit]:
        """Root first, excluding self: every proper prefix of the path."""
        prefixes = [self.path[:end] for end in range(4, len(self.path), 4)]
        return OrgUnit.objects.filter(path__in=prefixes).order_by("path")

    def recompute_depth(self) -> None:
        self.depth = depth_of(self.path)


class UnitLeader(models.Model):
    """Leader contracting (包联): a cadre answerable for a unit's prevention work."""

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leaders"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="contracted_units",
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("contracting leader")
        verbose_name_plural = _("contracting leaders")
        ordering = ["org_path", "since"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="unitleader_until_after_since",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} → {self.unit}"

    @property
    def scope_path(self) -> str:
        return self.org_path
