from django.urls import include, path

from fangkong.api import api_urls
from fangkong.core import views as core_views

urlpatterns = [
    # First: a device's upload is resolved before the pages' patterns are tried.
    path("api/", api_urls()),
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("", include("fangkong.accounts.urls")),
    path("units/", include("fangkong.orgunits.urls")),
    path("people/", include("fangkong.people.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("d/", include("fangkong.screening.urls_public")),
    path("checkpoints/", include("fangkong.checkpoints.urls")),
    path("observation/", include("fangkong.observation.urls")),
    path("cases/", include("fangkong.cases.urls")),
    path("reports/", include("fangkong.reports.urls")),
    path("bulletin/", include("fangkong.bulletin.urls")),
    path("dashboard/", include("fangkong.dashboard.urls")),
    path("notices/", include("fangkong.notices.urls")),
    path("trip-check/", include("fangkong.cases.urls_public")),
    path("tips/manage/", include("fangkong.tips.urls")),
    path("tips/", include("fangkong.tips.urls_public")),
    path("supplies/", include("fangkong.supplies.urls")),
    path("duty/", include("fangkong.duty.urls")),
    path("places/", include("fangkong.places.urls")),
]

handler500 = "fangkong.core.errors.server_error"
