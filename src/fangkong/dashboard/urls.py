from django.urls import path

from fangkong.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("<int:unit>/", views.dashboard, name="unit"),
]
