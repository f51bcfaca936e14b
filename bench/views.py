from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from accounts.models import User


@require_GET
@login_required
def floor(request):
    """The benchmark's floor: a signed-in page that makes one query of its own and renders
    nothing, so every other page's cost reads as a multiple of the framework's."""
    count = User.objects.filter(pk=request.user.pk).count()
    return HttpResponse(f"floor {count}", content_type="text/plain")
