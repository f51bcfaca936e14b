import pytest
from django.db.models import Q

from accounts.models import Territory, User
from accounts.roles import Role
from accounts.scoping import scope_for_user, visible_territories, visible_users
from tests.factories import TeamFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(str(getattr(row, "name", None) or row.username) for row in queryset)


def test_an_msl_sees_only_their_own_territories(organisation, msl):
    assert names(visible_territories(msl)) == ["Boston", "New York"]


def test_a_manager_sees_the_territories_of_their_teams(organisation, manager):
    assert names(visible_territories(manager)) == ["Boston", "New York"]


def test_compliance_sees_every_territory(organisation, compliance_user):
    assert names(visible_territories(compliance_user)) == ["Bay Area", "Boston", "New York"]


@pytest.mark.parametrize("persona", ["viewer", "medinfo"])
def test_roles_without_territories_see_none(organisation, request, persona):
    assert not visible_territories(request.getfixturevalue(persona)).exists()


def test_an_msl_sees_only_their_own_records_and_a_manager_their_team(organisation, msl, manager):
    assert names(visible_users(msl)) == ["msl"]
    assert names(visible_users(manager)) == ["manager", "msl"]


def test_scope_for_user_filters_rows_by_owner(organisation, msl, msl2, manager):
    # Territories stand in for any owned record: the helper only needs field paths.
    owned_by = Territory.objects.filter(assignees__in=[msl, msl2])

    assert names(scope_for_user(owned_by, msl2, owner_field="assignees")) == ["Bay Area"]
    assert names(scope_for_user(owned_by, manager, owner_field="assignees")) == [
        "Boston",
        "New York",
    ]


def test_scope_for_user_filters_rows_by_territory(organisation, msl2):
    users = User.objects.all()

    visible = scope_for_user(users, msl2, territory_field="territories")

    assert names(visible) == ["msl2"]


def test_apps_can_grant_more_with_also(organisation, medinfo, msl):
    granted = scope_for_user(
        Territory.objects.all(), medinfo, territory_field="pk", also=Q(name="Boston")
    )

    assert names(granted) == ["Boston"]


def test_inactive_and_anonymous_users_see_nothing(organisation, msl):
    from django.contrib.auth.models import AnonymousUser

    msl.is_active = False

    assert not scope_for_user(Territory.objects.all(), msl, territory_field="pk").exists()
    assert not scope_for_user(
        Territory.objects.all(), AnonymousUser(), territory_field="pk"
    ).exists()


def test_scoping_is_one_query_however_large_the_organisation(
    organisation, manager, django_assert_num_queries
):
    assert manager.role_names  # read once per request, before any list is scoped
    with django_assert_num_queries(1):
        list(scope_for_user(Territory.objects.all(), manager, owner_field="assignees"))


def test_an_msl_who_also_manages_sees_their_own_their_teams_and_all_their_territories(
    organisation, msl, msl2
):
    lead = UserFactory(username="lead", roles=[Role.MSL, Role.MANAGER])
    west = TeamFactory(name="West leads", manager=lead, members=[msl2])
    TerritoryFactory(name="Portland", team=west)
    TerritoryFactory(name="Seattle", assignees=[lead])
    users = User.objects.all()

    assert names(scope_for_user(users, lead, owner_field="pk")) == ["lead", "msl2"]
    assert names(scope_for_user(Territory.objects.all(), lead, territory_field="pk")) == [
        "Portland",
        "Seattle",
    ]


def test_an_msl_sees_a_territory_the_moment_it_is_assigned_and_not_after(organisation, msl2):
    seattle = TerritoryFactory(name="Seattle")
    territories = Territory.objects.all()

    assert names(scope_for_user(territories, msl2, territory_field="pk")) == ["Bay Area"]
    seattle.assignees.add(msl2)
    assert names(scope_for_user(territories, msl2, territory_field="pk")) == [
        "Bay Area",
        "Seattle",
    ]
    organisation["bay_area"].assignees.remove(msl2)
    assert names(scope_for_user(territories, msl2, territory_field="pk")) == ["Seattle"]


@pytest.mark.parametrize("persona", ["viewer", "medinfo"])
def test_roles_that_neither_cover_nor_manage_own_nothing_through_scoping(
    organisation, request, persona
):
    user = request.getfixturevalue(persona)
    users = User.objects.all()

    assert not scope_for_user(users, user, owner_field="pk", territory_field="territories").exists()
