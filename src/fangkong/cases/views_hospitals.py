"""Designated hospitals and fever clinics, with their beds and current admissions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fangkong.cases import selectors, services
from fangkong.cases.forms import HospitalForm
from fangkong.core.forms import errors_to
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest


def hospital_list(request: AuthedRequest) -> HttpResponse:
    if not has_perm_at(request.user, Perm.VIEW_PEOPLE, None):
        raise PermissionDenied
    rows = selectors.hospital_list(actor=request.user).annotate(
        inpatients=Count("admissions", filter=Q(admissions__discharged_at__isnull=True))
    )
    return render(
        request,
        "cases/hospital_list.html",
        {"rows": rows, "may_add": has_perm_at(request.user, Perm.MANAGE_CASES, None)},
    )


def hospital_create(request: AuthedRequest) -> HttpResponse:
    if not has_perm_at(request.user, Perm.MANAGE_CASES, None):
        raise PermissionDenied
    form = HospitalForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            hospital = services.hospital_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to(form, error)
        else:
            messages.success(request, _("The hospital was added."))
            return redirect("cases:hospital", hospital.pk)
    return render(request, "cases/hospital_form.html", {"form": form})


def hospital_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if not has_perm_at(request.user, Perm.VIEW_PEOPLE, None):
        raise PermissionDenied
    hospital = get_object_or_404(selectors.hospital_list(actor=request.user), pk=pk)
    admissions = (
        hospital.admissions.filter(case__in=selectors.case_list(actor=request.user).values("pk"))
        .select_related("case__person")
        .order_by("discharged_at", "-admitted_at")[:200]
    )
    inpatients = hospital.admissions.filter(discharged_at__isnull=True).count()
    return render(
        request,
        "cases/hospital_detail.html",
        {"hospital": hospital, "admissions": admissions, "inpatients": inpatients},
    )
