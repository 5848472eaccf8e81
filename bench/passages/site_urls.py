"""fangkong's URLs and the baseline: a bare JSON endpoint that inserts one row."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
@login_not_required
def bare(request: HttpRequest) -> JsonResponse:
    payload = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (body) VALUES (%s)", [payload.get("note", "")])
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare", bare), path("", include("fangkong.urls"))]
