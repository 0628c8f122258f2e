from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_switch, name="language-switch"),
    path("account/tokens/", views.tokens_page, name="tokens-page"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke_page, name="token-revoke-page"),
]
