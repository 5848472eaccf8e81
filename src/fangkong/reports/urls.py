from django.urls import path

from fangkong.reports import views, views_indicators

app_name = "reports"

urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("completeness/", views.completeness, name="completeness"),
    path("completeness/<int:unit>/", views.completeness, name="completeness_unit"),
    path("indicators/", views_indicators.indicator_list, name="indicators"),
    path("indicators/new/", views_indicators.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views_indicators.indicator_edit, name="indicator"),
    path("<int:unit>/<str:day>/", views.report_detail, name="report"),
]
