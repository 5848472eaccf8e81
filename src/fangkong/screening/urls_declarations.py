from django.urls import path

from fangkong.screening import views_declarations

urlpatterns: list = [
    path("declarations/", views_declarations.declaration_list, name="declarations"),
    path("declarations/<int:pk>/", views_declarations.declaration_detail, name="declaration"),
    path(
        "declarations/<int:pk>/reveal/<str:field>/",
        views_declarations.declaration_reveal,
        name="declaration_reveal",
    ),
    path(
        "declarations/<int:pk>/verify/",
        views_declarations.declaration_verify,
        name="declaration_verify",
    ),
    path(
        "declarations/<int:pk>/reject/",
        views_declarations.declaration_reject,
        name="declaration_reject",
    ),
    path("poster/<int:pk>/", views_declarations.declaration_poster, name="poster"),
]
