"""How the signed-in user is read on every request: with their roles, and with the flags other
apps register, in one query, instead of one query for the user, one for their groups and
one per flag on every page."""

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Exists, Expression, OuterRef

from .models import User
from .roles import Role

# name -> a function giving an expression over the outer user row (OuterRef("pk")).
_request_flags: dict[str, Callable[[], Expression]] = {}


def register_request_flag(name: str, expression: Callable[[], Expression]) -> None:
    """Read `name` with the signed-in user on every request. The function is called per
    request, so a flag may depend on today's date."""
    _request_flags[name] = expression


def _role_attribute(role: Role) -> str:
    return f"_role_{role.name.lower()}"


def user_with_roles(user_id) -> User | None:
    roles = {
        _role_attribute(role): Exists(Group.objects.filter(user=OuterRef("pk"), name=role.value))
        for role in Role
    }
    flags = {name: expression() for name, expression in _request_flags.items()}
    user = User.objects.annotate(**roles, **flags).filter(pk=user_id).first()
    if user is not None:
        # Seeds the cached property so the groups are never read a second time.
        user.__dict__["role_names"] = frozenset(
            role.value for role in Role if getattr(user, _role_attribute(role))
        )
    return user


class RequestUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
