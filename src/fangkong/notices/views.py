"""The inbox (one's own notices only) and the button that reminds overdue daily reports."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fangkong.core.types import AuthedRequest
from fangkong.notices import reminders, selectors, services
from fangkong.orgunits import selectors as unit_selectors

PAGE_SIZE = 30


def inbox(request: AuthedRequest) -> HttpResponse:
    notices = selectors.inbox(actor=request.user).select_related("sender")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page})


@require_POST
def notice_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go where it leads (back to the inbox if nowhere)."""
    notice = get_object_or_404(selectors.inbox(actor=request.user), pk=pk)
    services.notice_read(actor=request.user, notice=notice)
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.link)
    return redirect("notices:inbox")


@require_POST
def notices_read_all(request: AuthedRequest) -> HttpResponse:
    count = services.notices_read_all(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notice marked read.", "%(count)d notices marked read.", count)
            % {"count": count},
        )
    return redirect("notices:inbox")


@require_POST
def remind_reports(request: AuthedRequest, unit: int, day: str) -> HttpResponse:
    """Remind the units of ``unit``'s subtree whose report of ``day`` is overdue; back to
    the completeness page."""
    target = unit_selectors.figures_unit(actor=request.user, pk=unit)
    try:
        reported = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if not reminders.may_remind(request.user, target):
        raise PermissionDenied
    count = reminders.remind_missing_reports(actor=request.user, unit=target, day=reported)
    if count:
        messages.success(
            request,
            ngettext("%(count)d person reminded.", "%(count)d people reminded.", count)
            % {"count": count},
        )
    else:
        messages.info(
            request,
            _("No one reminded: the overdue units were reminded in the last %(minutes)d minutes, "
              "have reported since, or have no one to answer for them.")
            % {"minutes": int(reminders.cooldown().total_seconds()) // 60},
        )  # fmt: skip
    back = reverse("reports:completeness_unit", args=[target.pk])
    return redirect(f"{back}?day={reported.isoformat()}")
