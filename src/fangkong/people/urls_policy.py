from django.urls import path

from fangkong.people import views_policy

urlpatterns: list = [
    path("areas/", views_policy.riskarea_list, name="riskarea_list"),
    path("areas/new/", views_policy.riskarea_create, name="riskarea_create"),
    path("areas/<int:pk>/end/", views_policy.riskarea_end, name="riskarea_end"),
    path("areas/<int:pk>/delete/", views_policy.riskarea_delete, name="riskarea_delete"),
    path("divisions/", views_policy.division_lookup, name="division_lookup"),
    path("policy/", views_policy.policy_index, name="policy"),
    path("policy/new/", views_policy.policy_create, name="policy_create"),
    path("policy/<int:pk>/delete/", views_policy.policy_delete, name="policy_delete"),
]
