from django.urls import path

from fangkong.observation import views, views_followups, views_sites

app_name = "observation"

urlpatterns = [
    path("", views.observation_list, name="list"),
    path("start/<int:person>/", views.observation_start, name="start"),
    path("figures/", views.observation_figures, name="figures"),
    path("figures/<int:unit>/", views.observation_figures, name="figures_unit"),
    path("<int:pk>/", views.observation_detail, name="detail"),
    path("<int:pk>/notice.pdf", views.release_notice, name="notice"),
    path("person/<int:person>/timeline/", views.person_timeline, name="timeline"),
    path("followups/", views_followups.followups_today, name="followups"),
    path("followups/<int:pk>/", views_followups.followup_record, name="followup"),
    path("referrals/", views_followups.referral_list, name="referrals"),
    path("referrals/<int:pk>/", views_followups.referral_close, name="referral"),
    path("support/", views_followups.support_list, name="support"),
    path("support/<int:pk>/", views_followups.support_detail, name="support_item"),
    path("sites/", views_sites.site_list, name="sites"),
    path("sites/new/", views_sites.site_create, name="site_create"),
    path("sites/<int:pk>/", views_sites.site_detail, name="site"),
    path("sites/<int:pk>/edit/", views_sites.site_edit, name="site_edit"),
    path("sites/<int:pk>/rooms/", views_sites.rooms_add, name="rooms_add"),
    path("rooms/<int:pk>/", views_sites.room_edit, name="room_edit"),
]
