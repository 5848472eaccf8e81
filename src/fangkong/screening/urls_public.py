"""The public self-declaration pages: no login, nothing personal shown back."""

from django.urls import path

from fangkong.screening import views_public

app_name = "declare"

urlpatterns: list = [
    path("places/", views_public.divisions_lookup, name="places"),
    path("<str:code>/", views_public.declare, name="form"),
]
