from django.urls import path

from fangkong.supplies import views, views_donations, views_requests

app_name = "supplies"

urlpatterns = [
    path("", views.index, name="index"),
    path("alerts/", views.alerts, name="alerts"),
    path("stores/new/", views.store_create, name="store_create"),
    path("stores/<int:pk>/", views.store_detail, name="store"),
    path("stores/<int:pk>/edit/", views.store_edit, name="store_edit"),
    path("stores/<int:pk>/items/<int:item>/", views.ledger, name="ledger"),
    path("stores/<int:pk>/<slug:kind>/", views.move, name="move"),
    path("items/", views.item_list, name="items"),
    path("items/new/", views.item_form, name="item_create"),
    path("items/<int:pk>/", views.item_form, name="item_edit"),
    path("donations/", views_donations.donation_list, name="donations"),
    path("donations/new/", views_donations.donation_create, name="donation_create"),
    path("donations/<int:pk>/", views_donations.donation_detail, name="donation"),
    path("donations/<int:pk>/receipt.pdf", views_donations.donation_receipt, name="receipt"),
    path("donations/<int:pk>/phone/", views_donations.donation_phone, name="donation_phone"),
    path("requests/", views_requests.request_list, name="requests"),
    path("requests/new/", views_requests.request_create, name="request_create"),
    path("requests/<int:pk>/", views_requests.request_detail, name="request"),
    path("requests/<int:pk>/approve/", views_requests.request_approve, name="request_approve"),
    path("requests/<int:pk>/fulfil/", views_requests.request_fulfil, name="request_fulfil"),
]
