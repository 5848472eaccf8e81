"""The audit review: who revealed and exported personal data in a period, with what stands
out marked for a second look (many reveals in a day, reveals at night, full-number exports).

One grouped query over the audit log (indexed by time), scoped like the log itself.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.models import AuditEntry

Action = AuditEntry.Action
# Reveals by one user in one day above this are marked (a grid worker checking the day's
# visits reveals a handful; hundreds look like harvesting).
DAILY_REVEALS = getattr(settings, "FANGKONG_AUDIT_DAILY_REVEALS", 50)
NIGHT = (22, 6)  # reveals from 22:00 to 06:00 local time are marked


@dataclass
class ReviewRow:
    actor_name: str
    reveals: int = 0
    exports: int = 0
    records: int = 0  # distinct records revealed
    night: int = 0
    busiest_day: date | None = None
    busiest: int = 0
    full_exports: int = 0
    first: datetime | None = None
    last: datetime | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


@dataclass
class Review:
    start: date
    end: date  # inclusive
    rows: list[ReviewRow]

    @property
    def flagged(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.flagged]

    @property
    def reveals(self) -> int:
        return sum(r.reveals for r in self.rows)

    @property
    def exports(self) -> int:
        return sum(r.exports for r in self.rows)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    first = timezone.make_aware(datetime.combine(start, time.min))
    return first, timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))


def review(entries: QuerySet[AuditEntry], start: date, end: date) -> Review:
    """The reveals and exports of ``entries`` (already scoped) from ``start`` to ``end``."""
    lo, hi = _bounds(start, end)
    here = timezone.get_current_timezone()
    rows = entries.filter(at__gte=lo, at__lt=hi, action__in=[Action.REVEAL, Action.EXPORT])
    night = Q(action=Action.REVEAL) & (Q(hour__gte=NIGHT[0]) | Q(hour__lt=NIGHT[1]))
    per_day = (
        rows.annotate(day=TruncDate("at", tzinfo=here), hour=ExtractHour("at", tzinfo=here))
        .values("actor_name", "day")
        .annotate(
            reveals=Count("id", filter=Q(action=Action.REVEAL)),
            exports=Count("id", filter=Q(action=Action.EXPORT)),
            full=Count("id", filter=Q(action=Action.EXPORT, changes__full_numbers=True)),
            night=Count("id", filter=night),
            first=Min("at"),
            last=Max("at"),
        )
        .order_by()
    )
    found: dict[str, ReviewRow] = {}
    for d in per_day:
        row = found.setdefault(d["actor_name"], ReviewRow(d["actor_name"]))
        row.reveals += d["reveals"]
        row.exports += d["exports"]
        row.full_exports += d["full"]
        row.night += d["night"]
        if d["reveals"] > row.busiest:
            row.busiest, row.busiest_day = d["reveals"], d["day"]
        row.first = min(filter(None, [row.first, d["first"]]))
        row.last = max(filter(None, [row.last, d["last"]]))
    distinct = (
        rows.filter(action=Action.REVEAL)
        .values("actor_name")
        .annotate(n=Count("target_id", distinct=True))
        .order_by()
    )
    for d in distinct:
        found[d["actor_name"]].records = d["n"]
    for row in found.values():
        if row.busiest > DAILY_REVEALS:
            row.reasons.append(
                _("%(n)d reveals on %(day)s (more than %(limit)d a day)")
                % {"n": row.busiest, "day": row.busiest_day, "limit": DAILY_REVEALS}
            )
        if row.night:
            row.reasons.append(_("%(n)d reveals at night (22:00–06:00)") % {"n": row.night})
        if row.full_exports:
            row.reasons.append(_("%(n)d exports with full numbers") % {"n": row.full_exports})
    ordered = sorted(found.values(), key=lambda r: (not r.flagged, -r.reveals, r.actor_name))
    return Review(start, end, ordered)


def review_csv(result: Review) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("User"), _("Reveals"), _("Records revealed"), _("At night"),
                     _("Exports"), _("First"), _("Last"), _("Why it is marked")])  # fmt: skip
    for r in result.rows:
        writer.writerow([
            r.actor_name, r.reveals, r.records, r.night, r.exports,
            timezone.localtime(r.first).isoformat(timespec="minutes") if r.first else "",
            timezone.localtime(r.last).isoformat(timespec="minutes") if r.last else "",
            "; ".join(r.reasons),
        ])  # fmt: skip
    return out.getvalue()
