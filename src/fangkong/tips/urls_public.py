"""The public tip pages: no login, nothing personal or internal shown back."""

from django.urls import path

from fangkong.tips import views_public

app_name = "publictips"

urlpatterns = [
    path("", views_public.tip_form, name="form"),
    path("check/", views_public.tip_check, name="check"),
]
