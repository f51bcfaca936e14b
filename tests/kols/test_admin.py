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
