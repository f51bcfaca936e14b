import pytest
from django.urls import reverse

from compliance.models import AuditEntry
from tests.factories import InstitutionFactory, KOLFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_kols_and_imports(client, admin_user):
    kol = KOLFactory()
    client.force_login(admin_user)

    for url in (
        reverse("admin:kols_kol_changelist"),
        reverse("admin:kols_kol_change", args=[kol.pk]),
        reverse("admin:kols_institution_changelist"),
        reverse("admin:kols_kolimport_changelist"),
        reverse("admin:catalog_approvedmaterial_changelist"),
        reverse("admin:catalog_insighttopic_add"),
    ):
        assert client.get(url).status_code == 200, url


def test_deleting_an_institution_in_the_admin_is_audited(client, admin_user):
    institution = InstitutionFactory(name="Closed Clinic")
    client.force_login(admin_user)

    client.post(reverse("admin:kols_institution_delete", args=[institution.pk]), {"post": "yes"})

    assert AuditEntry.objects.get(action="delete").object_repr.startswith("Closed Clinic")


def test_an_erased_kol_cannot_be_changed_or_any_kol_deleted_in_the_admin(client, admin_user):
    from django.utils import timezone

    erased = KOLFactory(first_name="Erased", erased_at=timezone.now())
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:kols_kol_change", args=[erased.pk]), {"first_name": "Restored"}
    )

    assert response.status_code == 403
    erased.refresh_from_db()
    assert erased.first_name == "Erased"
    assert client.get(reverse("admin:kols_kol_delete", args=[erased.pk])).status_code == 403
