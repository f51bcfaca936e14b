"""Demo data of accounts: one user per role, two teams, four territories.

Safe to run again: what exists is left as it is, apart from demo passwords and roles, which
are put back to what the README promises.
"""

from dataclasses import dataclass

from django.conf import settings

from accounts.models import Team, Territory, User
from accounts.roles import Role
from accounts.services import (
    team_create,
    territory_create,
    user_create,
    user_set_password,
    user_set_roles,
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    job_title: str
    roles: tuple[Role, ...] = ()
    is_superuser: bool = False
    # Compliance configures its rules in the admin site too.
    is_staff: bool = False


DEMO_USERS = (
    DemoUser("msl", "Sarah", "Chen", "Medical Science Liaison, Oncology", (Role.MSL,)),
    DemoUser("msl2", "James", "Okafor", "Medical Science Liaison, Immunology", (Role.MSL,)),
    DemoUser("manager", "Laura", "Becker", "Head of Field Medical, Oncology", (Role.MANAGER,)),
    DemoUser(
        "medinfo", "Priya", "Raman", "Medical Information Specialist", (Role.MEDICAL_INFORMATION,)
    ),
    # A second reviewer: custom inquiry responses need two Medical Information people.
    DemoUser(
        "medinfo2", "Marco", "Bianchi", "Medical Information Manager", (Role.MEDICAL_INFORMATION,)
    ),
    DemoUser(
        "compliance",
        "Daniel",
        "Moreau",
        "Medical Compliance Officer",
        (Role.COMPLIANCE,),
        is_staff=True,
    ),
    DemoUser("viewer", "Tom", "Alvarez", "Marketing Insights Lead", (Role.VIEWER,)),
    DemoUser("admin", "Alex", "Admin", "System administrator", (), is_superuser=True),
)

DEMO_TEAMS = (
    # name, manager, members
    ("Oncology Northeast", "manager", ("msl",)),
    ("Immunology West", None, ("msl2",)),
)

DEMO_TERRITORIES = (
    # name, code, region, country, team, assignee
    ("Boston Metro", "US-NE-01", "Northeast", "US", "Oncology Northeast", "msl"),
    ("New York City", "US-NE-02", "Northeast", "US", "Oncology Northeast", "msl"),
    ("San Francisco Bay Area", "US-W-01", "West", "US", "Immunology West", "msl2"),
    ("Pacific Northwest", "US-W-02", "West", "US", "Immunology West", "msl2"),
)


def seed(stdout) -> None:
    password = settings.DEMO_PASSWORD
    users = {demo.username: _ensure_user(demo, password) for demo in DEMO_USERS}
    teams = {
        name: _ensure_team(name, users.get(manager), [users[m] for m in members])
        for name, manager, members in DEMO_TEAMS
    }
    for name, code, region, country, team, assignee in DEMO_TERRITORIES:
        if not Territory.objects.filter(code=code).exists():
            territory_create(
                actor=None,
                name=name,
                code=code,
                region=region,
                country=country,
                team=teams[team],
                assignees=[users[assignee]],
            )
    stdout.write("Sign in at /accounts/login/ as:")
    for demo in DEMO_USERS:
        roles = ", ".join(role.label for role in demo.roles) or "superuser"
        stdout.write(f"  {demo.username:<11} {roles}")
    stdout.write("Password: the DEMO_PASSWORD setting (see README for its default).")


def _ensure_user(demo: DemoUser, password: str) -> User:
    user = User.objects.filter(username=demo.username).first()
    if user is None:
        return user_create(
            actor=None,
            username=demo.username,
            email=f"{demo.username}@demo.msl-crm.example",
            first_name=demo.first_name,
            last_name=demo.last_name,
            job_title=demo.job_title,
            password=password,
            roles=demo.roles,
            is_staff=demo.is_staff or demo.is_superuser,
            is_superuser=demo.is_superuser,
        )
    if not user.check_password(password):
        user_set_password(actor=None, user=user, password=password)
    if set(user.role_names) != {role.value for role in demo.roles}:
        user_set_roles(actor=None, user=user, roles=demo.roles, reason="Demo roles restored")
    return user


def _ensure_team(name: str, manager: User | None, members: list[User]) -> Team:
    team = Team.objects.filter(name=name).first()
    return team or team_create(actor=None, name=name, manager=manager, members=members)
