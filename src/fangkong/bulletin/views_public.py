"""The public bulletin pages: no login, published bulletins only, counts only.

Each page is two or three small queries and carries an ETag made from what it shows (not
from its bytes: the language form's CSRF token differs on every render), so that a reader
who comes back gets a 304. The PDF and the image are rendered once per revision and kept
in the cache; they name no reader and are the same for everyone (``public``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control

from fangkong.bulletin import selectors
from fangkong.bulletin import text as bulletin_text
from fangkong.bulletin.figures import HEADLINE, LABELS
from fangkong.bulletin.image import bulletin_png
from fangkong.bulletin.models import Bulletin
from fangkong.bulletin.pdf import bulletin_pdf

PAGE_MAX_AGE = 300
FILE_MAX_AGE = 3600
FILE_CACHE_SECONDS = 7 * 24 * 3600
CHARTED = ("new_confirmed", "confirmed_total")


def _etag(*parts: object) -> str:
    digest = hashlib.sha256(repr((translation.get_language(), *parts)).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _cached_page(
    request: HttpRequest, etag: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    response = get_conditional_response(request, etag=etag) or build()
    response["ETag"] = etag
    patch_cache_control(response, max_age=PAGE_MAX_AGE)
    return response


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


def _version(bulletin: Bulletin) -> tuple[object, ...]:
    return (bulletin.pk, bulletin.revision, bulletin.approved_at)


def _page(request: HttpRequest, bulletin: Bulletin | None) -> HttpResponse:
    if bulletin is None:
        raise Http404
    series = selectors.series(bulletin)
    corrections = list(
        bulletin.revisions.order_by("number").values("number", "corrected_at", "reason")
        if bulletin.revision > 1
        else []
    )
    etag = _etag("page", _version(bulletin), series, corrections)

    def build() -> HttpResponse:
        reader = translation.get_language()
        other = reader != bulletin.language
        return render(
            request,
            "bulletin/public_page.html",
            {
                "bulletin": bulletin,
                "heading": bulletin_text.title(bulletin.unit.name, bulletin.day)
                if other
                else bulletin.title,
                "paragraphs": bulletin.text.split("\n\n"),
                "translated": bulletin_text.paragraphs(bulletin.day, bulletin.figures)
                if other
                else [],
                "cards": bulletin_text.figure_rows(bulletin.figures, HEADLINE),
                "rows": bulletin_text.figure_rows(bulletin.figures),
                "series": series.as_json(),
                "points": list(
                    zip(series.days, series.new_confirmed, series.confirmed_total, strict=True)
                ),
                "chart_labels": {key: str(LABELS[key]) for key in CHARTED},
                "corrections": corrections,
            },
        )

    return _cached_page(request, etag, build)


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    """The latest bulletin where one district publishes; a choice where several do."""
    districts = selectors.publishing_districts()
    if len(districts) == 1:
        return _page(request, selectors.published_bulletin(districts[0].code))
    etag = _etag("index", [(d.pk, d.code, d.name) for d in districts])
    return _cached_page(
        request,
        etag,
        lambda: render(request, "bulletin/public_index.html", {"districts": districts}),
    )


@login_not_required
def latest(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, selectors.published_bulletin(code))


@login_not_required
def detail(request: HttpRequest, code: str, day: str) -> HttpResponse:
    return _page(request, selectors.published_bulletin(code, _day(day)))


@login_not_required
def history(request: HttpRequest, code: str) -> HttpResponse:
    district = selectors.published_district(code)
    if district is None:
        raise Http404
    rows = (
        selectors.published()
        .filter(unit=district)
        .order_by("-day")
        .only("day", "title", "figures", "revision")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    etag = _etag("history", district.pk, page.number, [(b.pk, b.revision, b.title) for b in page])
    return _cached_page(
        request,
        etag,
        lambda: render(
            request, "bulletin/public_history.html", {"district": district, "page": page}
        ),
    )


def _download(
    request: HttpRequest, code: str, day: str, kind: str, draw: Callable[[Bulletin], bytes]
) -> HttpResponse:
    bulletin = selectors.published_bulletin(code, _day(day))
    if bulletin is None:
        raise Http404
    stamp = bulletin.approved_at.timestamp() if bulletin.approved_at else 0
    etag = f'"{kind}-{bulletin.pk}-{bulletin.revision}-{stamp:.6f}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        key = f"bulletin:{kind}:{etag.strip(chr(34))}"
        content = cache.get(key)
        if content is None:
            content = draw(bulletin)
            cache.set(key, content, FILE_CACHE_SECONDS)
        content_type = "application/pdf" if kind == "pdf" else "image/png"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'inline; filename="bulletin-{bulletin.unit.code}-{bulletin.day.isoformat()}.{kind}"'
        )
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


@login_not_required
def pdf(request: HttpRequest, code: str, day: str) -> HttpResponse:
    return _download(request, code, day, "pdf", bulletin_pdf)


@login_not_required
def png(request: HttpRequest, code: str, day: str) -> HttpResponse:
    return _download(request, code, day, "png", bulletin_png)
