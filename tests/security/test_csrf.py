"""CSRF: every page that accepts a POST refuses one without the token.

The URL patterns are read from the resolver, so a new view is checked the day it is added:
each pattern that accepts POST needs an entry in POSTERS below (who may use it, and the
arguments of its URL), and the test fails until it has one. The admin site (Django's own)
and the token-authenticated REST API are left out, but the API's session authentication
must ask for the token too.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.services import token_create
from events.models import EventKind
from interactions.models import InteractionStatus
from literature.models import WatchTopic
from tests.factories import (
    ApprovedMaterialFactory,
    EngagementPlanFactory,
    EventFactory,
    ExpenseFactory,
    FollowUpFactory,
    InsightFactory,
    InteractionFactory,
    KOLFactory,
    LearningRecordFactory,
    MedicalInquiryFactory,
    TrendReportFactory,
    TripFactory,
)

pytestmark = pytest.mark.django_db

# Where nothing of ours lives: Django's admin, and the REST API's routes (its views are
# csrf_exempt for token clients; DRF's SessionAuthentication enforces CSRF itself, checked
# below).
SKIPPED_PREFIXES = ("admin/", "api/v1/", "api/schema/", "api/docs/")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def allowed_methods(callback) -> set[str] | None:
    """The methods a view takes: a class-based view's handlers, the list a
    require_http_methods decorator closes over, or None when nothing restricts them."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}
    function = callback
    while function is not None:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if (
                isinstance(value, list | tuple)
                and value
                and all(isinstance(item, str) and item.isupper() for item in value)
            ):
                return set(value)
        function = getattr(function, "__wrapped__", None)
    return None


def post_accepting_patterns() -> list[tuple[str, str, object]]:
    found = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES):
            continue
        methods = allowed_methods(callback)
        if methods is None or "POST" in methods:
            found.append((route, name, callback))
    return found


PATTERNS = post_accepting_patterns()
# A cookie secret the browser would hold; the header may carry it unmasked.
CSRF_SECRET = "csrfsecretforthetestsonly0123456"


@pytest.fixture
def world(organisation, msl, manager, medinfo, compliance_user):
    """One of each record a POST can be about, visible to the persona that posts."""
    kol = KOLFactory(territory=organisation["boston"])
    draft = InteractionFactory(owner=msl, kols=[kol])
    locked = InteractionFactory(
        owner=msl,
        kols=[kol],
        status=InteractionStatus.LOCKED,
        first_submitted_at=timezone.now(),
        submitted_at=timezone.now(),
    )
    insight = InsightFactory(interaction=draft, kol=kol, author=msl)
    trip = TripFactory(traveller=msl)
    token, _ = token_create(user=msl, name="CSRF check", days=30)
    return {
        "kol": kol,
        "plan": EngagementPlanFactory(kol=kol),
        "draft": draft,
        "locked": locked,
        "insight": insight,
        "follow_up": FollowUpFactory(interaction=draft, owner=msl),
        "inquiry": MedicalInquiryFactory(kol=kol, raised_by=msl),
        "event": EventFactory(organiser=msl, attendees=[msl]),
        "meeting": EventFactory(
            organiser=msl, kind=EventKind.INTERNAL_MEETING, attendees=[msl, manager]
        ),
        "trip": trip,
        "expense": ExpenseFactory(trip=trip),
        "learning": LearningRecordFactory(user=msl),
        "report": TrendReportFactory(),
        "material": ApprovedMaterialFactory(),
        "topic": WatchTopic.objects.create(name="Lung", terms="lung cancer", owner=msl),
        "token": token,
        "year": timezone.localdate().year,
    }


def pk(key):
    return lambda world: {"pk": world[key].pk}


def NONE(world):
    return {}


def audit_record_arguments(world):
    kol = world["kol"]
    return {
        "content_type_id": ContentType.objects.get_for_model(kol).pk,
        "object_id": str(kol.pk),
    }


# URL name: (the persona who may post there, the URL's arguments from `world`). The
# personas are the conftest fixtures; None is an anonymous visitor.
POSTERS = {
    "home": ("msl", NONE),
    "calendar_feed": (None, lambda world: {"token": "not-a-real-feed-token"}),
    "accounts:login": (None, NONE),
    "accounts:logout": ("msl", NONE),
    "accounts:password_change": ("msl", NONE),
    "accounts:security": ("msl", NONE),
    "accounts:session_end": ("msl", NONE),
    "accounts:recovery_codes": ("msl", NONE),
    "accounts:mfa_off": ("msl", NONE),
    "accounts:mfa_setup": ("msl", NONE),
    "accounts:mfa_verify": ("msl", NONE),
    "api:tokens": ("msl", NONE),
    "api:token_revoke": ("msl", pk("token")),
    "catalog:material_file": ("msl", pk("material")),
    "kols:list": ("msl", NONE),
    "kols:new": ("msl", NONE),
    "kols:import": ("msl", NONE),
    "kols:import_template": ("msl", NONE),
    "kols:import_preview": ("msl", lambda world: {"pk": 999_999}),
    "kols:import_apply": ("msl", lambda world: {"pk": 999_999}),
    "kols:import_cancel": ("msl", lambda world: {"pk": 999_999}),
    "kols:detail": ("msl", pk("kol")),
    "kols:edit": ("msl", pk("kol")),
    "kols:plan_new": ("msl", pk("kol")),
    "kols:plan_edit": ("msl", lambda world: {"pk": world["kol"].pk, "plan_pk": world["plan"].pk}),
    "kols:export": ("compliance_user", pk("kol")),
    "kols:erase": ("compliance_user", pk("kol")),
    "interactions:list": ("msl", NONE),
    "interactions:new": ("msl", NONE),
    "interactions:calendar": ("msl", NONE),
    "interactions:detail": ("msl", pk("draft")),
    "interactions:edit": ("msl", pk("draft")),
    "interactions:submit": ("msl", pk("draft")),
    "interactions:amend": ("msl", pk("locked")),
    "interactions:insight_new": ("msl", pk("draft")),
    "interactions:follow_up_new": ("msl", pk("draft")),
    "interactions:transfer_new": ("msl", pk("draft")),
    "follow_ups:list": ("msl", NONE),
    "follow_ups:done": ("msl", pk("follow_up")),
    "follow_ups:for_kol": ("msl", pk("kol")),
    "inquiries:list": ("msl", NONE),
    "inquiries:new": ("msl", NONE),
    "inquiries:interests": ("msl", NONE),
    "inquiries:interest_new": ("msl", NONE),
    "inquiries:detail": ("msl", pk("inquiry")),
    "inquiries:edit": ("msl", pk("inquiry")),
    "inquiries:follow_up_new": ("msl", pk("inquiry")),
    "inquiries:signature": ("msl", pk("inquiry")),
    "inquiries:act": (
        "medinfo",
        lambda world: {"pk": world["inquiry"].pk, "action": "assign"},
    ),
    "compliance:dashboard": ("compliance_user", NONE),
    "compliance:check": ("msl", NONE),
    "compliance:audit": ("compliance_user", NONE),
    "compliance:open_payments_export": ("compliance_user", lambda world: {"year": world["year"]}),
    "compliance:audit_record": ("compliance_user", audit_record_arguments),
    "reports:dashboard": ("manager", NONE),
    "reports:run": ("manager", NONE),
    "reports:subscription": ("manager", NONE),
    "reports:detail": ("manager", pk("report")),
    "literature:feed": ("msl", NONE),
    "literature:topics": ("msl", NONE),
    "literature:topic_delete": ("msl", pk("topic")),
    "literature:import": ("admin_user", NONE),
    "literature:match": ("msl", lambda world: {"pk": 999_999, "decision": "confirm"}),
    "literature:read": ("msl", lambda world: {"kind": "publications", "pk": 999_999}),
    "literature:save": ("msl", lambda world: {"kind": "publications", "pk": 999_999}),
    "literature:share": ("msl", lambda world: {"kind": "publications", "pk": 999_999}),
    "events:index": ("msl", NONE),
    "events:calendar": ("msl", NONE),
    "events:create": ("msl", NONE),
    "events:detail": ("msl", pk("event")),
    "events:edit": ("msl", pk("event")),
    "events:expected_kol_new": ("msl", pk("event")),
    "events:meeting_new": ("msl", pk("event")),
    "events:share_insight": ("msl", pk("meeting")),
    "events:trips": ("msl", NONE),
    "events:trip_new": ("msl", NONE),
    "events:trip": ("msl", pk("trip")),
    "events:itinerary_new": ("msl", pk("trip")),
    "events:expense_new": ("msl", pk("trip")),
    "events:receipt": ("msl", pk("expense")),
    "events:expense_delete": ("msl", pk("expense")),
    "events:learning": ("msl", NONE),
    "events:learning_new": ("msl", NONE),
    "events:certificate": ("msl", pk("learning")),
    "events:insight": ("msl", pk("insight")),
    "events:mentions": ("msl", NONE),
    "events:mentions_read": ("msl", NONE),
    "today:index": ("msl", NONE),
    "today:tick": ("msl", lambda world: {"number": 1}),
    "today:briefing_pack": ("msl", NONE),
    "today:trend": ("msl", NONE),
}


def test_every_post_accepting_page_has_a_csrf_check():
    """A new form is not left out: its URL name must be added to POSTERS."""
    missing = sorted({name or route for route, name, _ in PATTERNS} - set(POSTERS))

    assert not missing, f"add these POST-accepting URLs to POSTERS in {__file__}: {missing}"


def test_the_enumeration_sees_the_forms():
    names = {name for _, name, _ in PATTERNS}

    assert {"kols:new", "interactions:new", "events:insight", "compliance:check"} <= names
    assert not any(route.startswith("admin/") for route, _, _ in PATTERNS)


@pytest.mark.parametrize(
    "name", sorted({name for _, name, _ in PATTERNS if name in POSTERS}), ids=str
)
def test_a_post_without_the_csrf_token_is_refused(request, name, world):
    persona, arguments = POSTERS[name]
    url = reverse(name, kwargs=arguments(world))
    browser = Client(enforce_csrf_checks=True)
    if persona is not None:
        browser.force_login(request.getfixturevalue(persona))

    refused = browser.post(url, {"text": "forged"})

    assert refused.status_code == 403, f"POST {url} without a CSRF token: {refused.status_code}"
    assert b"CSRF" in refused.content, f"POST {url} was refused, but not for CSRF"

    # The same POST with the token gets past the check: the user may use the page, and the
    # 403 above was the missing token.
    browser.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    allowed = browser.post(url, {"text": "forged"}, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert allowed.status_code not in {403, 405}, f"POST {url} with the token: {allowed}"


@pytest.mark.parametrize("url", ["/api/v1/follow-ups/", "/api/v1/interactions/"])
def test_a_session_authenticated_api_post_needs_the_csrf_token(msl, world, url):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(msl)
    payload = {
        "interaction": world["draft"].pk,
        "kind": "send_material",
        "description": "Send the poster",
        "due_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
    }

    refused = browser.post(url, payload, content_type="application/json")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def test_a_token_authenticated_api_post_needs_no_csrf_token(msl, world):
    _, key = token_create(user=msl, name="Integration", days=30)
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        "/api/v1/follow-ups/",
        {
            "interaction": world["draft"].pk,
            "kind": "send_material",
            "description": "Send the poster",
            "due_date": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert response.status_code != 403, response.content
