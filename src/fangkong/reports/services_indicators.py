"""Changing the daily report's data set (the indicators). Rules live here; the pages in
``views_indicators`` only collect.

Who: holders of ``Perm.MANAGE_INDICATORS`` (the administrator). The data set is one for the
whole installation, so it is not scoped by the tree. What: a typed indicator can be added;
any indicator renamed, moved to another level or place, taken out of use; a computed one
given another source. The code never changes, because the reports store their figures
under it. An indicator that reports already carry is taken out of use, never deleted; so
is a computed one (it could not be added back from the pages).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.models import User
from fangkong.core.roles import Perm
from fangkong.core.scoping import scope_roots
from fangkong.orgunits.models import OrgUnit
from fangkong.reports.deadlines import REPORTING_LEVELS
from fangkong.reports.models import DailyReport, Indicator
from fangkong.reports.prefill import SOURCES

CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
ORDER_MAX = 32767
EDITABLE = ("name", "level", "order", "active", "source")


def may_manage(actor: User) -> bool:
    """The data set is the whole installation's: only whoever holds the permission at every
    top-level unit may change it (not a street's administrator, nor one district's of two)."""
    roots = scope_roots(actor, Perm.MANAGE_INDICATORS)
    if roots is None:
        return True
    tops = OrgUnit.objects.filter(depth=1).values_list("path", flat=True)
    return bool(roots) and all(any(top.startswith(r) for r in roots) for top in tops)


def _require(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied(_("You may not change the indicators."))


def _check(values: dict[str, Any], errors: dict[str, str]) -> None:
    if "level" in values and values["level"] not in REPORTING_LEVELS:
        errors["level"] = _("Choose the level whose units report the indicator.")
    if "order" in values:
        order = values["order"]
        if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= ORDER_MAX:
            errors["order"] = _("The order is a whole number from 0 to %(max)d.") % {
                "max": ORDER_MAX
            }
    if "name" in values and len(values["name"]) > 100:
        errors["name"] = _("The name is at most 100 characters.")


@transaction.atomic
def indicator_create(
    *, actor: User, code: str, name: str, level: str, order: int = 0, active: bool = True
) -> Indicator:
    """A new typed indicator (figures the units type in); computed ones come with the
    code that computes them (reports.prefill)."""
    _require(actor)
    code, name = code.strip().lower(), name.strip()
    errors: dict[str, str] = {}
    if not CODE.fullmatch(code):
        errors["code"] = _(
            "The code is 1 to 40 lower-case letters, digits or “_”, starting with a letter."
        )
    elif Indicator.objects.filter(code=code).exists():
        errors["code"] = _("The code “%(code)s” is already used by another indicator.") % {
            "code": code
        }
    if not name:
        errors["name"] = _("Give the indicator a name.")
    _check({"level": level, "order": order, "name": name}, errors)
    if errors:
        raise ValidationError(errors)
    indicator = Indicator(
        code=code, name=name, level=level, order=order, active=active, computed=False, source=""
    )
    indicator.full_clean()
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:  # the same code, added a moment ago by someone else
        raise ValidationError(
            {
                "code": _("The code “%(code)s” is already used by another indicator.")
                % {"code": code}
            }
        ) from None
    audit.record(
        actor=actor, action=audit.Action.CREATE, target=indicator,
        changes={"code": code, "name": name, "level": level, "order": order, "active": active},
    )  # fmt: skip
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator: Indicator, **values: Any) -> Indicator:
    """Change name, level, order, in use, and for a computed indicator its source."""
    _require(actor)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "name" in values:
        values["name"] = values["name"].strip()
    errors: dict[str, str] = {}
    _check(values, errors)
    if "source" in values:
        if not indicator.computed:
            if values["source"]:
                errors["source"] = _("A typed indicator has no source.")
            values.pop("source")
        elif values["source"] not in SOURCES:
            errors["source"] = _("Choose where the indicator is computed from.")
    if values.get("name") == "" and not indicator.computed and not _has_default_label(indicator):
        errors["name"] = _("Give the indicator a name.")
    if errors:
        raise ValidationError(errors)
    changes = {
        key: [getattr(indicator, key), value]
        for key, value in values.items()
        if getattr(indicator, key) != value
    }
    for key, value in values.items():
        setattr(indicator, key, value)
    indicator.full_clean()
    indicator.save()
    if changes:
        audit.record(actor=actor, action=audit.Action.UPDATE, target=indicator, changes=changes)
    return indicator


def _has_default_label(indicator: Indicator) -> bool:
    from fangkong.reports.defaults import LABELS

    return indicator.code in LABELS


def indicator_carried(indicator: Indicator) -> bool:
    """Does any report, submitted or draft, hold a figure under this code?"""
    return DailyReport.objects.filter(values__has_key=indicator.code).exists()


@transaction.atomic
def indicator_remove(*, actor: User, indicator: Indicator) -> bool:
    """Delete the indicator, or, if reports already carry it, take it out of use so that
    their figures keep their name. A computed indicator is only taken out of use: the
    pages cannot add it back. Returns True if it was deleted."""
    _require(actor)
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if indicator.computed or indicator_carried(indicator):
        if indicator.active:
            indicator.active = False
            indicator.save(update_fields=["active"])
            audit.record(
                actor=actor, action=audit.Action.UPDATE, target=indicator,
                changes={"active": [True, False]},
            )  # fmt: skip
        return False
    audit.record(
        actor=actor, action=audit.Action.DELETE, target=indicator,
        changes={"code": indicator.code},
    )  # fmt: skip
    indicator.delete()
    return True
