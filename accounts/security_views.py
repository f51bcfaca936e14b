"""The second factor (set up, asked at sign-in) and the user's own security page: MFA,
recovery codes, and the browsers they are signed in on."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .mfa import (
    mfa_confirm,
    mfa_disable,
    mfa_enabled,
    mfa_required,
    mfa_verify,
    pending_device,
    recovery_codes_renew,
)
from .middleware import SESSION_MFA_STEP
from .sessions import session_end, sessions_end_all, sessions_of


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Code",
        help_text="The six digits your authenticator app shows, or one recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed else "/"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    if mfa_enabled(request.user):
        if request.user.is_verified():
            return redirect("accounts:security")
        # Only the second factor itself may replace it: a password alone must not enrol
        # another authenticator.
        return redirect(f"{reverse('accounts:mfa_verify')}?{urlencode({'next': _next(request)})}")
    device = pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa_confirm(request=request, device=device, code=form.cleaned_data["code"])
        if codes is None:
            form.add_error("code", "That code is not right. Check the time on your phone.")
        else:
            request.session[SESSION_MFA_STEP] = ""
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": mfa_required(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/mfa_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa_verify(request=request, code=form.cleaned_data["code"]):
            request.session[SESSION_MFA_STEP] = ""
            return redirect(_next(request))
        form.add_error("code", "That code is not right, or the recovery code was used already.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def security(request):
    context = {
        "mfa_on": mfa_enabled(request.user),
        "mfa_required": mfa_required(request.user),
        "sessions": sessions_of(request.user),
        "current": request.session.session_key,
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def recovery_codes(request):
    if not (mfa_enabled(request.user) and request.user.is_verified()):
        messages.error(request, "Turn on multi-factor authentication first.")
        return redirect("accounts:security")
    codes = recovery_codes_renew(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})


@login_required
@require_POST
def mfa_off(request):
    try:
        mfa_disable(user=request.user)
    except PermissionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Multi-factor authentication is off.")
    return redirect("accounts:security")


@login_required
@require_POST
def session_end_view(request):
    key = request.POST.get("session", "")
    if key == "others":
        count = sessions_end_all(user=request.user, keep=request.session.session_key)
        messages.success(
            request, f"Signed out of {count} other browser{'s' if count != 1 else ''}."
        )
    elif session_end(user=request.user, session_key=key):
        messages.success(request, "That browser is signed out.")
    return redirect("accounts:security")


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration
    return mark_safe(svg)  # noqa: S308 - qrcode drew it from our own URL  # nosec B308 B703
