from django.urls import path

from fangkong.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:unit>/", views.index, name="coverage"),
    path("alerts/", views.alerts, name="alerts"),
    path("mine/", views.mine, name="mine"),
    path("roster/", views.roster, name="roster"),
    path("roster/<int:unit>/", views.roster, name="roster_unit"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/shifts/new/", views.shift_create, name="shift_create"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("assignments/<int:pk>/<slug:step>/", views.check, name="check"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/phone/", views.person_phone, name="person_phone"),
]
