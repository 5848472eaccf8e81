from django.urls import path

from fangkong.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/<int:unit>/", views.completeness, name="completeness_unit"),
    path("<int:unit>/<str:day>/", views.report_detail, name="report"),
]
