"""Who may see whose records: the one place every app asks.

MSLs see their own records and what sits in their territories; managers see their teams'
members and territories; compliance admins (and superusers) see everything, read-only;
everyone else sees nothing unless the calling app grants more through `also`.
"""

from django.db.models import Q, QuerySet

from .models import Territory, User
from .roles import Role


def sees_everything(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_role(Role.COMPLIANCE))


def visible_territories(user) -> QuerySet[Territory]:
    if not user.is_authenticated or not user.is_active:
        return Territory.objects.none()
    if sees_everything(user):
        return Territory.objects.all()
    condition = Q(pk__in=[])
    if user.has_role(Role.MSL):
        condition |= Q(assignees=user)
    if user.has_role(Role.MANAGER):
        condition |= Q(team__manager=user)
    return Territory.objects.filter(condition).distinct()


def visible_users(user) -> QuerySet[User]:
    """The users whose own records (interactions, follow-ups, …) `user` may read."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if sees_everything(user):
        return User.objects.all()
    condition = Q(pk__in=[])
    if user.has_role(Role.MSL):
        condition |= Q(pk=user.pk)
    if user.has_role(Role.MANAGER):
        condition |= Q(pk=user.pk) | Q(teams__manager=user)
    return User.objects.filter(condition).distinct()


def scope_for_user(
    queryset: QuerySet,
    user,
    *,
    owner_field: str | None = None,
    territory_field: str | None = None,
    also: Q | None = None,
) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see.

    `owner_field` names the path to the user who owns a row, `territory_field` the path to
    its territory; a row is visible through either. `also` adds what an app grants on its
    own terms (an inquiry assigned to a Medical Information user, a record shared with a
    team). Subqueries keep this a single query however many teams or territories there are.
    """
    if not owner_field and not territory_field and also is None:
        raise ValueError("scope_for_user needs owner_field, territory_field or also")
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_everything(user):
        return queryset
    condition = Q(pk__in=[])
    if owner_field:
        condition |= _owners(owner_field, user)
    if territory_field:
        condition |= _territories(territory_field, user)
    if also is None:
        # Over a single-valued path (a foreign key, as every caller passes) the owner and
        # territory conditions cannot repeat a row, and a DISTINCT over every column would
        # make PostgreSQL sort a whole history to count it or to show its first page. A
        # many-valued path repeats a row once per match, as a plain filter() would.
        return queryset.filter(condition)
    return queryset.filter(condition | also).distinct()


# An MSL's conditions, the commonest by far, are built without the general subqueries
# (a DISTINCT subquery of OR-ed conditions each): every list and count of every page is
# narrowed here, and building and compiling those cost 2 to 5 ms of an MSL's page.


def _owners(owner_field: str, user) -> Q:
    if user.has_role(Role.MANAGER):
        return Q(**{f"{owner_field}__in": visible_users(user).values("pk")})
    if user.has_role(Role.MSL):
        return Q(**{owner_field: user.pk})
    return Q(pk__in=[])


def _territories(territory_field: str, user) -> Q:
    if user.has_role(Role.MANAGER):
        return Q(**{f"{territory_field}__in": visible_territories(user).values("pk")})
    if user.has_role(Role.MSL):
        covered = Territory.assignees.through.objects.filter(user=user).values("territory_id")
        return Q(**{f"{territory_field}__in": covered})
    return Q(pk__in=[])
