from django.urls import path

from fangkong.cases import views, views_hospitals, views_letters, views_trips

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("report/<int:person>/", views.case_report, name="report"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("hospitals/", views_hospitals.hospital_list, name="hospitals"),
    path("hospitals/new/", views_hospitals.hospital_create, name="hospital_create"),
    path("hospitals/<int:pk>/", views_hospitals.hospital_detail, name="hospital"),
    path("letters/", views_letters.letter_list, name="letters"),
    path("letters/receive/", views_letters.letter_receive, name="letter_receive"),
    path("letters/<int:pk>/", views_letters.letter_detail, name="letter"),
    path("letters/<int:pk>/letter.pdf", views_letters.letter_pdf, name="letter_pdf"),
    path("<int:pk>/trips/", views_trips.case_trips, name="trips"),
]
