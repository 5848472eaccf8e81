from django.urls import path

from fangkong.places import views

app_name = "places"

urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:unit>/", views.index, name="unit"),
    path("list/", views.place_list, name="places"),
    path("new/", views.place_create, name="place_create"),
    path("<int:pk>/", views.place_detail, name="place"),
    path("<int:pk>/edit/", views.place_edit, name="place_edit"),
    path("log/", views.log, name="log"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/reveal/<str:field>/", views.venue_reveal, name="venue_reveal"),
    path("followups/", views.followup_list, name="followups"),
]
