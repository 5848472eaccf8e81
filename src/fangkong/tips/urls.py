from django.urls import path

from fangkong.tips import views

app_name = "tips"

urlpatterns = [
    path("", views.index, name="index"),
    path("queue/", views.queue, name="queue"),
    path("mine/", views.unit_tips, name="mine"),
    path("new/", views.record, name="record"),
    path("times/", views.times, name="times"),
    path("times/<int:unit>/", views.times, name="times_unit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/<str:field>/", views.reveal, name="reveal"),
]
