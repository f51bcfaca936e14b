import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from compliance.audit_chain import stored_snapshot
from compliance.services import audit_changed, audit_created

from .models import ApiToken, token_hash

MAX_TOKEN_DAYS = 365
KEY_PREFIX = "mslcrm_"


@transaction.atomic
def token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token and its key, which is returned this once and never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {MAX_TOKEN_DAYS} days."})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        key_hash=token_hash(key),
        prefix=key[len(KEY_PREFIX) : len(KEY_PREFIX) + 6],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_created(actor=user, instance=token, reason="API token created")
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("Only its owner revokes a token.")
    if token.revoked_at is None:
        before = stored_snapshot(token)
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_changed(actor=actor, instance=token, before=before, reason="API token revoked")
    return token
