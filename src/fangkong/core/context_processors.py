from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.notices.selectors import UnreadNotices


@dataclass(frozen=True)
class Section:
    key: str
    url_name: str
    label: Promise
    icon: str
    perm: Perm
    # URL namespaces or names (prefix match on "namespace:name") that light the entry up.
    active: tuple[str, ...]
    # Placed first for those who hold this permission, after every other section for the
    # rest (None: always in its place).
    lead: Perm | None = None


# In order of use in the field; a phone's tab bar shows the first TABBAR_SIZE a user may open.
SECTIONS = (
    # The command dashboard leads for those who direct the work of an area (command, CDC,
    # unit officers: MANAGE_OBSERVATION, which no front-line role holds); grid workers,
    # checkpoint staff and clinicians keep their own work in the first tabs and find the
    # dashboard after it (and on the home page).
    Section(
        "dashboard",
        "dashboard:index",
        _("Dashboard"),
        "shield",
        Perm.VIEW_UNITS,
        ("dashboard:",),
        lead=Perm.MANAGE_OBSERVATION,
    ),
    Section(
        "screening",
        "screening:campaigns",
        _("Screening"),
        "clipboard",
        Perm.VIEW_UNITS,
        ("screening:campaign", "screening:coverage", "screening:household", "screening:visit"),
    ),
    Section(
        "passages",
        "checkpoints:list",
        _("Checkpoints"),
        "flag",
        Perm.VIEW_PASSAGES,
        (
            "checkpoints:list",
            "checkpoints:detail",
            "checkpoints:shift",
            "checkpoints:referral",
            "checkpoints:alert",
            "checkpoints:outside",
            "checkpoints:create",
            "checkpoints:register",
            "checkpoints:edit",
        ),
    ),
    Section(
        "handoffs",
        "checkpoints:handoffs",
        _("Hand-offs"),
        "route",
        Perm.RECORD_VISITS,
        ("checkpoints:handoff",),
    ),
    Section(
        "observation",
        "observation:list",
        _("Observation"),
        "thermometer",
        Perm.VIEW_PEOPLE,
        ("observation:",),
    ),
    Section("cases", "cases:list", _("Cases"), "shield", Perm.VIEW_PEOPLE, ("cases:",)),
    Section("reports", "reports:mine", _("Daily reports"), "log", Perm.VIEW_UNITS, ("reports:",)),
    Section(
        "supplies", "supplies:index", _("Supplies"), "inbox", Perm.VIEW_SUPPLIES, ("supplies:",)
    ),
    Section(
        "bulletin",
        "bulletin:manage",
        _("Bulletin"),
        "log",
        Perm.PUBLISH_BULLETIN,
        ("bulletin:manage", "bulletin:new", "bulletin:edit", "bulletin:correct"),
    ),
    Section("people", "people:list", _("Persons"), "person", Perm.VIEW_PEOPLE, ("people:",)),
    Section(
        "declarations",
        "screening:declarations",
        _("Declarations"),
        "inbox",
        Perm.VERIFY_DECLARATIONS,
        ("screening:declaration", "screening:poster"),
    ),
    Section("tips", "tips:index", _("Tips"), "inbox", Perm.HANDLE_TIPS, ("tips:",)),
    Section("places", "places:index", _("Places"), "droplet", Perm.VIEW_PLACES, ("places:",)),
    Section("duty", "duty:index", _("Duty"), "clock", Perm.VIEW_DUTY, ("duty:",)),
    Section("units", "orgunits:index", _("Units"), "tree", Perm.VIEW_UNITS, ("orgunits:",)),
    Section(
        "users",
        "accounts:user_list",
        _("Users"),
        "users",
        Perm.MANAGE_USERS,
        ("accounts:user", "accounts:assignment"),
    ),
    Section("audit", "accounts:audit", _("Audit log"), "log", Perm.VIEW_AUDIT, ("accounts:audit",)),
)
TABBAR_SIZE = 5
# The desktop bar shows this many sections, the rest under "More" (it must fit 1280 px in
# the longest language, English).
NAVBAR_SIZE = 6


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "nav_sections": [], "nav_more": [], "nav_tabs": []}
    match = getattr(request, "resolver_match", None)
    here = f"{match.namespace}:{match.url_name}" if match else ""
    allowed = [s for s in SECTIONS if has_perm_at(user, s.perm, None)]
    leads = {s.key for s in allowed if s.lead is not None and has_perm_at(user, s.lead, None)}
    # Stable: the leads first, the others in SECTIONS order, sections with a lead not held last.
    allowed.sort(key=lambda s: 0 if s.key in leads else 2 if s.lead is not None else 1)
    sections = [
        {"section": s, "active": any(here.startswith(prefix) for prefix in s.active)}
        for s in allowed
    ]
    flags = {s.key: True for s in allowed}
    flags["import_units"] = has_perm_at(user, Perm.MANAGE_UNITS, None)
    # Sub-pages a section's own menu links to only for those who may open them.
    flags["followups"] = has_perm_at(user, Perm.RECORD_FOLLOWUPS, None)
    flags["observation_referrals"] = has_perm_at(user, Perm.RECORD_REFERRALS, None) and has_perm_at(
        user, Perm.VIEW_PEOPLE, None
    )
    flags["sites"] = has_perm_at(user, Perm.MANAGE_SITES, None) or has_perm_at(
        user, Perm.MANAGE_OBSERVATION, None
    )
    flags["letters"] = has_perm_at(user, Perm.MANAGE_CASES, None)
    flags["tips_triage"] = has_perm_at(user, Perm.TRIAGE_TIPS, None)
    return {
        "nav": flags,
        # The unread-notices badge: one count, made only when the page shows it.
        "nav_unread": UnreadNotices(user),
        "nav_sections": sections[:NAVBAR_SIZE],
        "nav_more": sections[NAVBAR_SIZE:],
        "nav_more_active": any(item["active"] for item in sections[NAVBAR_SIZE:]),
        "nav_tabs": sections[: TABBAR_SIZE - 1],
    }
