"""Permission-matrix rows for the HQ's bulletin pages; the public pages need no login."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World

PUBLIC = {
    "bulletin:index",
    "bulletin:latest",
    "bulletin:history",
    "bulletin:detail",
    "bulletin:pdf",
    "bulletin:png",
}


def _day(n: int) -> str:
    return (timezone.localdate() - timedelta(days=n)).isoformat()


def _draft(w: World) -> int:
    """District a's draft of yesterday."""
    from datetime import date

    from fangkong.bulletin import services
    from fangkong.bulletin.models import Bulletin

    day = date.fromisoformat(_day(1))
    found = Bulletin.objects.filter(unit=w.a.district, day=day).first()
    if found is None:
        found = services.bulletin_generate(
            actor=w.a.commander, unit=w.a.district, day=day, language="zh-hans"
        )
    return found.pk


def _published(w: World) -> int:
    """District a's bulletin of the day before yesterday, published."""
    from datetime import date

    from fangkong.bulletin import services
    from fangkong.bulletin.models import Bulletin

    day = date.fromisoformat(_day(2))
    found = Bulletin.objects.filter(unit=w.a.district, day=day).first()
    if found is None:
        found = services.bulletin_generate(
            actor=w.a.commander, unit=w.a.district, day=day, language="zh-hans"
        )
        found = services.bulletin_publish(actor=w.a.commander, bulletin=found)
    return found.pk


def _district(w: World) -> str:
    return w.a.district.path


P = Perm.PUBLISH_BULLETIN

ENDPOINTS = [
    Endpoint("bulletin:manage", "GET", lambda w: [], P),
    Endpoint("bulletin:new", "GET", lambda w: [w.a.district.pk], P, _district),
    Endpoint(
        "bulletin:new", "POST", lambda w: [w.a.district.pk], P, _district,
        data=lambda w: {"day": _day(1), "language": "zh-hans"},
    ),
    Endpoint("bulletin:edit", "GET", lambda w: [_draft(w)], P, _district),
    Endpoint(
        "bulletin:edit", "POST", lambda w: [_draft(w)], P, _district,
        data=lambda w: {"title": "历下区疫情通报", "text": "修改后的通报。"},
    ),
    Endpoint("bulletin:regenerate", "POST", lambda w: [_draft(w)], P, _district),
    Endpoint("bulletin:publish", "POST", lambda w: [_draft(w)], P, _district),
    Endpoint("bulletin:correct", "GET", lambda w: [_published(w)], P, _district),
    Endpoint(
        "bulletin:correct", "POST", lambda w: [_published(w)], P, _district,
        data=lambda w: {"reason": "核减重复病例", "title": "历下区疫情通报（更正）",
                        "text": "更正后的通报。"},
    ),
    Endpoint("bulletin:preview", "GET", lambda w: [_draft(w), "pdf"], P, _district),
    Endpoint("bulletin:preview", "GET", lambda w: [_published(w), "png"], P, _district),
]  # fmt: skip
