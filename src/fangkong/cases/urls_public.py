from django.urls import path

from fangkong.cases import views_trips

app_name = "tripcheck"

urlpatterns = [path("", views_trips.trip_check, name="check")]
