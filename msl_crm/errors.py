"""Error pages that also leave a trace: a refused page is a security-relevant event."""

import logging

from django.views import defaults

security_log = logging.getLogger("msl_crm.security")


def permission_denied(request, exception):
    user = getattr(request, "user", None)
    security_log.warning(
        "permission denied user=%s path=%s",
        user.pk if user is not None and user.is_authenticated else "anonymous",
        request.path,
    )
    return defaults.permission_denied(request, exception)
