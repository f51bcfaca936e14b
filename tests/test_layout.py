"""The base layout: local assets only, nothing inline, a policy the pages satisfy."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, msl):
    client.force_login(msl)
    response = client.get("/today/")
    assert response.status_code == 200
    return response


def test_pages_send_a_strict_content_security_policy(page):
    policy = page["Content-Security-Policy"]

    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_carry_no_inline_script_or_style(page):
    html = page.content.decode()

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts, "the layout loads Bootstrap and htmx"
    assert all("src=" in tag for tag in scripts), scripts
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers"


def test_every_asset_is_served_by_the_app_itself(client, page):
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)

    assert any("bootstrap" in asset for asset in assets)
    assert any("htmx" in asset for asset in assets)
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL) or asset.startswith("/" + settings.STATIC_URL)
        relative = asset.split(settings.STATIC_URL, 1)[1]
        assert finders.find(relative), f"{asset} is not installed (run make install)"


def test_vendor_files_are_installed_not_committed():
    ignored = (Path(settings.BASE_DIR) / ".gitignore").read_text().splitlines()

    assert "static/vendor/" in ignored


def test_the_layout_is_usable_on_a_phone(page):
    html = page.content.decode()

    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "navbar-toggler" in html
    assert 'href="#main"' in html  # skip link for keyboard users


def test_the_user_menu_shows_who_is_signed_in_and_signs_out_by_post(page):
    html = page.content.decode()

    assert "Sarah Chen" in html
    assert re.search(r'<form method="post" action="/accounts/logout/">', html)


def test_flash_messages_are_shown_in_the_layout(client, msl):
    client.force_login(msl)

    response = client.post("/accounts/logout/", follow=True)

    assert b'role="alert"' in response.content
    assert b"You have been signed out." in response.content


def test_pages_with_personal_data_send_security_headers(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Request-ID"]


def test_a_missing_page_is_a_404_inside_the_layout(client, msl, settings):
    settings.DEBUG = False
    client.force_login(msl)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"navbar" in response.content


def test_htmx_is_told_not_to_write_inline_styles_the_policy_refuses(page):
    import json
    import re as regex

    html = page.content.decode()
    config = json.loads(regex.search(r"name=\"htmx-config\" content='([^']+)'", html).group(1))

    assert config["includeIndicatorStyles"] is False
    assert "style" not in config["attributesToSettle"]
    assert "{#" not in html, "a template comment leaked into the page"
    assert "{%" not in html
