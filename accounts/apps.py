from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts, teams and territories"

    def ready(self):
        from . import signals  # noqa: F401 - connects the sign-in and deactivation receivers

        post_migrate.connect(ensure_role_groups, sender=self)


def ensure_role_groups(sender, using="default", **kwargs):
    """Put back any role group that has gone missing.

    The data migration creates the groups once; a database flush (as between transactional
    tests) or a group deleted by hand would otherwise leave a role nobody can be given.
    """
    from django.contrib.auth.models import Group

    from .roles import Role

    for name in Role.values:
        Group.objects.using(using).get_or_create(name=name)
