from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fangkong.accounts import audit, throttle
from fangkong.accounts.models import User
from fangkong.core.middleware import current_ip
from fangkong.core.roles import Perm, Role
from fangkong.core.scoping import perms_at, scope_roots
from fangkong.orgunits.widgets import UnitField, limit_units


class LoginForm(AuthenticationForm):
    """Django's login form, refusing while the name or address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is wrong."),
        "inactive": _("This account is disabled."),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if username and password:
            until = throttle.locked_until(username=username, ip=current_ip.get())
            if until is not None:
                minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
                raise forms.ValidationError(
                    ngettext(
                        "Too many failed attempts. Try again in %(minutes)d minute.",
                        "Too many failed attempts. Try again in %(minutes)d minutes.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="locked",
                )
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                # A failed attempt on a real account shows in that account's units' log.
                target = User.objects.filter(username=username).first()
                audit.record(
                    actor=None,
                    action=audit.Action.LOGIN_FAILED,
                    actor_name=username.lower(),
                    org_path=audit.user_scope_path(target) if target else "",
                )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def grantable_roles(actor: User) -> list[tuple[str, Any]]:
    """The roles the actor could grant at some unit: never one above its own."""
    roots = scope_roots(actor, Perm.MANAGE_USERS)
    if roots is None:
        return list(Role.choices)
    held = [perms_at(actor, root) for root in roots]
    return [(role.value, role.label) for role in Role if any(role.perms <= h for h in held)]


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitField(_("Unit"))
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password

    def __init__(self, *args, actor: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        roles = grantable_roles(actor)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        if Role.GRID_WORKER in dict(roles):
            self.fields["role"].initial = Role.GRID_WORKER
        limit_units(self.fields["unit"], actor, Perm.MANAGE_USERS)
        self.fields["unit"].help_text = _("Type part of the unit's name or code and pick it.")
        self.fields["username"].widget.attrs.update(autocomplete="off", autocapitalize="none")
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the number on file."),
    )
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("A disabled user cannot log in.")
    )


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitField(_("Unit"))

    def __init__(self, *args, actor: User, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        roles = grantable_roles(actor)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]
        if Role.GRID_WORKER in dict(roles):
            self.fields["role"].initial = Role.GRID_WORKER
        limit_units(self.fields["unit"], actor, Perm.MANAGE_USERS)
        self.fields["unit"].help_text = _("Type part of the unit's name or code and pick it.")


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *audit.Action.choices]
    )
    user = forms.CharField(label=_("User name"), required=False)
    day = forms.DateField(
        label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AuditReviewForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 92

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end comes before the start."))
            if (end - start).days >= self.MAX_DAYS:
                raise forms.ValidationError(
                    _("Review at most %(days)d days at a time.") % {"days": self.MAX_DAYS}
                )
        return data
