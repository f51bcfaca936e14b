"""Every link on the day's page opens, for both demo MSLs, on the demo data."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from accounts.models import User

from .data import page

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO_KOLS_PER_TERRITORY = 6
    settings.DEMO_HISTORY_WEEKS = 2
    call_command("seed_demo", stdout=io.StringIO())


def internal_links(response) -> set[str]:
    links = set()
    for href in page(response).xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, mailto: or a fragment of this page
        links.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


@pytest.mark.parametrize("username", ["msl", "msl2"])
def test_every_link_on_the_day_opens(client, demo, username):
    client.force_login(User.objects.get(username=username))

    links = internal_links(client.get("/today/"))

    # The demo gives the steps rows to link to, beyond the steps' own pages.
    assert {"/today/briefing-pack/", "/today/trend/", "/interactions/new/?channel=phone"} <= links
    kinds = {re.sub(r"\d+", "<pk>", link) for link in links}
    assert {
        "/kols/<pk>/",  # step 3: today's KOLs
        "/interactions/<pk>/edit/",  # step 4: log today's meeting
        "/inquiries/<pk>/",  # step 9
        "/events/<pk>/",  # step 10
        "/events/learning/new/?requirement=<pk>",  # step 8
        "/interactions/new/?kol=<pk>",  # step 12: schedule the next meeting
    } <= kinds
    broken = {}
    for link in sorted(links):
        if link.startswith("/accounts/logout"):
            continue
        # The brand's "/" sends the MSL on to their home, this page; nothing else redirects.
        response = client.get(link, follow=True)
        landed = response.redirect_chain[-1][0] if response.redirect_chain else link
        if response.status_code != 200 or (landed != link and link != "/"):
            broken[link] = (response.status_code, landed)
    assert broken == {}
