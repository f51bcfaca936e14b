"""Steps the browser journeys share."""

from pathlib import Path
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


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def assert_accessible(page: Page, *, exclude: tuple[str, ...] = ()) -> None:
    """Run axe-core's WCAG 2 A/AA rules on the page as it is now; fail listing each violation.

    The app's Content Security Policy refuses inline script, and `add_script_tag(path=...)`
    inserts the file's text as an inline <script>, so axe is evaluated as a page script
    instead: `page.evaluate` runs through the DevTools protocol, which the policy does not
    govern, and leaves nothing for the browser log to report.
    """
    if not AXE.is_file():
        raise AssertionError(f"axe-core is missing at {AXE}; run `make install` (npm ci).")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    options = {"runOnly": {"type": "tag", "values": WCAG_AA}}
    context = {"include": [["html"]], "exclude": [[selector] for selector in exclude]}
    violations = page.evaluate(
        """async ([context, options]) => {
            const results = await axe.run(context, options);
            return results.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        [context, options],
    )
    if violations:
        lines = [f"axe found {len(violations)} WCAG 2 A/AA violation(s) on {page.url}:"]
        for violation in violations:
            targets = ", ".join(violation["targets"][:5])
            more = len(violation["targets"]) - 5
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                f" at {targets}" + (f" and {more} more" if more > 0 else "")
            )
        raise AssertionError("\n".join(lines))


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in artifacts/screenshots/, the folder CI keeps."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target
