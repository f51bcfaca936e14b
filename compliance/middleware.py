import uuid

from django.conf import settings

from .context import AuditContext, client_ip, reset_audit_context, set_audit_context


def _request_id_from(request) -> uuid.UUID:
    # Our own proxy may pass its id so logs and audit entries line up; a client may not
    # choose which request its changes are filed under.
    if settings.TRUSTED_PROXY_COUNT:
        try:
            return uuid.UUID(request.headers.get("X-Request-ID", ""))
        except ValueError:
            pass
    return uuid.uuid4()


class AuditContextMiddleware:
    """Gives every write in a request the same request id and the client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _request_id_from(request)
        token = set_audit_context(
            AuditContext(request_id=request.request_id, ip_address=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            reset_audit_context(token)
        response["X-Request-ID"] = str(request.request_id)
        return response
