"""How the signed-in user is read on every request: with their roles, and with the flags other
apps register, in one query, instead of one query for the user, one for their groups and
one per flag on every page."""

from collections.abc import Callable

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Expression, IntegerField
from django.db.models.expressions import RawSQL

from .models import User
from .roles import Role

# name -> a function giving an expression over the outer user row (OuterRef("pk")).
_request_flags: dict[str, Callable[[], Expression]] = {}


def register_request_flag(name: str, expression: Callable[[], Expression]) -> None:
    """Read `name` with the signed-in user on every request. The function is called per
    request, so a flag may depend on today's date."""
    _request_flags[name] = expression


ROLE_BITS_SQL = (
    "SELECT COALESCE(SUM(CASE g.name {cases} ELSE 0 END), 0) "
    "FROM {links} ug JOIN {groups} g ON g.id = ug.group_id WHERE ug.user_id = {user}.id"
)


def _roles_bitmask() -> RawSQL:
    """The user's roles as one number, bit n for the n-th Role, in plain SQL: built with the
    ORM, one EXISTS subquery per role cost five times the query's own time in Python on
    every request. Only table names and constants go into the text; the role names are
    parameters."""
    cases = " ".join(f"WHEN %s THEN {1 << bit}" for bit, _ in enumerate(Role))
    tables = {
        "links": User.groups.through._meta.db_table,
        "groups": Group._meta.db_table,
        "user": User._meta.db_table,
    }
    sql = ROLE_BITS_SQL.format(cases=cases, **tables)  # nosec B608
    roles = [role.value for role in Role]
    return RawSQL(sql, roles, output_field=IntegerField())  # noqa: S611  # nosec B611


ROLES_BITMASK = _roles_bitmask()


def user_with_roles(user_id) -> User | None:
    flags = {name: expression() for name, expression in _request_flags.items()}
    user = User.objects.annotate(_role_bits=ROLES_BITMASK, **flags).filter(pk=user_id).first()
    if user is not None:
        # Seeds the cached property so the groups are never read a second time.
        user.__dict__["role_names"] = frozenset(
            role.value for bit, role in enumerate(Role) if user._role_bits & (1 << bit)
        )
    return user


class RequestUserBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
