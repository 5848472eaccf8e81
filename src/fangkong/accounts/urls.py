from django.urls import path

from fangkong.accounts import views, views_auth

app_name = "accounts"

urlpatterns = [
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.LogoutView.as_view(), name="logout"),
    path("password/", views_auth.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/phone/", views.user_reveal_phone, name="user_phone"),
    path("users/<int:pk>/roles/", views.assignment_add, name="assignment_add"),
    path("roles/<int:pk>/delete/", views.assignment_remove, name="assignment_remove"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/review/", views.audit_review, name="audit_review"),
]
