"""Only MSLs have a day of twelve steps; the role home pages are tested in
tests/accounts/test_role_redirects.py."""

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/today/", "/today/briefing-pack/", "/today/trend/"]


@pytest.mark.parametrize("url", PAGES)
def test_an_msl_opens_the_days_pages(client, msl, url):
    client.force_login(msl)

    response = client.get(url)

    assert response.status_code == 200
    assert b'id="main"' in response.content


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["manager", "medinfo", "compliance_user", "viewer"])
def test_other_roles_are_refused(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url)

    assert response.status_code == 403
    assert b"twelve steps" not in response.content


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_the_navigation_offers_today_to_msls_only(client, msl, manager):
    client.force_login(msl)
    assert b'href="/today/"' in client.get("/kols/").content

    client.force_login(manager)
    assert b'href="/today/"' not in client.get("/kols/").content
