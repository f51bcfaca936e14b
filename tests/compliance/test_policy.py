"""The compliance policy: the lock window and the backdating limit are the admin's, read from
the one policy row each time (the environment only gives the first values)."""

import datetime as dt

import pytest
from django.utils import timezone

from compliance.models import AuditEntry, CompliancePolicy
from interactions.models import Interaction, InteractionStatus
from interactions.services import interactions_lock_due
from tests.compliance.pages import TIME_FORMAT, log_data
from tests.factories import InteractionFactory, KOLFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"])


def set_policy(**values) -> CompliancePolicy:
    policy = CompliancePolicy.current()
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def submitted(owner, kol, *, hours_ago: float) -> Interaction:
    when = timezone.now() - dt.timedelta(hours=hours_ago)
    return InteractionFactory(
        owner=owner,
        kols=[kol],
        status=InteractionStatus.SUBMITTED,
        occurred_at=when - dt.timedelta(hours=1),
        first_submitted_at=when,
        submitted_at=when,
    )


def test_the_first_policy_takes_the_environments_values(settings):
    settings.INTERACTION_LOCK_WINDOW_HOURS = 12
    settings.INTERACTION_MAX_BACKDATE_DAYS = 7
    settings.DRUG_SAFETY_MAILBOX = "safety@example.org"
    CompliancePolicy.objects.all().delete()

    policy = CompliancePolicy.current()

    assert (policy.lock_window_hours, policy.max_backdate_days) == (12, 7)
    assert policy.drug_safety_mailbox == "safety@example.org"
    assert CompliancePolicy.objects.count() == 1


def test_the_lock_window_comes_from_the_policy(msl, kol):
    two_hours_old = submitted(msl, kol, hours_ago=2)
    half_an_hour_old = submitted(msl, kol, hours_ago=0.5)
    set_policy(lock_window_hours=72)

    assert interactions_lock_due() == 0

    set_policy(lock_window_hours=1)
    locked = interactions_lock_due()

    assert locked == 1
    assert Interaction.objects.get(pk=two_hours_old.pk).status == InteractionStatus.LOCKED
    assert Interaction.objects.get(pk=half_an_hour_old.pk).status == InteractionStatus.SUBMITTED
    assert AuditEntry.objects.filter(
        object_id=str(two_hours_old.pk), reason="Lock window closed"
    ).exists()


def test_the_edit_window_closes_with_the_policys_lock_window(client, msl, kol):
    interaction = submitted(msl, kol, hours_ago=2)
    set_policy(lock_window_hours=1)
    client.force_login(msl)

    response = client.post(
        f"/interactions/{interaction.pk}/edit/",
        log_data(
            kol,
            notes="A late correction.",
            version=interaction.version,
            change_reason="Typing error in the notes",
        ),
    )

    assert "The edit window has closed" in response.content.decode()
    assert Interaction.objects.get(pk=interaction.pk).notes != "A late correction."


def test_the_backdating_limit_comes_from_the_policy(client, msl, kol):
    set_policy(max_backdate_days=2)
    three_days_ago = (timezone.localtime() - dt.timedelta(days=3)).strftime(TIME_FORMAT)
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, occurred_at=three_days_ago))

    assert response.status_code == 200
    assert (
        "An interaction cannot be logged more than 2 days after it happened."
        in response.content.decode()
    )
    assert not Interaction.objects.exists()


def test_within_the_backdating_limit_the_meeting_is_logged(client, msl, kol):
    set_policy(max_backdate_days=2)
    yesterday = (timezone.localtime() - dt.timedelta(days=1)).strftime(TIME_FORMAT)
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, occurred_at=yesterday))

    assert response.status_code == 302
    assert Interaction.objects.count() == 1


def test_a_longer_limit_lets_the_same_meeting_through(client, msl, kol):
    set_policy(max_backdate_days=30)
    three_days_ago = (timezone.localtime() - dt.timedelta(days=3)).strftime(TIME_FORMAT)
    client.force_login(msl)

    response = client.post("/interactions/new/", log_data(kol, occurred_at=three_days_ago))

    assert response.status_code == 302


def test_the_admin_changes_the_policy_and_it_is_audited(client, admin_user):
    policy = set_policy(lock_window_hours=72, max_backdate_days=30)
    client.force_login(admin_user)
    url = f"/admin/compliance/compliancepolicy/{policy.pk}/change/"
    form = client.get(url).context["adminform"].form
    shown = {name: form[name].value() for name in form.fields}

    response = client.post(
        url,
        {name: "" if value is None else value for name, value in shown.items()}
        | {"lock_window_hours": "24", "max_backdate_days": "5"},
    )

    assert response.status_code == 302
    policy = CompliancePolicy.current()
    assert (policy.lock_window_hours, policy.max_backdate_days) == (24, 5)
    entry = AuditEntry.objects.get(content_type__model="compliancepolicy", action="update")
    assert entry.changes["lock_window_hours"] == {"before": 72, "after": 24}
    assert entry.changes["max_backdate_days"] == {"before": 30, "after": 5}
    assert client.get("/admin/compliance/compliancepolicy/add/").status_code == 403


def test_the_compliance_role_may_configure_its_rules_in_the_admin(client, compliance_user):
    """The role's admin permissions are granted after migrations, so a compliance user
    made staff configures terms and the policy without being a superuser."""
    compliance_user.is_staff = True
    compliance_user.save()
    client.force_login(compliance_user)

    assert client.get("/admin/compliance/restrictedterm/add/").status_code == 200
    assert client.get("/admin/compliance/compliancepolicy/1/change/").status_code == 200
    assert client.get("/admin/compliance/auditentry/").status_code == 200
    # Only the compliance pieces: managing users stays with administrators.
    assert client.get("/admin/accounts/user/").status_code == 403
