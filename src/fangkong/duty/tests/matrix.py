"""Permission-matrix rows for the duty pages (tests/test_permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World


def _made(w: World) -> dict[str, Any]:
    """District a's community post with a shift of today (one person on it, one more on
    the register), made once per test."""
    from django.utils import timezone

    from fangkong.duty.models import DutyAssignment, DutyPerson, Post
    from fangkong.duty.tests.helpers import at, on, person, post, shift

    found = Post.objects.filter(name="矩阵岗").first()
    if found is None:
        found = post(w, name="矩阵岗")
        first = person(w, name="矩阵甲")
        person(w, name="矩阵乙")
        on(w, shift(w, found, at(timezone.localdate(), 0), 24), first)
    made = DutyAssignment.objects.get(post=found)
    return {
        "post": found.pk,
        "shift": made.shift_id,
        "assignment": made.pk,
        "person": made.person_id,
        "other": DutyPerson.objects.get(name="矩阵乙").pk,
    }


def _community(w: World) -> str:
    return w.a.community.path


ENDPOINTS = [
    Endpoint("duty:index", "GET", lambda w: [], Perm.VIEW_DUTY),
    Endpoint("duty:coverage", "GET", lambda w: [w.a.community.pk], Perm.VIEW_DUTY, _community),
    Endpoint("duty:alerts", "GET", lambda w: [], Perm.VIEW_DUTY),
    # Anyone's own duty (an empty page for someone not on the register).
    Endpoint("duty:mine", "GET", lambda w: [], None),
    Endpoint("duty:roster", "GET", lambda w: [], Perm.VIEW_DUTY),
    Endpoint("duty:roster_unit", "GET", lambda w: [w.a.community.pk], Perm.VIEW_DUTY, _community),
    Endpoint("duty:post_create", "GET", lambda w: [], Perm.MANAGE_DUTY),
    Endpoint(
        "duty:post_create", "POST", lambda w: [], Perm.MANAGE_DUTY,
        data=lambda w: {"name": "新岗", "unit": w.a.community.code, "kind": "desk",
                        "staffing": "8-20:1", "active": "on"},
    ),
    Endpoint("duty:post", "GET", lambda w: [_made(w)["post"]], Perm.VIEW_DUTY, _community),
    Endpoint("duty:post_edit", "GET", lambda w: [_made(w)["post"]], Perm.MANAGE_DUTY, _community),
    Endpoint(
        "duty:post_edit", "POST", lambda w: [_made(w)["post"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"name": "矩阵岗", "kind": "vanguard", "staffing": "0-24:3",
                        "active": "on"},
    ),
    Endpoint(
        "duty:shift_create", "GET", lambda w: [_made(w)["post"]], Perm.MANAGE_DUTY, _community
    ),
    Endpoint(
        "duty:shift_create", "POST", lambda w: [_made(w)["post"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"day": "2026-01-01", "starts": "20:00", "ends": "08:00",
                        "repeat_days": "1"},
    ),
    Endpoint("duty:shift", "GET", lambda w: [_made(w)["shift"]], Perm.VIEW_DUTY, _community),
    Endpoint(
        "duty:shift", "POST", lambda w: [_made(w)["shift"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"action": "assign", "person": _made(w)["other"]},
    ),
    Endpoint(
        "duty:shift", "POST", lambda w: [_made(w)["shift"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"action": "unassign", "assignment": _made(w)["assignment"]},
    ),
    Endpoint(
        "duty:shift", "POST", lambda w: [_made(w)["shift"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"action": "delete"},
    ),
    Endpoint(
        "duty:check", "POST", lambda w: [_made(w)["assignment"], "in"], Perm.RECORD_DUTY,
        _community,
    ),
    Endpoint(
        "duty:check", "POST", lambda w: [_made(w)["assignment"], "out"], Perm.RECORD_DUTY,
        _community,
    ),
    Endpoint("duty:people", "GET", lambda w: [], Perm.VIEW_DUTY),
    Endpoint("duty:person_create", "GET", lambda w: [], Perm.MANAGE_DUTY),
    Endpoint(
        "duty:person_create", "POST", lambda w: [], Perm.MANAGE_DUTY,
        data=lambda w: {"name": "李四", "unit": w.a.community.code, "kind": "staff",
                        "phone": "13800000001"},
    ),
    Endpoint("duty:person", "GET", lambda w: [_made(w)["person"]], Perm.VIEW_DUTY, _community),
    Endpoint(
        "duty:person_edit", "GET", lambda w: [_made(w)["person"]], Perm.MANAGE_DUTY, _community
    ),
    Endpoint(
        "duty:person_edit", "POST", lambda w: [_made(w)["person"]], Perm.MANAGE_DUTY, _community,
        data=lambda w: {"name": "矩阵甲", "kind": "party_member", "skills": ["medical"],
                        "active": "on"},
    ),
    Endpoint(
        "duty:person_phone", "POST", lambda w: [_made(w)["person"]], Perm.RECORD_DUTY, _community
    ),
]  # fmt: skip
