from django.urls import path

from fangkong.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("remind/<int:unit>/<str:day>/", views.remind_reports, name="remind_reports"),
]
