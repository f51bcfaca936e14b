from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User


@require_GET
@login_required
def floor(request):
    """The benchmark's floor: a signed-in page that makes one query of its own and renders
    nothing, so every other page's cost reads as a multiple of the framework's."""
    count = User.objects.filter(pk=request.user.pk).count()
    return HttpResponse(f"floor {count}", content_type="text/plain")


@require_GET
@login_required
def layout(request):
    """The site's layout around nothing: what a page costs before it reads or shows anything
    of its own (the navigation, the context processors, the frame), as a multiple of the
    floor."""
    return render(request, "bench/layout.html")
