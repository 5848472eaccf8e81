from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from fangkong.orgunits import selectors as unit_selectors


def home(request: HttpRequest) -> HttpResponse:
    cards = unit_selectors.home_cards(actor=request.user)
    return render(request, "core/home.html", {"cards": cards})


@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


# Choosing a language must work on the login page too.
set_language = login_not_required(django_set_language)
