"""Permission-matrix rows for isolation sites and rooms.

Reading a site takes MANAGE_SITES or MANAGE_OBSERVATION (views_sites._require_reader);
a row names one permission, and every role that holds MANAGE_SITES also holds
MANAGE_OBSERVATION (test_sites pins that), so the readers' rows name MANAGE_OBSERVATION.
The site is run by the community: nobody below it manages observation, so the units
above it that ``sites_serving`` also opens a site to add no one to these rows.
"""

from __future__ import annotations

from fangkong.core.roles import Perm
from fangkong.core.testing import Endpoint, World

NAME = "翰林宾馆"


def _site(w: World):  # type: ignore[no-untyped-def]
    from fangkong.observation.models import Site
    from fangkong.observation.tests.helpers import site

    found = Site.objects.filter(unit=w.a.community, name=NAME).first()
    return found or site(w, NAME, rooms="101-102", unit=w.a.community)


def _room(w: World) -> int:
    return int(_site(w).rooms.get(number="101").pk)


def _community(w: World) -> str:
    return w.a.community.path


ENDPOINTS = [
    Endpoint("observation:sites", "GET", lambda w: [], Perm.MANAGE_OBSERVATION),
    Endpoint("observation:site_create", "GET", lambda w: [], Perm.MANAGE_SITES),
    Endpoint(
        "observation:site", "GET", lambda w: [_site(w).pk], Perm.MANAGE_OBSERVATION, _community
    ),
    Endpoint(
        "observation:site_edit", "GET", lambda w: [_site(w).pk], Perm.MANAGE_SITES, _community
    ),
    Endpoint(
        "observation:rooms_add",
        "POST",
        lambda w: [_site(w).pk],
        Perm.MANAGE_SITES,
        _community,
        data=lambda w: {"numbers": "201-202", "beds": 2},
    ),
    Endpoint("observation:room_edit", "GET", lambda w: [_room(w)], Perm.MANAGE_SITES, _community),
]
