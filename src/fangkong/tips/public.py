"""The public side of tips: the form anyone may send, and the look-up by receipt code.

Both are counted per client address in the database (a keyed hash of the address, never
the address) so that every server worker sees the same counts. The look-up answers with
the state, the dates and the reply written for the reporter; never a unit below the
district, a name, a phone or an internal note. An unknown code and a malformed one get
the same answer after the same work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fangkong.core.crypto import blind_index
from fangkong.orgunits.models import OrgUnit
from fangkong.tips import services
from fangkong.tips.models import PublicHit, State, Tip

Kind = PublicHit.Kind

# (hits, window) per client address and for the whole site. A person sends a tip or two
# and checks a few times; a script trying codes or flooding the form is refused early.
PER_CLIENT: dict[str, tuple[int, timedelta]] = {
    Kind.SUBMIT: (5, timedelta(minutes=10)),
    Kind.CHECK: (10, timedelta(minutes=10)),
}
PER_SITE: dict[str, tuple[int, timedelta]] = {
    Kind.SUBMIT: (60, timedelta(minutes=1)),
    Kind.CHECK: (600, timedelta(minutes=1)),
}
LONGEST = max(window for _n, window in [*PER_CLIENT.values(), *PER_SITE.values()])

# What the reporter is told of each state: nothing about who holds the tip.
PUBLIC_STATES: dict[str, Promise] = {
    State.NEW: _("Received, waiting to be passed on"),
    State.TRIAGED: _("Passed to the responsible office"),
    State.IN_PROGRESS: _("Being handled"),
    State.RESOLVED: _("Handled"),
    State.REJECTED: _("Not taken up"),
}


class RateLimited(Exception):
    pass


def hotline() -> str:
    """The number the public pages give for urgent matters (12320 unless configured)."""
    return str(getattr(settings, "FANGKONG_HOTLINE", "") or "12320")


def client_key(ip: str | None) -> str:
    return blind_index(f"tips-client:{ip or 'unknown'}")


def check_rate(kind: str, ip: str | None, now: datetime | None = None) -> None:
    """Count one use of ``kind`` from this address; refuse above the limits. Rows older
    than the longest window are dropped as new ones come."""
    now = now or timezone.now()
    client = client_key(ip)
    mine_max, mine_window = PER_CLIENT[kind]
    site_max, site_window = PER_SITE[kind]
    with transaction.atomic():
        PublicHit.objects.filter(at__lt=now - LONGEST).delete()
        hits = PublicHit.objects.filter(kind=kind)
        mine = hits.filter(client=client, at__gte=now - mine_window).count()
        everyone = hits.filter(at__gte=now - site_window).count()
        if mine >= mine_max or everyone >= site_max:
            raise RateLimited
        PublicHit.objects.create(client=client, kind=kind, at=now)


def districts() -> QuerySet[OrgUnit]:
    """The units a public tip can be sent to: the top of each tree."""
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path")


def submit(*, district: OrgUnit, report: services.Report, ip: str | None) -> Tip:
    check_rate(Kind.SUBMIT, ip)
    return services.tip_submit(district=district, report=report)


@dataclass(frozen=True)
class PublicAnswer:
    """All that the look-up page may say about a tip."""

    state: str
    received_on: date
    closed_on: date | None
    reply: str


def look_up(*, code: str, ip: str | None) -> PublicAnswer | None:
    check_rate(Kind.CHECK, ip)
    wanted = services.normalize_code(code)
    # One query whatever was typed ("" matches no tip): a malformed code costs what an
    # unknown one does. Only these columns are read: no contact is even decrypted.
    row = (
        Tip.objects.filter(code=wanted)
        .values("state", "received_at", "closed_at", "public_reply")
        .first()
    )
    if row is None:
        return None
    closed = row["closed_at"]
    return PublicAnswer(
        state=str(PUBLIC_STATES[row["state"]]),
        received_on=timezone.localtime(row["received_at"]).date(),
        closed_on=timezone.localtime(closed).date() if closed else None,
        reply=row["public_reply"] if row["state"] == State.RESOLVED else "",
    )
