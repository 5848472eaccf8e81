"""Scoped reads for duty: posts, the register of people, a day's coverage of a post or a
unit's subtree, the roster, what is wrong now (gaps, double bookings, no-shows), and the
counts the command dashboard and the daily report take from here (``alert_counts``,
``volunteers_on_duty``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from fangkong.core.paths import subtree_q
from fangkong.core.roles import Perm
from fangkong.duty.coverage import PostDay, Span, cells, day_bounds, staffed
from fangkong.duty.models import (
    HOURS,
    NO_SHOW_AFTER,
    VOLUNTEER_KINDS,
    DutyAssignment,
    DutyPerson,
    Post,
    Shift,
    staffing_list,
)
from fangkong.orgunits.models import OrgUnit


def posts(*, actor: Any, perm: Perm = Perm.VIEW_DUTY) -> QuerySet[Post]:
    return Post.objects.visible_to(actor, perm).select_related("unit", "checkpoint")


def people(*, actor: Any, perm: Perm = Perm.VIEW_DUTY) -> QuerySet[DutyPerson]:
    return DutyPerson.objects.visible_to(actor, perm).select_related("unit")


def shifts(*, actor: Any, perm: Perm = Perm.VIEW_DUTY) -> QuerySet[Shift]:
    return Shift.objects.visible_to(actor, perm).select_related("post__unit")


def assignments(*, actor: Any, perm: Perm = Perm.VIEW_DUTY) -> QuerySet[DutyAssignment]:
    return DutyAssignment.objects.visible_to(actor, perm).select_related(
        "person", "post__unit", "shift"
    )


def clash_q() -> Exists:
    """The assignment's person is on another assignment at an overlapping time, anywhere."""
    return Exists(
        DutyAssignment.objects.filter(
            person=OuterRef("person"),
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
        ).exclude(pk=OuterRef("pk"))
    )


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _spans(rows: QuerySet[DutyAssignment], start: datetime, end: datetime) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = defaultdict(list)
    for post, person, s, e, clash in (
        rows.filter(starts_at__lt=end, ends_at__gt=start)
        .annotate(clash=clash_q())
        .values_list("post_id", "person_id", "starts_at", "ends_at", "clash")
        .order_by()
    ):
        found[post].append(Span(post, person, s, e, clash))
    return found


def coverage(post_rows: list[Post], day: date) -> list[PostDay]:
    """Each post's 24 hours of ``day``: needed, staffed, gaps, double bookings. Two queries
    however many posts (the posts are given)."""
    bounds = day_bounds(day)
    ids = [p.pk for p in post_rows]
    spans = _spans(DutyAssignment.objects.filter(post__in=ids), bounds[0], bounds[-1])
    return [PostDay(p, cells(p.needed, spans.get(p.pk, []), bounds)) for p in post_rows]


def unit_posts(unit: OrgUnit, *, active_only: bool = True) -> QuerySet[Post]:
    rows = Post.objects.in_subtree(unit.path).select_related("unit", "checkpoint")
    return rows.filter(active=True) if active_only else rows


@dataclass
class Overview:
    unit: OrgUnit
    day: date
    rows: list[PostDay]

    @property
    def gap_hours(self) -> int:
        return sum(r.gap_hours for r in self.rows)

    @property
    def missing(self) -> int:
        return sum(r.missing for r in self.rows)

    @property
    def posts_short(self) -> int:
        return sum(1 for r in self.rows if r.gap_hours)

    @property
    def clashes(self) -> int:
        return sum(1 for r in self.rows if r.clashes)


def overview(unit: OrgUnit, day: date) -> Overview:
    """The coverage of every post in service in the unit's subtree on ``day``, the posts
    with gaps first."""
    rows = coverage(list(unit_posts(unit)), day)
    rows.sort(key=lambda r: (-r.missing, r.post.org_path, r.post.name))  # type: ignore[attr-defined]
    return Overview(unit, day, rows)


def day_shifts(post: Post, day: date) -> list[Shift]:
    """The post's shifts that touch ``day``, each with its people (and whether each is
    double-booked)."""
    start = day_start(day)
    end = day_start(day + timedelta(days=1))
    people_on = DutyAssignment.objects.select_related("person").annotate(clash=clash_q())
    return list(
        Shift.objects.filter(post=post, starts_at__lt=end, ends_at__gt=start)
        .prefetch_related(Prefetch("assignments", queryset=people_on.order_by("person__name")))
        .order_by("starts_at", "id")
    )


def shift_people(shift: Shift) -> list[DutyAssignment]:
    return list(
        shift.assignments.select_related("person__unit", "checked_in_by", "checked_out_by")
        .annotate(clash=clash_q())
        .order_by("person__name", "id")
    )


def clashes_of(
    person: DutyPerson, starts_at: datetime, ends_at: datetime, *, exclude: int | None = None
) -> list[DutyAssignment]:
    """The person's assignments that overlap ``[starts_at, ends_at)``, anywhere."""
    rows = DutyAssignment.objects.filter(
        person=person, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).select_related("post")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows.order_by("starts_at"))


# --- what is wrong now ---------------------------------------------------------------


def _hour_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(minute=0, second=0, microsecond=0)


@dataclass
class Alerts:
    short_now: list[tuple[Post, int, int]] = field(default_factory=list)  # post, needed, staffed
    clashes: list[DutyAssignment] = field(default_factory=list)
    no_shows: list[DutyAssignment] = field(default_factory=list)


def alerts(*, actor: Any, now: datetime | None = None) -> Alerts:
    """For the alerts page, in the actor's scope: the posts short this hour, the
    double-booked assignments still to come (each with its other one), and today's
    no-shows."""
    now = now or timezone.now()
    hour = _hour_start(now)
    found = Alerts()
    post_rows = list(posts(actor=actor).filter(active=True))
    spans = _spans(DutyAssignment.objects.filter(post__in=[p.pk for p in post_rows]), hour,
                   hour + timedelta(hours=1))  # fmt: skip
    for p in post_rows:
        have = staffed(spans.get(p.pk, []), hour, hour + timedelta(hours=1))
        if have < p.needed[hour.hour]:
            found.short_now.append((p, p.needed[hour.hour], have))
    found.clashes = list(
        assignments(actor=actor).filter(ends_at__gt=now).filter(clash_q())
        .order_by("person__name", "starts_at")[:200]
    )  # fmt: skip
    today = day_start(timezone.localdate(now))
    found.no_shows = list(
        assignments(actor=actor)
        .filter(
            starts_at__gte=today, starts_at__lte=now - NO_SHOW_AFTER, checked_in_at__isnull=True
        )
        .order_by("starts_at")[:200]
    )
    return found


def alert_counts(unit: OrgUnit, now: datetime | None = None) -> dict[str, int]:
    """For the command dashboard, in the unit's subtree:

    - ``gaps_now``: posts in service short of people in the current hour;
    - ``gap_hours_next_24h``: person-hours missing over the next 24 hours (from the start
      of the current hour), summed over the posts;
    - ``double_bookings``: people on two overlapping shifts that have not ended;
    - ``no_shows``: today's assignments that started more than 30 minutes ago with nobody
      checked in.

    Three index-backed queries (posts by path; assignments by path and start; the
    double bookings' count), whatever the number of posts.
    """
    now = now or timezone.now()
    hour = _hour_start(now)
    end = hour + timedelta(hours=HOURS)
    today = day_start(timezone.localdate(now))
    needed = {
        pk: staffing_list(text)
        for pk, text in Post.objects.filter(subtree_q("org_path", unit.path), active=True)
        .values_list("pk", "staffing")
        .order_by()
    }
    inside = DutyAssignment.objects.filter(subtree_q("org_path", unit.path))
    spans: dict[int, list[Span]] = defaultdict(list)
    no_shows = 0
    late_line = now - NO_SHOW_AFTER
    for post, person, s, e, checked in (
        inside.filter(starts_at__lt=end, ends_at__gt=min(today, hour))
        .values_list("post_id", "person_id", "starts_at", "ends_at", "checked_in_at")
        .order_by()
    ):
        if e > hour:
            spans[post].append(Span(post, person, s, e))
        if checked is None and today <= s <= late_line:
            no_shows += 1
    bounds = [hour + timedelta(hours=i) for i in range(HOURS + 1)]
    gaps_now = missing = 0
    for post, need in needed.items():
        row = cells(need, spans.get(post, []), bounds)
        gaps_now += row[0].gap
        missing += sum(c.missing for c in row)
    clashes = (
        inside.filter(ends_at__gt=now)
        .filter(clash_q())
        .aggregate(n=Count("person", distinct=True))["n"]
    )
    return {
        "gaps_now": gaps_now,
        "gap_hours_next_24h": missing,
        "double_bookings": clashes,
        "no_shows": no_shows,
    }


def volunteers_on_duty(path: str, day: date) -> int:
    """Distinct volunteers (and party members, who stand posts as volunteers; staff do
    not count) checked in on ``day`` at a post in the subtree at ``path``: the daily
    report's 志愿者在岗人数."""
    return (
        DutyAssignment.objects.filter(
            subtree_q("org_path", path),
            person__kind__in=VOLUNTEER_KINDS,
            checked_in_at__gte=day_start(day),
            checked_in_at__lt=day_start(day + timedelta(days=1)),
        )
        .values("person")
        .distinct()
        .count()
    )


# --- the roster ----------------------------------------------------------------------


@dataclass
class RosterDay:
    day: date
    shifts: list[Shift]
    cover: PostDay


@dataclass
class RosterPost:
    post: Post
    days: list[RosterDay]


def roster(unit: OrgUnit, first: date, days: int) -> list[RosterPost]:
    """Per post in service in the subtree, per day: the shifts with their people, and the
    day's gaps. A handful of queries for a week of a district."""
    post_rows = list(unit_posts(unit))
    start, end = day_start(first), day_start(first + timedelta(days=days))
    people_on = DutyAssignment.objects.select_related("person").order_by("person__name")
    by_post: dict[int, list[Shift]] = defaultdict(list)
    for s in (
        Shift.objects.filter(post__in=[p.pk for p in post_rows], starts_at__lt=end,
                             ends_at__gt=start)
        .prefetch_related(Prefetch("assignments", queryset=people_on))
        .order_by("starts_at", "id")
    ):  # fmt: skip
        by_post[s.post_id].append(s)
    spans = _spans(DutyAssignment.objects.filter(post__in=[p.pk for p in post_rows]), start, end)
    out = []
    for p in post_rows:
        row = []
        for n in range(days):
            day = first + timedelta(days=n)
            bounds = day_bounds(day)
            # Listed on the day they start (a night shift once), counted on every day.
            on_day = [s for s in by_post[p.pk] if bounds[0] <= s.starts_at < bounds[-1]]
            row.append(RosterDay(day, on_day, PostDay(p, cells(p.needed, spans.get(p.pk, []),
                                                                bounds))))  # fmt: skip
        out.append(RosterPost(p, row))
    return out


def my_assignments(*, user: Any, now: datetime | None = None) -> list[DutyAssignment]:
    """The user's own assignments (through their entry on the register) from yesterday
    on: what they check in and out of."""
    now = now or timezone.now()
    return list(
        DutyAssignment.objects.filter(person__user=user, ends_at__gt=now - timedelta(hours=12))
        .select_related("post__unit", "person")
        .order_by("starts_at")[:50]
    )


def person_assignments(person: DutyPerson, now: datetime | None = None) -> list[DutyAssignment]:
    now = now or timezone.now()
    return list(
        person.assignments.filter(ends_at__gt=now - timedelta(days=7))
        .select_related("post__unit")
        .annotate(clash=clash_q())
        .order_by("starts_at")[:60]
    )


def post_counts(post_rows: list[Post]) -> dict[int, int]:
    """Upcoming shifts per post."""
    now = timezone.now()
    return dict(
        Shift.objects.filter(post__in=[p.pk for p in post_rows], ends_at__gt=now)
        .values_list("post")
        .annotate(n=Count("id"))
        .order_by()
    )


def people_search(rows: QuerySet[DutyPerson], query: str, kind: str) -> QuerySet[DutyPerson]:
    if kind:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(skills__icontains=query))
    return rows
