"""Writes of people, teams, territories and roles. Every one lands in the audit trail."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from compliance.audit_chain import stored_snapshot
from compliance.services import audit_changed, audit_created

from .models import Team, Territory, User
from .roles import Role


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    password: str | None = None,
    roles: Iterable[Role] = (),
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.set(_role_groups(roles))
    audit_created(actor=actor, instance=user)
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, reason: str = "", **fields) -> User:
    """Change a user's own fields (not roles: see `user_set_roles`)."""
    before = stored_snapshot(user)
    _assign(user, fields, allowed={"email", "first_name", "last_name", "job_title", "is_active"})
    user.full_clean()
    user.save()
    audit_changed(actor=actor, instance=user, before=before, reason=reason)
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    before = stored_snapshot(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_changed(actor=actor, instance=user, before=before, reason="Password changed")
    return user


@transaction.atomic
def user_set_roles(
    *, actor: User | None, user: User, roles: Iterable[Role], reason: str = ""
) -> User:
    before = stored_snapshot(user)
    # Groups that are not roles (added by hand in the admin) are left as they are.
    kept = user.groups.exclude(name__in=Role.values)
    user.groups.set([*kept, *_role_groups(roles)])
    user.__dict__.pop("role_names", None)
    audit_changed(actor=actor, instance=user, before=before, reason=reason)
    return user


@transaction.atomic
def team_create(
    *, actor: User | None, name: str, manager: User | None = None, members: Iterable[User] = ()
) -> Team:
    team = Team(name=name, manager=manager)
    team.full_clean()
    team.save()
    team.members.set(members)
    audit_created(actor=actor, instance=team)
    return team


@transaction.atomic
def team_update(
    *,
    actor: User | None,
    team: Team,
    name: str | None = None,
    manager: User | None = None,
    members: Iterable[User] | None = None,
    reason: str = "",
) -> Team:
    before = stored_snapshot(team)
    if name is not None:
        team.name = name
    if manager is not None:
        team.manager = manager
    team.full_clean()
    team.save()
    if members is not None:
        team.members.set(members)
    audit_changed(actor=actor, instance=team, before=before, reason=reason)
    return team


@transaction.atomic
def territory_create(
    *,
    actor: User | None,
    name: str,
    code: str,
    region: str,
    country: str,
    team: Team | None = None,
    assignees: Iterable[User] = (),
) -> Territory:
    territory = Territory(name=name, code=code, region=region, country=country, team=team)
    territory.full_clean()
    territory.save()
    territory.assignees.set(assignees)
    audit_created(actor=actor, instance=territory)
    return territory


@transaction.atomic
def territory_update(
    *,
    actor: User | None,
    territory: Territory,
    assignees: Iterable[User] | None = None,
    reason: str = "",
    **fields,
) -> Territory:
    before = stored_snapshot(territory)
    _assign(territory, fields, allowed={"name", "code", "region", "country", "team"})
    territory.full_clean()
    territory.save()
    if assignees is not None:
        territory.assignees.set(assignees)
    audit_changed(actor=actor, instance=territory, before=before, reason=reason)
    return territory


def _assign(instance, fields: dict, *, allowed: set[str]) -> None:
    # Services name what they may change, so a caller cannot slip in is_superuser or a pk.
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"{type(instance).__name__} fields not changeable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _role_groups(roles: Iterable[Role]) -> list[Group]:
    names = [Role(role).value for role in roles]
    groups = list(Group.objects.filter(name__in=names))
    missing = set(names) - {group.name for group in groups}
    if missing:
        raise Group.DoesNotExist(f"Role groups missing (run migrate): {', '.join(sorted(missing))}")
    return groups
