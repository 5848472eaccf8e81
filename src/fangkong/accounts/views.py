"""User management and the audit log, both scoped to the actor's subtree."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts import audit, review, selectors, services
from fangkong.accounts.forms import (
    AssignmentForm,
    AuditFilterForm,
    AuditReviewForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
)
from fangkong.accounts.models import Assignment, User
from fangkong.core.roles import Perm
from fangkong.core.scoping import has_perm_at
from fangkong.core.types import AuthedRequest

PER_PAGE = 50


def _require(request: AuthedRequest, perm: Perm) -> None:
    if not has_perm_at(request.user, perm, None):
        raise PermissionDenied


def _user_or_404(request: AuthedRequest, pk: int) -> User:
    return get_object_or_404(selectors.user_list(actor=request.user), pk=pk)


def user_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    query = request.GET.get("q", "")
    page = Paginator(selectors.user_list(actor=request.user, query=query), PER_PAGE)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page.get_page(request.GET.get("page")), "query": query},
    )


def user_create(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            form.add_error("role", _("You may not give this role at this unit."))
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    user = _user_or_404(request, pk)
    may_manage = services.may_manage(request.user, user)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "may_manage": may_manage,
            "assignment_form": AssignmentForm(actor=request.user) if may_manage else None,
        },
    )


def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    user = _user_or_404(request, pk)
    if not services.may_manage(request.user, user):
        raise PermissionDenied
    # The phone is not put in the form: showing it is a reveal, audited on its own.
    initial = {"full_name": user.full_name, "is_active": user.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            if not data.get("phone"):
                data.pop("phone", None)  # blank keeps the number on file
            services.user_update(actor=request.user, user=user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_edit.html", {"form": form, "subject": user})


def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    user = _user_or_404(request, pk)
    if not services.may_manage(request.user, user):
        raise PermissionDenied
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, _("The new password is set."))
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_password.html", {"form": form, "subject": user})


@require_POST
def assignment_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    user = _user_or_404(request, pk)
    form = AssignmentForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.assignment_add(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not give this role at this unit."))
        else:
            messages.success(request, _("The role was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def assignment_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user, Perm.MANAGE_USERS), pk=pk
    )
    try:
        services.assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@require_POST
def user_reveal_phone(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request, Perm.MANAGE_USERS)
    user = _user_or_404(request, pk)
    phone = services.user_reveal_phone(actor=request.user, user=user)
    return render(request, "accounts/_phone.html", {"phone": phone})


def audit_list(request: AuthedRequest) -> HttpResponse:
    _require(request, Perm.VIEW_AUDIT)
    entries = selectors.audit_list(actor=request.user).select_related("actor")
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["user"]:
            entries = entries.filter(actor_name__icontains=data["user"].strip())
        if data["day"]:
            start = timezone.make_aware(datetime.datetime.combine(data["day"], datetime.time()))
            entries = entries.filter(at__gte=start, at__lt=start + datetime.timedelta(days=1))
    page = Paginator(entries, PER_PAGE)
    return render(
        request,
        "accounts/audit_list.html",
        {"page": page.get_page(request.GET.get("page")), "form": form},
    )


def audit_review(request: AuthedRequest) -> HttpResponse:
    """Who revealed and exported personal data in a period, what stands out marked; as a
    page, or as CSV (itself an export in the log)."""
    _require(request, Perm.VIEW_AUDIT)
    today = timezone.localdate()
    form = AuditReviewForm(
        request.GET or {"start": today - datetime.timedelta(days=6), "end": today}
    )
    result = None
    if form.is_valid():
        entries = selectors.audit_list(actor=request.user)
        result = review.review(entries, form.cleaned_data["start"], form.cleaned_data["end"])
        if request.GET.get("format") == "csv":
            audit.record(
                actor=request.user, action=audit.Action.EXPORT,
                changes={"audit_review": f"{result.start}..{result.end}",
                         "rows": len(result.rows)},
            )  # fmt: skip
            response = HttpResponse(
                "\ufeff" + review.review_csv(result), content_type="text/csv; charset=utf-8"
            )
            name = f"audit-review-{result.start}-{result.end}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(
        request,
        "accounts/audit_review.html",
        {"form": form, "result": result, "limit": review.DAILY_REVEALS},
    )
