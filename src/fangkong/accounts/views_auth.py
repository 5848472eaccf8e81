"""Login, logout and the user's own password change, each audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from fangkong.accounts import audit
from fangkong.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.get_user()
        audit.record(
            actor=user,
            action=audit.Action.LOGIN,
            actor_name=user.username.lower(),
            org_path=audit.user_scope_path(user),
        )
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        user = request.user
        if user.is_authenticated:
            audit.record(
                actor=user, action=audit.Action.LOGOUT, org_path=audit.user_scope_path(user)
            )
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        user = form.user
        audit.record(
            actor=user,
            action=audit.Action.PASSWORD,
            target=user,
            org_path=audit.user_scope_path(user),
        )
        messages.success(self.request, _("Your password was changed."))
        return response
