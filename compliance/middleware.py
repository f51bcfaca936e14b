import ipaddress
import uuid

from .context import AuditContext, reset_audit_context, set_audit_context


def _request_id_from(request) -> uuid.UUID:
    # A proxy may pass its own id so logs and audit entries line up; anything else is replaced.
    supplied = request.headers.get("X-Request-ID", "")
    try:
        return uuid.UUID(supplied)
    except ValueError:
        return uuid.uuid4()


def _client_ip(request) -> str | None:
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Gives every write in a request the same request id and the client's address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _request_id_from(request)
        token = set_audit_context(
            AuditContext(request_id=request.request_id, ip_address=_client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            reset_audit_context(token)
        response["X-Request-ID"] = str(request.request_id)
        return response
