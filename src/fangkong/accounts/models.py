"""Users, their (role, unit) assignments, and the append-only audit log."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import EncryptedTextField, mask
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import ScopedQuerySet, paths_q, scope_roots


class UserQuerySet(models.QuerySet):
    def visible_to(self, user, perm: Perm | None = None) -> Self:  # type: ignore[no-untyped-def]
        """Users with at least one assignment inside the actor's scope."""
        roots = scope_roots(user, perm)
        if roots is None:
            return self
        if not roots:
            return self.none()
        inside = Assignment.objects.filter(paths_q("org_path", roots), user=OuterRef("pk"))
        return self.filter(Exists(inside))


class FangkongUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=100)
    phone = EncryptedTextField(_("phone"), blank=True)

    objects: ClassVar[FangkongUserManager] = FangkongUserManager()

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask(self.phone)


class Assignment(models.Model):
    """A role held at a unit; it applies to the unit's whole subtree."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "orgunits.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    org_path = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["org_path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                name="assignment_unique_role_at_unit",
                violation_error_message=_("This user already holds this role at this unit."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.unit}"

    @property
    def scope_path(self) -> str:
        return self.org_path


class AuditEntry(models.Model):
    """Who did what to which record, when. Rows are never changed or removed.

    The database enforces it: triggers refuse UPDATE and DELETE (migration 0002).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        REVEAL = "reveal", _("Revealed personal data")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        PASSWORD = "password", _("Changed password")

    at = models.DateTimeField(_("time"), db_default=Now(), editable=False)
    actor = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The user name at the time (for a failed login: the name that was tried).
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    org_path = models.CharField(max_length=64, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "org_path"
    # An entry stays where its record was when it was written.
    scope_path_follows_moves = False

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            # Small scopes read through (org_path, at), large ones through at: the
            # planner picks (bench/audit_scope_bench.py).
            models.Index(fields=["org_path", "at"]),
            models.Index(fields=["at"]),
            models.Index(fields=["action", "actor_name", "at"]),
            models.Index(fields=["action", "ip", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    @property
    def scope_path(self) -> str:
        return self.org_path

    def labelled_changes(self) -> list[tuple[str, object, object, bool]]:
        """(label in the current language, old, new, is a change) for each recorded item.

        Items are either a field's ``[old, new]`` or a summary value (an import's counts).
        """
        from django.apps import apps

        model = None
        if self.target_type:
            try:
                model = apps.get_model(self.target_type)
            except (LookupError, ValueError):
                model = None
        rows: list[tuple[str, object, object, bool]] = []
        for name, pair in (self.changes or {}).items():
            if name in HIDDEN_ITEMS:
                continue
            label = str(SUMMARY_LABELS.get(name, name))
            if model is not None and name not in SUMMARY_LABELS:
                label = _verbose_name(model, name)
            if isinstance(pair, list) and len(pair) == 2:
                old, new = pair
                if model is not None and name not in SUMMARY_LABELS:
                    old, new = _display(model, name, old), _display(model, name, new)
                rows.append((label, old, new, True))
            else:
                if name == "field" and model is not None and isinstance(pair, str):
                    pair = _verbose_name(model, pair)
                elif isinstance(pair, dict):
                    pair = ", ".join(f"{key} {value}" for key, value in pair.items())
                rows.append((label, None, pair, False))
        return rows


def _verbose_name(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:  # an old entry may name a field that is gone
        return name


def _display(model: type[models.Model], name: str, value: object) -> object:
    """A stored choice value as its label (``grid_worker`` → 网格员)."""
    try:
        choices = dict(model._meta.get_field(name).flatchoices)  # type: ignore[union-attr]
    except Exception:
        return value
    return choices.get(value, value) if choices else value


# Items kept for the machine (the demo's parameters), not shown in the log.
HIDDEN_ITEMS = {"demo"}

# Labels of the summary items that bulk actions (imports, exports, reveals) record.
SUMMARY_LABELS = {
    "file": _("file"),
    "format": _("format"),
    "rows": _("rows"),
    "created": _("created"),
    "updated": _("updated"),
    "unchanged": _("unchanged"),
    "rows_with_errors": _("rows with errors"),
    "units": _("units"),
    "users": _("users"),
    "field": _("field"),
}


class ApiToken(models.Model):
    """A key for a device that uploads to the API as its user (a checkpoint's handheld).

    Only a digest is kept: the key is shown once, when it is made (``fangkong apitoken``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name
