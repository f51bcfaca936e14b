import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.MSL, "/today/"),
        (Role.MANAGER, "/reports/"),
        (Role.MEDICAL_INFORMATION, "/inquiries/"),
        (Role.COMPLIANCE, "/compliance/"),
        (Role.VIEWER, "/reports/"),
    ],
)
def test_root_sends_each_role_to_its_home(client, role, home):
    client.force_login(UserFactory(roles=[role]))

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1] == (home, 302)
    assert response.status_code == 200
    # The placeholder renders inside the real layout, not as a bare string.
    assert b'id="main"' in response.content
    assert b"navbar" in response.content


def test_a_user_with_two_roles_lands_on_the_first_in_product_order(client):
    client.force_login(UserFactory(roles=[Role.VIEWER, Role.MSL]))

    assert client.get("/").url == "/today/"


def test_the_administrator_lands_on_the_admin_site(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert b"Site administration" in response.content


def test_a_user_without_a_role_is_told_so_inside_the_layout(client):
    client.force_login(UserFactory())

    response = client.get("/")

    assert response.status_code == 403
    assert b"No role assigned yet" in response.content
    assert b"navbar" in response.content


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"
