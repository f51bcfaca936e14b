"""Steps the browser journeys share."""

from urllib.parse import urlsplit

from playwright.sync_api import Page


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Open `/` signed out, get sent to the login page, and sign in from there."""
    page.goto(base_url + "/")
    assert path_of(page) == "/accounts/login/"
    assert urlsplit(page.url).query == "next=/"
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
