"""The public tip pages: no login, and nothing about the system or anyone shown back."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from fangkong.core.forms import errors_to
from fangkong.core.middleware import current_ip
from fangkong.tips import public, services
from fangkong.tips.forms import CheckForm, PublicTipForm
from fangkong.tips.public import hotline


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "public/tip_limited.html", {"hotline": hotline()}, status=429)


@login_not_required
@never_cache
def tip_form(request: HttpRequest) -> HttpResponse:
    form = PublicTipForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            # Answer as if received, with a code that opens nothing; store nothing.
            code = services.format_code(services.new_code())
            return render(request, "public/tip_done.html", {"code": code})
        if form.is_valid():
            try:
                tip = public.submit(
                    district=form.cleaned_data["district"], report=form.report(),
                    ip=current_ip.get(),
                )  # fmt: skip
            except public.RateLimited:
                return _limited(request)
            except ValidationError as error:
                errors_to(form, error)
            else:
                code = services.format_code(tip.code)
                return render(request, "public/tip_done.html", {"code": code})
    return render(request, "public/tip_form.html", {"form": form, "hotline": hotline()})


@login_not_required
@never_cache
def tip_check(request: HttpRequest) -> HttpResponse:
    """The state of a tip, for whoever holds its receipt code."""
    form = CheckForm(request.POST or None)
    context: dict[str, object] = {"form": form, "hotline": hotline()}
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            context["answer"] = None
        else:
            try:
                context["answer"] = public.look_up(
                    code=form.cleaned_data["code"], ip=current_ip.get()
                )
            except public.RateLimited:
                return _limited(request)
        context["asked"] = True
    return render(request, "public/tip_check.html", context)
