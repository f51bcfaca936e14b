from functools import wraps

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .access import home_url_name
from .forms import ChangePasswordForm, LoginForm
from .services import user_set_password
from .signals import security_log
from .throttle import address_blocked


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_blocked(request):
            security_log.warning("sign-in refused: too many failures from this address")
            return render(request, "accounts/locked_out.html", status=429)
        return super().post(request, *args, **kwargs)


def paused_when_address_blocked(login_view):
    """Another sign-in page (the admin's) paused like ours for an address spraying
    usernames."""

    @wraps(login_view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and address_blocked(request):
            security_log.warning("admin sign-in refused: too many failures from this address")
            return render(request, "accounts/locked_out.html", status=429)
        return login_view(request, *args, **kwargs)

    return wrapped


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have been signed out.")
        return response


@login_required
def home(request):
    """Send each role to where its day starts."""
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "accounts/no_role.html", status=403)
    return redirect(url_name)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_set_password(
            actor=request.user, user=request.user, password=form.cleaned_data["new_password1"]
        )
        # Keeps this session signed in; the user's other sessions end with the old password.
        update_session_auth_hash(request, request.user)
        messages.success(request, "Your password has been changed.")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
