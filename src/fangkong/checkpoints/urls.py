from django.urls import path

from fangkong.checkpoints import views, views_handoffs

app_name = "checkpoints"

urlpatterns = [
    path("", views.checkpoint_list, name="list"),
    path("new/", views.checkpoint_create, name="create"),
    path("register/", views.register, name="register"),
    path("destinations/", views.destination_lookup, name="destinations"),
    path("outside/", views.outside_list, name="outside"),
    path("outside/<int:pk>/notified/", views.outside_notified, name="outside_notified"),
    path("<int:pk>/", views.checkpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.checkpoint_edit, name="edit"),
    path("<int:pk>/shift/", views.shift_summary, name="shift"),
    path("handoffs/", views_handoffs.handoff_list, name="handoffs"),
    path("handoffs/<int:pk>/", views_handoffs.handoff_detail, name="handoff"),
    path("handoffs/figures/", views_handoffs.handoff_figures, name="handoff_figures"),
    path(
        "handoffs/figures/<int:unit>/", views_handoffs.handoff_figures, name="handoff_figures_unit"
    ),
    path("referrals/", views_handoffs.referral_list, name="referrals"),
    path("referrals/<int:pk>/", views_handoffs.referral_close, name="referral"),
    path("alerts/", views_handoffs.alert_list, name="alerts"),
    path("alerts/seen/", views_handoffs.alerts_seen, name="alerts_seen"),
]
