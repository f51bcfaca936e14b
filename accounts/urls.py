from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", security_views.security, name="security"),
    path("security/sessions/end/", security_views.session_end_view, name="session_end"),
    path("security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("security/mfa/off/", security_views.mfa_off, name="mfa_off"),
    path("mfa/setup/", security_views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", security_views.mfa_verify_view, name="mfa_verify"),
]
