import re

import pytest

from accounts.access import SECTIONS
from accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL_SECTIONS = {section.key for section in SECTIONS}
EXPECTED_SECTIONS = {
    Role.MSL: {"today", "kols", "interactions", "follow_ups", "inquiries", "literature", "events"},
    Role.MANAGER: {
        "kols",
        "interactions",
        "follow_ups",
        "inquiries",
        "literature",
        "events",
        "reports",
    },
    Role.MEDICAL_INFORMATION: {"kols", "inquiries", "literature", "events"},
    Role.COMPLIANCE: {"kols", "interactions", "inquiries", "events", "reports", "compliance"},
    Role.VIEWER: {"reports"},
}
SECTION_PATHS = {
    "today": "/today/",
    "kols": "/kols/",
    "interactions": "/interactions/",
    "follow_ups": "/follow-ups/",
    "inquiries": "/inquiries/",
    "literature": "/literature/",
    "events": "/events/",
    "reports": "/reports/",
    "compliance": "/compliance/",
}


def nav_sections(response) -> set[str]:
    return set(re.findall(r'data-section="([a-z_]+)"', response.content.decode()))


@pytest.mark.parametrize("role", list(EXPECTED_SECTIONS))
def test_the_navigation_shows_only_what_the_role_may_open(client, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.get("/", follow=True)

    assert nav_sections(response) == EXPECTED_SECTIONS[role]


@pytest.mark.parametrize("role", list(EXPECTED_SECTIONS))
def test_every_section_opens_exactly_when_the_navigation_shows_it(client, role):
    client.force_login(UserFactory(roles=[role]))

    for key, path in SECTION_PATHS.items():
        response = client.get(path)
        expected = 200 if key in EXPECTED_SECTIONS[role] else 403
        assert response.status_code == expected, f"{role} on {path}"


def test_a_forbidden_section_explains_itself_inside_the_layout(client, viewer):
    client.force_login(viewer)

    response = client.get("/compliance/")

    assert response.status_code == 403
    assert b"does not give access to Compliance" in response.content
    assert b"navbar" in response.content


def test_the_administrator_sees_every_section(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/today/")

    assert nav_sections(response) == ALL_SECTIONS


def test_the_current_section_is_marked_for_assistive_technology(client, msl):
    client.force_login(msl)

    page = client.get("/interactions/").content.decode()

    assert re.search(r'aria-current="page"\s+data-section="interactions"', page)


def test_anonymous_visitors_get_the_login_page_not_a_section(client):
    response = client.get("/kols/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_deactivated_user_is_signed_out(client, msl):
    client.force_login(msl)
    msl.is_active = False
    msl.save()

    response = client.get("/today/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_navigation_costs_a_bounded_number_of_queries(
    client, msl, django_assert_max_num_queries
):
    client.force_login(msl)

    # Session, user, the user's roles once (the role lookup must not repeat per nav link),
    # and the adverse-event-training check of the warning banner; the password page itself
    # reads nothing.
    with django_assert_max_num_queries(4):
        client.get("/accounts/password/")
