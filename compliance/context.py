"""Who and where a write comes from, for the audit trail, without threading the request
through every service call."""

import ipaddress
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AuditContext:
    request_id: uuid.UUID | None = None
    ip_address: str | None = None


# The default is a frozen dataclass, so sharing it between contexts is safe.
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current_audit_context() -> AuditContext:
    return _current.get()


def set_audit_context(context: AuditContext):
    return _current.set(context)


def reset_audit_context(token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    """The client's address, as the audit trail and login throttling must both see it.

    Behind TRUSTED_PROXY_COUNT proxies the address is the one the outermost trusted proxy
    appended to X-Forwarded-For; entries further left are whatever the client claimed and
    are never believed. Without proxies it is the connecting address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    candidate = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
