from django.urls import path  # noqa: F401

from fangkong.screening import urls_declarations

app_name = "screening"

urlpatterns: list = [
    # Campaigns, visits and coverage (screening.views).
]
urlpatterns += urls_declarations.urlpatterns
