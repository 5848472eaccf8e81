from django.urls import path

from fangkong.screening import urls_declarations, views

app_name = "screening"

urlpatterns: list = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.coverage, name="coverage"),
    path("<int:pk>/units/<int:unit>/", views.coverage, name="coverage_unit"),
    path("<int:pk>/households/", views.household_list, name="households"),
    path("<int:pk>/households/new/", views.household_add, name="household_add"),
    path("<int:pk>/households/<int:household>/visit/", views.visit, name="visit"),
]
urlpatterns += urls_declarations.urlpatterns
