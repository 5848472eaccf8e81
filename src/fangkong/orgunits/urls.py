from django.urls import path

from fangkong.orgunits import views, views_io

app_name = "orgunits"

urlpatterns = [
    path("", views.unit_index, name="index"),
    path("new/", views.unit_create, name="create_root"),
    path("lookup/", views.unit_lookup, name="lookup"),
    path("import/", views_io.unit_import, name="import"),
    path("template.<str:fmt>", views_io.unit_template, name="template"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/new/", views.unit_create, name="create"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/move/", views.unit_move, name="move"),
    path("<int:pk>/delete/", views.unit_delete, name="delete"),
    path("<int:pk>/export.<str:fmt>", views_io.unit_export, name="export"),
    path("<int:pk>/leaders/new/", views.leader_add, name="leader_add"),
    path("leaders/<int:pk>/end/", views.leader_end, name="leader_end"),
]
