"""The medical/commercial firewall as data: what each role reads of records it did not
write, changed in FirewallRule rows and enforced by the selectors behind the pages."""

import pytest

from compliance.models import FirewallRule
from interactions.models import Insight
from tests.factories import InsightTopicFactory, InteractionFactory, KOLFactory
from tests.inquiries.workflow import raise_inquiry

pytestmark = pytest.mark.django_db

NOTES = "Discussed the relapse data in frail patients."
QUOTE = "We stop treatment early in patients over eighty."
QUESTION = "Can it be used during breastfeeding?"


@pytest.fixture
def kol(organisation):
    return KOLFactory(territory=organisation["boston"], last_name="Alvarez")


@pytest.fixture
def interaction(msl, kol):
    interaction = InteractionFactory(owner=msl, kols=[kol], notes=NOTES)
    Insight.objects.create(
        interaction=interaction,
        kol=kol,
        author=msl,
        topic=InsightTopicFactory(parent=InsightTopicFactory()),
        category="treatment_practice",
        sentiment="neutral",
        text=QUOTE,
    )
    return interaction


def firewall(role: str, **sights) -> None:
    FirewallRule.objects.update_or_create(role=role, defaults=sights)


def page(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_by_default_the_manager_reads_the_teams_notes_and_quotes(client, manager, interaction):
    html = page(client, manager, f"/interactions/{interaction.pk}/")

    assert NOTES in html
    assert QUOTE in html


def test_a_role_denied_notes_and_quotes_sees_neither(client, manager, interaction):
    firewall("Manager", may_see_notes=False, may_see_quotes=False)

    html = page(client, manager, f"/interactions/{interaction.pk}/")

    assert NOTES not in html
    assert "Notes are not shown to your role" in html
    assert QUOTE not in html
    assert "Text not shown to your role." in html


def test_the_author_always_reads_their_own_record(client, msl, interaction):
    firewall("MSL", may_see_notes=False, may_see_quotes=False)

    html = page(client, msl, f"/interactions/{interaction.pk}/")

    assert NOTES in html
    assert QUOTE in html


def test_identifiable_insights_leave_the_kol_briefing_when_denied(
    client, manager, kol, interaction
):
    shown = page(client, manager, f"/kols/{kol.pk}/")
    firewall("Manager", may_see_identifiable_insights=False)
    hidden = page(client, manager, f"/kols/{kol.pk}/")

    assert QUOTE in shown
    assert QUOTE not in hidden
    assert "Insights attributed to a KOL are not shown to your role" in hidden


def test_compliance_reads_everything_by_default(client, compliance_user, kol, interaction):
    html = page(client, compliance_user, f"/interactions/{interaction.pk}/")

    assert NOTES in html
    assert QUOTE in html


@pytest.mark.parametrize(
    ("persona", "sees_by_default"),
    [("manager", False), ("medinfo", True), ("compliance_user", True)],
)
def test_off_label_inquiry_content_follows_the_firewall_per_role(
    request, client, msl, kol, persona, sees_by_default
):
    inquiry = raise_inquiry(msl, kol, question=QUESTION, off_label=True)
    reader = request.getfixturevalue(persona)
    role = {"manager": "Manager", "medinfo": "Medical Information", "compliance_user": "Compliance"}

    before = page(client, reader, f"/inquiries/{inquiry.pk}/")
    firewall(role[persona], may_see_off_label_inquiries=not sees_by_default)
    after = page(client, reader, f"/inquiries/{inquiry.pk}/")

    assert (QUESTION in before) is sees_by_default
    assert (QUESTION in after) is (not sees_by_default)


def test_the_raising_msl_always_reads_their_off_label_inquiry(client, msl, kol):
    inquiry = raise_inquiry(msl, kol, question=QUESTION, off_label=True)
    firewall("MSL", may_see_off_label_inquiries=False)

    assert QUESTION in page(client, msl, f"/inquiries/{inquiry.pk}/")


def test_compliance_changes_the_firewall_in_the_admin_and_it_is_audited(client, admin_user):
    from compliance.models import AuditEntry

    rule, _ = FirewallRule.objects.get_or_create(role="Viewer")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/compliance/firewallrule/{rule.pk}/change/",
        {"role": "Viewer", "may_see_quotes": "on"},
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.may_see_quotes is True
    assert rule.may_see_notes is False
    assert AuditEntry.objects.filter(
        content_type__model="firewallrule", object_id=str(rule.pk)
    ).exists()
