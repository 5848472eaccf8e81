"""The public self-declaration pages: no login, and nothing personal ever shown back."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from fangkong.core.middleware import current_ip
from fangkong.orgunits.models import OrgUnit
from fangkong.people import divisions
from fangkong.screening import declarations
from fangkong.screening.forms_declarations import DeclarationForm


def _community(code: str) -> OrgUnit:
    return get_object_or_404(
        OrgUnit.objects.filter(level__in=declarations.DECLARING_LEVELS), code=code
    )


@login_not_required
@never_cache
def declare(request: HttpRequest, code: str) -> HttpResponse:
    community = _community(code)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            # Answer as if accepted; store nothing.
            return render(
                request, "public/declare_done.html", {"community": community, "reference": ""}
            )
        if form.is_valid():
            try:
                declaration = declarations.declaration_submit(
                    unit=community, payload=form.payload(), ip=current_ip.get()
                )
            except declarations.RateLimited:
                return render(
                    request, "public/declare_limited.html", {"community": community}, status=429
                )
            return render(
                request,
                "public/declare_done.html",
                {"community": community, "reference": declaration.reference},
            )
    return render(request, "public/declare_form.html", {"community": community, "form": form})


@login_not_required
def divisions_lookup(request: HttpRequest) -> HttpResponse:
    """Place names for the origin field: public knowledge, no personal data."""
    found = divisions.search(request.GET.get("origin", ""), limit=12)
    options = [(divisions.full_name(d.code), "") for d in found]
    return render(request, "people/_division_options.html", {"options": options})
