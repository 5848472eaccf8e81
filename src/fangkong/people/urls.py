from django.urls import path

from fangkong.people import urls_import, urls_policy, views

app_name = "people"

urlpatterns: list = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("export.xlsx", views.person_export, name="export"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="reveal"),
    path("<int:pk>/journeys/new/", views.travel_add, name="travel_add"),
    path("<int:pk>/merge/<int:other>/", views.person_merge, name="merge"),
    path("journeys/<int:pk>/delete/", views.travel_delete, name="travel_delete"),
    path("households/<int:pk>/", views.household_detail, name="household"),
]
urlpatterns += urls_import.urlpatterns
urlpatterns += urls_policy.urlpatterns
