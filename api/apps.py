from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        from accounts.signals import user_deactivated

        user_deactivated.connect(_revoke_tokens, dispatch_uid="api-revoke-on-deactivation")


def _revoke_tokens(sender, user, **kwargs):
    from django.utils import timezone

    from .models import ApiToken

    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
