import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Team, Territory, User
from compliance.models import AuditEntry
from compliance.selectors import audit_chain_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_demo(settings):
    # The people and places are what these tests check; a big history only costs time.
    settings.DEMO_KOLS_PER_TERRITORY = 5
    settings.DEMO_HISTORY_WEEKS = 2


DEMO_HOMES = {
    "msl": "/today/",
    "msl2": "/today/",
    "manager": "/reports/",
    "medinfo": "/inquiries/",
    "medinfo2": "/inquiries/",
    "compliance": "/compliance/",
    "viewer": "/reports/",
    "admin": "/admin/",
}


def test_every_demo_user_signs_in_with_the_demo_password_and_lands_home(client, settings):
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo", stdout=None)

    for username, home in DEMO_HOMES.items():
        response = client.post(
            reverse("accounts:login"),
            {"username": username, "password": "a-demo-password-for-tests"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == home, username
        client.post(reverse("accounts:logout"))


def test_the_two_msls_sit_in_different_teams_and_territories_and_manager_leads_msl(client):
    call_command("seed_demo")
    msl, msl2, manager = (User.objects.get(username=n) for n in ("msl", "msl2", "manager"))

    assert set(msl.teams.all()).isdisjoint(set(msl2.teams.all()))
    assert set(msl.territories.all()).isdisjoint(set(msl2.territories.all()))
    assert msl.teams.get().manager == manager
    assert msl2.teams.get().manager != manager


def test_seeding_twice_changes_nothing_and_the_audit_chain_holds():
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count(), Territory.objects.count())
    entries = AuditEntry.objects.count()

    call_command("seed_demo")

    assert (User.objects.count(), Team.objects.count(), Territory.objects.count()) == counts
    assert AuditEntry.objects.count() == entries
    result = audit_chain_verify()
    assert result.ok
    assert result.checked == entries


def test_seeding_is_refused_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="not in production"):
        call_command("seed_demo")
    assert not User.objects.exists()
