"""Roles and permissions, named once.

A user holds (role, org unit) assignments; a role carries a set of permissions
that apply in the subtree of the unit it is assigned at. Views, routers and
services name what they need by ``Perm`` constant, never by string.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Perm(StrEnum):
    VIEW_UNITS = "fangkong.view_units"
    MANAGE_UNITS = "fangkong.manage_units"
    MANAGE_LEADERS = "fangkong.manage_leaders"
    MANAGE_USERS = "fangkong.manage_users"
    VIEW_AUDIT = "fangkong.view_audit"
    REVEAL_PERSONAL = "fangkong.reveal_personal"
    EXPORT = "fangkong.export"
    VIEW_PEOPLE = "fangkong.view_people"
    MANAGE_PEOPLE = "fangkong.manage_people"
    MANAGE_POLICY = "fangkong.manage_policy"
    MANAGE_CAMPAIGNS = "fangkong.manage_campaigns"
    RECORD_VISITS = "fangkong.record_visits"
    VERIFY_DECLARATIONS = "fangkong.verify_declarations"
    MANAGE_CHECKPOINTS = "fangkong.manage_checkpoints"
    RECORD_PASSAGES = "fangkong.record_passages"
    VIEW_PASSAGES = "fangkong.view_passages"
    RECORD_REFERRALS = "fangkong.record_referrals"
    RECEIVE_ALERTS = "fangkong.receive_alerts"
    MANAGE_OBSERVATION = "fangkong.manage_observation"
    RECORD_FOLLOWUPS = "fangkong.record_followups"
    MANAGE_SITES = "fangkong.manage_sites"
    DIAGNOSE_CASES = "fangkong.diagnose_cases"
    MANAGE_CASES = "fangkong.manage_cases"
    # The daily public bulletin: draft, edit and approve it for publication.
    PUBLISH_BULLETIN = "fangkong.publish_bulletin"
    # The indicators of the daily report (the data set).
    MANAGE_INDICATORS = "fangkong.manage_indicators"
    # Tips from the public (举报/线索): assign them to a unit, or reject them as spam.
    TRIAGE_TIPS = "fangkong.triage_tips"
    # Work on the tips assigned to one's unit and record them from the hotline.
    HANDLE_TIPS = "fangkong.handle_tips"
    # Supplies (物资保障): read stores, stock, donations and requests.
    VIEW_SUPPLIES = "fangkong.view_supplies"
    # Ask a unit above for supplies (a community asks its street for masks).
    REQUEST_SUPPLIES = "fangkong.request_supplies"
    # Record what a store hands out (发放) to the staff and residents of its area.
    ISSUE_SUPPLIES = "fangkong.issue_supplies"
    # Run stores: receive, transfer, write off, correct; donations; approve and fulfil requests.
    MANAGE_SUPPLIES = "fangkong.manage_supplies"
    # Duty (值班/站岗): read posts, rosters and coverage.
    VIEW_DUTY = "fangkong.view_duty"
    # Check people in and out at a post (the post's lead, or the person on duty).
    RECORD_DUTY = "fangkong.record_duty"
    # Run posts, the people who stand them, shifts and assignments.
    MANAGE_DUTY = "fangkong.manage_duty"
    # Places (消杀/场所管控): read public places, disinfection plans and logs, venues.
    VIEW_PLACES = "fangkong.view_places"
    # Log a disinfection from the field, record a venue inspection.
    RECORD_DISINFECTION = "fangkong.record_disinfection"
    # Run places and plans, and issue venue control orders (close, restrict, reopen).
    MANAGE_PLACES = "fangkong.manage_places"


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COMMANDER = "commander", _("Commander")
    EPIDEMIOLOGIST = "epidemiologist", _("Epidemiologist")
    UNIT_OFFICER = "officer", _("Unit officer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    CHECKPOINT = "checkpoint", _("Checkpoint staff")
    CLINICIAN = "clinician", _("Clinician")
    LOGISTICS = "logistics", _("Logistics")
    VIEWER = "viewer", _("Viewer")

    @property
    def perms(self) -> frozenset[Perm]:
        return ROLE_PERMS[self]

    @property
    def description(self) -> str:
        return str(ROLE_DESCRIPTIONS[self])


_EVERYONE = frozenset({Perm.VIEW_UNITS})

ROLE_PERMS: dict[Role, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.COMMANDER: _EVERYONE
    | {
        Perm.MANAGE_LEADERS,
        Perm.MANAGE_USERS,
        Perm.VIEW_AUDIT,
        Perm.REVEAL_PERSONAL,
        Perm.EXPORT,
        Perm.VIEW_PEOPLE,
        Perm.MANAGE_PEOPLE,
        Perm.MANAGE_POLICY,
        Perm.MANAGE_CAMPAIGNS,
        # Held so that the command can manage grid workers and checkpoint staff
        # (accounts.services.may_grant).
        Perm.RECORD_VISITS,
        Perm.VERIFY_DECLARATIONS,
        Perm.MANAGE_CHECKPOINTS,
        Perm.RECORD_PASSAGES,
        Perm.VIEW_PASSAGES,
        Perm.RECORD_REFERRALS,
        Perm.RECEIVE_ALERTS,
        Perm.MANAGE_OBSERVATION,
        Perm.RECORD_FOLLOWUPS,
        Perm.MANAGE_SITES,
        Perm.DIAGNOSE_CASES,
        Perm.MANAGE_CASES,
        Perm.PUBLISH_BULLETIN,
        Perm.TRIAGE_TIPS,
        Perm.HANDLE_TIPS,
        Perm.VIEW_SUPPLIES,
        Perm.REQUEST_SUPPLIES,
        Perm.ISSUE_SUPPLIES,
        Perm.MANAGE_SUPPLIES,
        Perm.VIEW_DUTY,
        Perm.RECORD_DUTY,
        Perm.MANAGE_DUTY,
        Perm.VIEW_PLACES,
        Perm.RECORD_DISINFECTION,
        Perm.MANAGE_PLACES,
    },
    Role.EPIDEMIOLOGIST: _EVERYONE
    | {
        Perm.REVEAL_PERSONAL,
        Perm.EXPORT,
        Perm.VIEW_PEOPLE,
        Perm.MANAGE_PEOPLE,
        Perm.MANAGE_POLICY,
        Perm.VIEW_PASSAGES,
        Perm.RECORD_REFERRALS,
        Perm.RECEIVE_ALERTS,
        Perm.MANAGE_OBSERVATION,
        Perm.DIAGNOSE_CASES,
        Perm.MANAGE_CASES,
        Perm.VIEW_PLACES,
    },
    Role.UNIT_OFFICER: _EVERYONE
    | {
        Perm.MANAGE_LEADERS,
        Perm.MANAGE_USERS,
        Perm.REVEAL_PERSONAL,
        Perm.EXPORT,
        Perm.VIEW_PEOPLE,
        Perm.MANAGE_PEOPLE,
        Perm.MANAGE_CAMPAIGNS,
        Perm.RECORD_VISITS,
        Perm.VERIFY_DECLARATIONS,
        Perm.MANAGE_CHECKPOINTS,
        Perm.RECORD_PASSAGES,
        Perm.VIEW_PASSAGES,
        Perm.RECORD_REFERRALS,
        Perm.RECEIVE_ALERTS,
        Perm.MANAGE_OBSERVATION,
        Perm.RECORD_FOLLOWUPS,
        Perm.MANAGE_SITES,
        Perm.TRIAGE_TIPS,
        Perm.HANDLE_TIPS,
        Perm.VIEW_SUPPLIES,
        Perm.REQUEST_SUPPLIES,
        Perm.ISSUE_SUPPLIES,
        Perm.VIEW_DUTY,
        Perm.RECORD_DUTY,
        Perm.MANAGE_DUTY,
        Perm.VIEW_PLACES,
        Perm.RECORD_DISINFECTION,
        Perm.MANAGE_PLACES,
    },
    Role.GRID_WORKER: _EVERYONE
    | {
        Perm.REVEAL_PERSONAL,
        Perm.VIEW_PEOPLE,
        Perm.MANAGE_PEOPLE,
        Perm.RECORD_VISITS,
        Perm.VERIFY_DECLARATIONS,
        Perm.RECEIVE_ALERTS,
        Perm.RECORD_FOLLOWUPS,
        Perm.HANDLE_TIPS,
        Perm.VIEW_DUTY,
        Perm.RECORD_DUTY,
        Perm.VIEW_PLACES,
        Perm.RECORD_DISINFECTION,
    },
    Role.CHECKPOINT: _EVERYONE
    | {
        Perm.RECORD_PASSAGES,
        Perm.VIEW_PASSAGES,
        Perm.RECORD_REFERRALS,
        Perm.RECEIVE_ALERTS,
        Perm.VIEW_DUTY,
        Perm.RECORD_DUTY,
    },
    Role.CLINICIAN: _EVERYONE
    | {
        Perm.REVEAL_PERSONAL,
        Perm.VIEW_PEOPLE,
        Perm.RECORD_REFERRALS,
        Perm.RECORD_FOLLOWUPS,
        Perm.DIAGNOSE_CASES,
    },
    Role.LOGISTICS: _EVERYONE
    | {
        Perm.VIEW_SUPPLIES,
        Perm.REQUEST_SUPPLIES,
        Perm.ISSUE_SUPPLIES,
        Perm.MANAGE_SUPPLIES,
        Perm.VIEW_PLACES,
        Perm.RECORD_DISINFECTION,
    },
    Role.VIEWER: _EVERYONE,
}

ROLE_DESCRIPTIONS: dict[Role, object] = {
    Role.ADMIN: _("Manages the unit tree, users and settings of its subtree."),
    Role.COMMANDER: _("Command HQ: sees everything in its subtree, manages users and leaders."),
    Role.EPIDEMIOLOGIST: _("CDC: cases, contacts and tracing in its subtree."),
    Role.UNIT_OFFICER: _("Street, township or community officer: runs its unit and its users."),
    Role.GRID_WORKER: _("Front-line worker for one grid: visits, follow-ups and hand-offs."),
    Role.CHECKPOINT: _("Registers passages and temperatures at a checkpoint."),
    Role.CLINICIAN: _("Designated hospital or fever clinic staff."),
    Role.LOGISTICS: _("Supplies, stores and donations."),
    Role.VIEWER: _("Reads figures in its subtree; changes nothing."),
}
