from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from compliance.forms import add_service_error

from .models import ApiToken
from .services import MAX_TOKEN_DAYS, token_create, token_revoke

PAGE_SIZE = 20


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. “Insights warehouse”.")
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=MAX_TOKEN_DAYS, initial=90
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"Token “{token.name}” created. Copy it now: it is shown once."
            )
            form = TokenForm()
    context = {
        "form": form,
        "new_key": new_key,
        "page": Paginator(
            ApiToken.objects.filter(user=request.user).order_by("-created_at", "-pk"), PAGE_SIZE
        ).get_page(request.GET.get("page")),
        "query_string": "",
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api:tokens")
