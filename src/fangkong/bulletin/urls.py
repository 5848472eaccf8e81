"""The HQ's pages under manage/, then the public ones (no login) by district code."""

from django.urls import path

from fangkong.bulletin import views, views_public

app_name = "bulletin"

urlpatterns = [
    path("manage/", views.manage, name="manage"),
    path("manage/district/<int:unit>/new/", views.new, name="new"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/correct/", views.correct, name="correct"),
    path("manage/<int:pk>/preview.<str:fmt>", views.preview, name="preview"),
    path("", views_public.index, name="index"),
    path("<slug:code>/", views_public.latest, name="latest"),
    path("<slug:code>/history/", views_public.history, name="history"),
    path("<slug:code>/<str:day>.pdf", views_public.pdf, name="pdf"),
    path("<slug:code>/<str:day>.png", views_public.png, name="png"),
    path("<slug:code>/<str:day>/", views_public.detail, name="detail"),
]
