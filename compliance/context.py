"""Who and where a write comes from, for the audit trail, without threading the request
through every service call."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass


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
