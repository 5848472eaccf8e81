"""The public self-declaration pages: no login, nothing personal shown back."""

from django.urls import path  # noqa: F401

app_name = "declare"

urlpatterns: list = []
