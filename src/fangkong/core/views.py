from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.orgunits import selectors as unit_selectors


def home(request: HttpRequest) -> HttpResponse:
    cards = unit_selectors.home_cards(actor=request.user)
    return render(request, "core/home.html", {"cards": cards, "todo": _todo(request.user)})


def _todo(user: Any) -> dict[str, Any]:
    """What waits for the user's action: counts, each a link to its list."""
    from fangkong.checkpoints import selectors as checkpoints

    # The roadside form first for checkpoint staff; those who run checkpoints reach it
    # from the checkpoint pages.
    todo: dict[str, Any] = {
        "register": has_perm_at(user, Perm.RECORD_PASSAGES, None)
        and not has_perm_at(user, Perm.MANAGE_CHECKPOINTS, None)
    }
    if has_perm_at(user, Perm.RECEIVE_ALERTS, None):
        todo["alerts"] = checkpoints.alerts_for(actor=user).filter(seen_at__isnull=True).count()
    if has_perm_at(user, Perm.RECORD_VISITS, None):
        todo["overdue"] = checkpoints.handoff_list(actor=user, state="overdue").count()
    if has_perm_at(user, Perm.RECORD_FOLLOWUPS, None):
        from fangkong.observation import selectors as observation

        todo["followups"] = observation.followups_counts(actor=user)
    if has_perm_at(user, Perm.RECORD_REFERRALS, None):
        from fangkong.observation import selectors as observation

        todo["referrals"] = observation.referrals_open(actor=user).count()
    return todo


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


# Choosing a language must work on the login page too.
set_language = login_not_required(django_set_language)
