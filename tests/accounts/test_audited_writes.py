import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Team, Territory, User
from accounts.roles import Role
from accounts.services import (
    team_create,
    team_update,
    territory_create,
    user_create,
    user_set_roles,
    user_update,
)
from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify
from tests.factories import TeamFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def entries_for(instance):
    return AuditEntry.objects.filter(object_id=str(instance.pk)).order_by("sequence")


def test_creating_a_user_records_who_created_whom_without_the_password(admin_user):
    user = user_create(
        actor=admin_user,
        username="newmsl",
        first_name="Nina",
        password="long-enough-passphrase",
        roles=[Role.MSL],
    )

    entry = entries_for(user).get()
    assert entry.action == "create"
    assert entry.actor_name == "admin"
    assert entry.actor_user_id == admin_user.pk
    assert entry.changes["username"] == {"before": None, "after": "newmsl"}
    assert entry.changes["password"]["after"] == "(changed)"
    assert "long-enough-passphrase" not in str(entry.changes)
    msl_group = Group.objects.get(name="MSL")
    assert entry.changes["groups"]["after"] == [f"MSL (#{msl_group.pk})"]


def test_a_role_change_is_recorded_with_before_and_after(admin_user, msl):
    user_set_roles(actor=admin_user, user=msl, roles=[Role.MANAGER], reason="Promoted")

    entry = entries_for(msl).get()
    msl_group, manager_group = (Group.objects.get(name=n) for n in ("MSL", "Manager"))
    assert entry.changes == {
        "groups": {
            "before": [f"MSL (#{msl_group.pk})"],
            "after": [f"Manager (#{manager_group.pk})"],
        }
    }
    assert entry.reason == "Promoted"
    assert User.objects.get(pk=msl.pk).role_names == {"Manager"}


def test_an_unchanged_save_records_nothing(admin_user, msl):
    user_update(actor=admin_user, user=msl, first_name=msl.first_name)

    assert not entries_for(msl).exists()


def test_team_and_territory_writes_are_audited(admin_user, manager, msl):
    team = team_create(actor=admin_user, name="Oncology", manager=manager, members=[msl])
    territory = territory_create(
        actor=admin_user, name="Boston", code="US-01", region="NE", country="US", team=team
    )
    team_update(actor=admin_user, team=team, members=[])

    assert [e.action for e in entries_for(team).filter(content_type__model="team")] == [
        "create",
        "update",
    ]
    last = entries_for(team).filter(content_type__model="team").last()
    assert last.changes == {"members": {"before": [f"{msl} (#{msl.pk})"], "after": []}}
    assert entries_for(territory).filter(content_type__model="territory").get().action == "create"
    assert audit_chain_verify().ok


def test_invalid_input_saves_nothing_and_audits_nothing(admin_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        territory_create(actor=admin_user, name="X", code="X-1", region="R", country="usa")

    assert "country" in error.value.message_dict
    assert not Territory.objects.exists()
    assert not AuditEntry.objects.exists()


def test_changing_a_user_in_the_admin_is_audited(client, admin_user, msl):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[msl.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": "msl",
            "last_name": "Chen-Rivera",
            "groups": [Group.objects.get(name="Manager").pk],
            "date_joined_0": msl.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": msl.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("user_permissions", None)
    data.pop("last_login", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = entries_for(msl).get()
    assert entry.actor_name == "admin"
    assert entry.changes["last_name"] == {"before": "Chen", "after": "Chen-Rivera"}
    assert entry.changes["groups"]["after"] == [
        f"Manager (#{Group.objects.get(name='Manager').pk})"
    ]
    assert entry.reason == "Changed in the admin site"
    assert entry.request_id is not None
    assert entry.ip_address == "127.0.0.1"


def test_setting_a_password_in_the_admin_is_audited(client, admin_user, msl):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[msl.pk]),
        {"password1": "brand-new-passphrase-77", "password2": "brand-new-passphrase-77"},
    )

    assert response.status_code == 302
    entry = entries_for(msl).get()
    assert entry.changes == {"password": {"before": "(changed)", "after": "(changed)"}}


def test_deleting_a_team_in_the_admin_is_audited_with_what_it_held(client, admin_user, msl):
    team = TeamFactory(name="Short-lived", members=[msl])
    client.force_login(admin_user)

    response = client.post(reverse("admin:accounts_team_delete", args=[team.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    entry = AuditEntry.objects.get(action="delete")
    assert entry.object_repr == "Short-lived"
    assert entry.changes["members"] == {"before": [f"{msl} (#{msl.pk})"], "after": None}


def test_bulk_deleting_territories_in_the_admin_audits_each_one(client, admin_user):
    territories = [TerritoryFactory(), TerritoryFactory()]
    client.force_login(admin_user)

    client.post(
        reverse("admin:accounts_territory_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [t.pk for t in territories],
            "post": "yes",
        },
    )

    assert not Territory.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 2


def test_regular_users_cannot_open_the_admin(client, msl):
    client.force_login(msl)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_audit_trail_is_read_only_in_the_admin(client, admin_user):
    UserFactory()  # something to look at
    user_create(actor=admin_user, username="someone")
    client.force_login(admin_user)
    entry = AuditEntry.objects.first()

    assert client.get(reverse("admin:compliance_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:compliance_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:compliance_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )
