from django.urls import path

from fangkong.people import views_import

urlpatterns: list = [
    path("import/", views_import.import_start, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<int:pk>/", views_import.import_job, name="import_job"),
    path("import/<int:pk>/errors.csv", views_import.import_errors, name="import_errors"),
]
