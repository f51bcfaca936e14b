"""Who may open what: every URL of the product, every role, one's own record and someone
else's.

The URL patterns are read from the resolver, not listed by hand: a new page without a rule
below fails `test_every_page_has_a_rule` (and its own matrix cases), so nobody adds a page
without deciding who may open it. Section pages take their 200/403 from the roles table in
accounts.access (the same table the navigation and the views read); a line says only where
a page differs.

"own" is a record of msl (in the manager's team), "other" one of msl2 (another team).
Statuses are for a GET unless the page takes only POST, whose rule says what a GET gets.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.access import SECTIONS_BY_KEY
from accounts.roles import Role
from api.services import token_create
from compliance.services import audit_created
from events.models import EventKind
from interactions.calendar import calendar_feed_rotate
from interactions.models import Interaction
from kols.models import KOLImport
from literature.models import Contributor, Publication, WatchTopic
from tests.factories import (
    ApprovedMaterialFactory,
    EngagementPlanFactory,
    EventFactory,
    ExpenseFactory,
    FollowUpFactory,
    InsightFactory,
    InsightTopicFactory,
    InstitutionFactory,
    InteractionFactory,
    KOLFactory,
    LearningRecordFactory,
    MedicalInquiryFactory,
    ProductFactory,
    SafetyReportFactory,
    TherapeuticAreaFactory,
    TrendReportFactory,
    TripFactory,
)

ROLES = ("msl", "manager", "medinfo", "compliance_user", "viewer", "anonymous")
PERSONA_ROLE = {
    "msl": Role.MSL,
    "manager": Role.MANAGER,
    "medinfo": Role.MEDICAL_INFORMATION,
    "compliance_user": Role.COMPLIANCE,
    "viewer": Role.VIEWER,
}
OWN, OTHER = "own", "other"
PDF = b"%PDF-1.4\n%%EOF\n"
LOGIN = "login"  # anonymous: 302 to the login page
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page (staff-only pages)

# What someone else's record answers to those who see only their own (or their team's).
SCOPED = {"msl": 404, "manager": 404}


# --------------------------------------------------------------------------------------
# The records a URL is built from, made on first use (a test makes only what it needs).


class Records:
    def __init__(self, organisation, msl, msl2):
        self.organisation = organisation
        self.owners = {OWN: msl, OTHER: msl2}
        self.territories = {OWN: organisation["boston"], OTHER: organisation["bay_area"]}
        self._made: dict = {}

    def _once(self, key, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def kol(self, whose):
        return self._once(("kol", whose), lambda: KOLFactory(territory=self.territories[whose]))

    def kol_import(self, whose):
        return self._once(
            ("import", whose),
            lambda: KOLImport.objects.create(
                uploaded_by=self.owners[whose], file_name="kols.csv", content=b"last_name\n"
            ),
        )

    def plan(self, whose):
        return self._once(("plan", whose), lambda: EngagementPlanFactory(kol=self.kol(whose)))

    def interaction(self, whose):
        def make():
            interaction = InteractionFactory(owner=self.owners[whose], kols=[self.kol(whose)])
            audit_created(actor=self.owners[whose], instance=interaction)
            return interaction

        return self._once(("interaction", whose), make)

    def insight(self, whose):
        return self._once(
            ("insight", whose),
            lambda: InsightFactory(interaction=self.interaction(whose), kol=self.kol(whose)),
        )

    def follow_up(self, whose):
        return self._once(
            ("follow_up", whose),
            lambda: FollowUpFactory(owner=self.owners[whose], kol=self.kol(whose)),
        )

    def inquiry(self, whose):
        def make():
            inquiry = MedicalInquiryFactory(raised_by=self.owners[whose], kol=self.kol(whose))
            type(inquiry).objects.filter(pk=inquiry.pk).update(
                signed_at=timezone.now(), signature_png=b"\x89PNG\r\n\x1a\n"
            )
            return inquiry

        return self._once(("inquiry", whose), make)

    def safety_report(self, whose):
        return self._once(
            ("safety_report", whose),
            lambda: SafetyReportFactory(reporter=self.owners[whose], kol=self.kol(whose)),
        )

    def api_token(self, whose):
        return self._once(
            ("token", whose), lambda: token_create(user=self.owners[whose], name="x", days=9)[0]
        )

    def calendar_token(self, whose):
        # The address is the credential: msl's works for anyone holding it; a made-up one
        # (standing in for "someone else's" here) opens nothing.
        if whose == OTHER:
            return "not-a-calendar-address"
        return self._once("calendar", lambda: calendar_feed_rotate(user=self.owners[OWN]))

    def watch_topic(self, whose):
        return self._once(
            ("watch", whose),
            lambda: WatchTopic.objects.create(name="PD-1", terms="pd-1", owner=self.owners[whose]),
        )

    def publication(self):
        return self._once(
            "publication", lambda: Publication.objects.create(title="A trial", pmid="123456")
        )

    def contributor(self, whose):
        return self._once(
            ("contributor", whose),
            lambda: Contributor.objects.create(
                publication=self.publication(), last_name="Author", kol=self.kol(whose)
            ),
        )

    def event(self, whose):
        owner = self.owners[whose]
        return self._once(
            ("event", whose),
            lambda: EventFactory(
                kind=EventKind.INTERNAL_MEETING, organiser=owner, attendees=[owner]
            ),
        )

    def trip(self, whose):
        return self._once(("trip", whose), lambda: TripFactory(traveller=self.owners[whose]))

    def expense(self, whose):
        def make():
            expense = ExpenseFactory(trip=self.trip(whose), receipt_content_type="application/pdf")
            expense.receipt.save("receipt.pdf", ContentFile(PDF))
            return expense

        return self._once(("expense", whose), make)

    def learning(self, whose):
        def make():
            record = LearningRecordFactory(
                user=self.owners[whose], certificate_content_type="application/pdf"
            )
            record.certificate.save("certificate.pdf", ContentFile(PDF))
            return record

        return self._once(("learning", whose), make)

    @cached_property
    def report(self):
        return TrendReportFactory()

    @cached_property
    def institution(self):
        return InstitutionFactory()

    @cached_property
    def area(self):
        return TherapeuticAreaFactory()

    @cached_property
    def product(self):
        return ProductFactory()

    @cached_property
    def topic(self):
        return InsightTopicFactory()

    @cached_property
    def material(self):
        return ApprovedMaterialFactory()

    @cached_property
    def material_with_file(self):
        material = ApprovedMaterialFactory(url="", file_content_type="application/pdf")
        material.file.save("material.pdf", ContentFile(PDF))
        return material


def pk(record_name):
    """kwargs {"pk": …} of the own/other record `record_name` of Records."""
    return lambda records, whose: {"pk": getattr(records, record_name)(whose).pk}


def shared(record_name):
    """kwargs of a record that belongs to nobody (catalog, reports): the same for both."""
    return lambda records, whose: {"pk": getattr(records, record_name).pk}


def fixed(**kwargs):
    return lambda records, whose: kwargs


# --------------------------------------------------------------------------------------
# The rules.


@dataclass(frozen=True)
class Rule:
    own: dict  # role -> expected status (list pages use this one only)
    other: dict | None = None  # role -> expected status for someone else's record
    args: Callable | None = None
    post_only: bool = False
    anonymous_post: object = LOGIN  # what an anonymous POST gets (post-only pages)
    login: str = LOGIN  # where an anonymous GET's 302 goes


def _statuses(base: dict, overrides: dict | None) -> dict:
    merged = {**base, **(overrides or {})}
    unknown = set(merged) - set(ROLES)
    assert not unknown, f"unknown roles in the table: {unknown}"
    return merged


def rule(base, args=None, *, post=False, own=None, other=None, **options):
    """`base` gives each role's status; `own` and `other` override it for own and for
    someone else's record (other defaults to own's statuses)."""
    own_statuses = _statuses(base, own)
    other_statuses = _statuses(own_statuses, other) if args else None
    return Rule(own_statuses, other_statuses, args, post, **options)


def section(key, args=None, *, post=False, **options):
    """A page of a section: 200 for the roles that open it (405 to a GET if it takes only
    POST), 403 for the others, the login page for anonymous users."""
    roles = SECTIONS_BY_KEY[key].roles
    opened = 405 if post else 200
    base = {persona: opened if role in roles else 403 for persona, role in PERSONA_ROLE.items()}
    return rule({**base, "anonymous": 302}, args, post=post, **options)


def signed_in(args=None, *, post=False, **options):
    """Any signed-in user (login_required only)."""
    status = 405 if post else 200
    return rule(
        {**dict.fromkeys(PERSONA_ROLE, status), "anonymous": 302}, args, post=post, **options
    )


def api(key, args=None, *, post=False, **options):
    """An API resource: the same sections as the pages; anonymous callers get 401."""
    roles = SECTIONS_BY_KEY[key].roles if key else set(PERSONA_ROLE.values())
    opened = 405 if post else 200
    base = {persona: opened if role in roles else 403 for persona, role in PERSONA_ROLE.items()}
    return rule({**base, "anonymous": 401}, args, post=post, anonymous_post=401, **options)


NOT_INVITED = {"manager": 404, "medinfo": 404}
MSL_ONLY = {"manager": 403, "medinfo": 403, "compliance_user": 403, "viewer": 403}
EDITORS_ONLY = {"medinfo": 403, "compliance_user": 403}  # of KOLs: MSLs and managers
COMPLIANCE_ONLY = {"msl": 403, "manager": 403, "medinfo": 403}
# A KOL's own pages look the KOL up first: Medical Information has no territory, so none.
NO_KOLS = {"medinfo": 404}
SEES_ALL = {"compliance_user": 200}
INQUIRY_OTHER = {**SCOPED}  # medinfo and compliance see every inquiry

RULES: dict[str, Rule] = {
    # Signing in and one's own account.
    "home": rule({**dict.fromkeys(PERSONA_ROLE, 302), "anonymous": 302}),
    "accounts:login": rule({**dict.fromkeys(PERSONA_ROLE, 302), "anonymous": 200}),
    "accounts:logout": rule(dict.fromkeys(ROLES, 405), post=True, anonymous_post=302),
    "accounts:password_change": signed_in(),
    "accounts:security": signed_in(),
    "accounts:session_end": signed_in(post=True),
    "accounts:recovery_codes": signed_in(post=True),
    "accounts:mfa_off": signed_in(post=True),
    "accounts:mfa_setup": signed_in(),
    "accounts:mfa_verify": signed_in(),
    # KOLs.
    "kols:list": section("kols"),
    "kols:new": section("kols", own=EDITORS_ONLY),
    "kols:import": section("kols", own=EDITORS_ONLY),
    "kols:import_template": section("kols"),
    "kols:import_preview": section(
        "kols", pk("kol_import"), own=EDITORS_ONLY | {"manager": 404}, other={"msl": 404}
    ),
    "kols:import_apply": section("kols", pk("kol_import"), post=True),
    "kols:import_cancel": section("kols", pk("kol_import"), post=True),
    "kols:detail": section("kols", pk("kol"), own={"medinfo": 404}, other=SCOPED),
    "kols:edit": section("kols", pk("kol"), own=EDITORS_ONLY | NO_KOLS, other=SCOPED),
    "kols:plan_new": section("kols", pk("kol"), own=EDITORS_ONLY | NO_KOLS, other=SCOPED),
    "kols:plan_edit": section(
        "kols",
        lambda records, whose: {"pk": records.kol(whose).pk, "plan_pk": records.plan(whose).pk},
        own=EDITORS_ONLY | NO_KOLS,
        other=SCOPED,
    ),
    "kols:export": section("kols", pk("kol"), own=COMPLIANCE_ONLY | NO_KOLS, other=SCOPED),
    "kols:erase": section("kols", pk("kol"), own=COMPLIANCE_ONLY | NO_KOLS, other=SCOPED),
    # Interactions and follow-ups.
    "interactions:list": section("interactions"),
    "interactions:new": section("interactions", own={"manager": 403, "compliance_user": 403}),
    "interactions:calendar": section("interactions"),
    "interactions:detail": section("interactions", pk("interaction"), other=SCOPED),
    "interactions:edit": section(
        "interactions",
        pk("interaction"),
        own={"manager": 403, "compliance_user": 403},
        other=SCOPED,
    ),
    "interactions:submit": section("interactions", pk("interaction"), post=True),
    "interactions:amend": section(
        "interactions",
        pk("interaction"),
        own={"manager": 403, "compliance_user": 403},
        other=SCOPED,
    ),
    "interactions:insight_new": section("interactions", pk("interaction"), post=True),
    "interactions:follow_up_new": section("interactions", pk("interaction"), post=True),
    "interactions:transfer_new": section(
        "interactions",
        pk("interaction"),
        own={"manager": 403, "compliance_user": 403},
        other=SCOPED,
    ),
    "follow_ups:list": section("follow_ups"),
    "follow_ups:done": section("follow_ups", pk("follow_up"), post=True),
    "follow_ups:for_kol": section("follow_ups", pk("kol"), other=SCOPED),
    "calendar_feed": rule(
        dict.fromkeys(ROLES, 200),
        lambda records, whose: {"token": records.calendar_token(whose)},
        other=dict.fromkeys(ROLES, 404),
    ),
    # Inquiries.
    "inquiries:list": section("inquiries"),
    "inquiries:new": section("inquiries", own=MSL_ONLY),
    "inquiries:interests": section("inquiries"),
    "inquiries:interest_new": section("inquiries", own=MSL_ONLY),
    "inquiries:detail": signed_in(pk("inquiry"), own={"viewer": 404}, other=INQUIRY_OTHER),
    "inquiries:edit": signed_in(pk("inquiry"), own=MSL_ONLY | {"viewer": 404}, other=SCOPED),
    "inquiries:follow_up_new": signed_in(
        pk("inquiry"), own=MSL_ONLY | {"viewer": 404}, other=SCOPED
    ),
    "inquiries:signature": signed_in(pk("inquiry"), own={"viewer": 404}, other=INQUIRY_OTHER),
    "inquiries:act": signed_in(
        lambda records, whose: {"pk": records.inquiry(whose).pk, "action": "assign"}, post=True
    ),
    # Compliance.
    "compliance:dashboard": section("compliance"),
    "compliance:check": signed_in(post=True),
    "compliance:audit": section("compliance"),
    "compliance:open_payments_export": section("compliance", fixed(year=2025)),
    "compliance:audit_record": section(
        "compliance",
        lambda records, whose: {
            "content_type_id": ContentType.objects.get_for_model(Interaction).pk,
            "object_id": str(records.interaction(whose).pk),
        },
    ),
    # Reports.
    "reports:dashboard": section("reports"),
    "reports:run": section("reports", post=True),
    "reports:subscription": section("reports", post=True),
    "reports:detail": section("reports", shared("report")),
    # The catalog's approved documents, for the roles that work with KOLs.
    "catalog:material_file": section("kols", shared("material_with_file")),
    # Literature.
    "literature:feed": section("literature"),
    "literature:topics": section("literature"),
    "literature:topic_delete": section("literature", pk("watch_topic"), post=True),
    "literature:import": rule(
        dict.fromkeys(ROLES, 302), login=ADMIN_LOGIN
    ),  # staff only: everyone else to the admin's login
    "literature:match": section(
        "literature",
        lambda records, whose: {"pk": records.contributor(whose).pk, "decision": "confirm"},
        post=True,
    ),
    "literature:read": section("literature", fixed(kind="publications", pk=0), post=True),
    "literature:save": section(
        "literature",
        lambda records, whose: {"kind": "publications", "pk": records.publication().pk},
    ),
    "literature:share": section("literature", fixed(kind="publications", pk=0), post=True),
    # Events, travel, learning.
    "events:index": section("events"),
    "events:calendar": section("events"),
    "events:create": section("events"),
    # Internal meetings, open to those invited (and compliance); only the organiser edits.
    "events:detail": section("events", pk("event"), own=NOT_INVITED, other=SCOPED),
    "events:edit": section(
        "events", pk("event"), own=NOT_INVITED | {"compliance_user": 403}, other=SCOPED
    ),
    "events:expected_kol_new": section("events", pk("event"), post=True),
    "events:meeting_new": section("events", pk("event"), post=True),
    "events:share_insight": section("events", pk("event"), post=True),
    "events:trips": section("events"),
    "events:trip_new": section("events"),
    "events:trip": section("events", pk("trip"), own={"medinfo": 404}, other=SCOPED),
    "events:itinerary_new": section("events", pk("trip"), post=True),
    "events:expense_new": section("events", pk("trip"), post=True),
    "events:receipt": section("events", pk("expense"), own={"medinfo": 404}, other=SCOPED),
    "events:expense_delete": section("events", pk("expense"), post=True),
    "events:learning": section("events"),
    "events:learning_new": section("events"),
    "events:certificate": section("events", pk("learning"), own={"medinfo": 404}, other=SCOPED),
    "events:insight": section("events", pk("insight"), own={"medinfo": 404}, other=SCOPED),
    "events:mentions": section("events"),
    "events:mentions_read": section("events", post=True),
    # The MSL's day.
    "today:index": section("today"),
    "today:tick": section("today", fixed(number=1), post=True),
    "today:briefing_pack": section("today"),
    "today:trend": section("today"),
    # The API and its tokens.
    "api:api-root": api(None),
    "api:schema": signed_in(own={"anonymous": 401}),
    "api:docs": signed_in(own={"anonymous": 401}),
    "api:tokens": signed_in(),
    "bench:floor": signed_in(),
    "bench:layout": signed_in(),
    "api:token_revoke": signed_in(pk("api_token"), post=True),
    "api:kol-list": api("kols"),
    "api:kol-detail": api("kols", pk("kol"), own={"medinfo": 404}, other=SCOPED),
    "api:institution-list": api("kols"),
    "api:institution-detail": api("kols", shared("institution")),
    "api:interaction-list": api("interactions"),
    "api:interaction-detail": api("interactions", pk("interaction"), other=SCOPED),
    "api:follow-up-list": api("follow_ups"),
    "api:follow-up-detail": api("follow_ups", pk("follow_up"), other=SCOPED),
    "api:follow-up-done": api("follow_ups", pk("follow_up"), post=True),
    "api:inquiry-list": api("inquiries"),
    "api:inquiry-detail": api("inquiries", pk("inquiry"), other=INQUIRY_OTHER),
    "api:safety-report-list": api(None),
    "api:safety-report-detail": api(
        None,
        pk("safety_report"),
        own={"manager": 404, "medinfo": 404, "viewer": 404},
        other={"msl": 404},
    ),
    "api:report-list": api("reports"),
    "api:report-detail": api("reports", shared("report")),
    "api:area-list": api("kols"),
    "api:area-detail": api("kols", shared("area")),
    "api:product-list": api("kols"),
    "api:product-detail": api("kols", shared("product")),
    "api:topic-list": api("kols"),
    "api:topic-detail": api("kols", shared("topic")),
    "api:material-list": api("kols"),
    "api:material-detail": api("kols", shared("material")),
}


# --------------------------------------------------------------------------------------
# The URL patterns, as the resolver has them.


def _walk(patterns, namespace="", prefix=""):
    """(name, full route) of every pattern, included ones too."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            names = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            yield from _walk(pattern.url_patterns, names, route)
        elif isinstance(pattern, URLPattern):
            # An unnamed pattern gets "" (or "namespace:"), which no rule can name.
            name = f"{namespace}:{pattern.name or ''}" if namespace else (pattern.name or "")
            yield name, route


def _skipped(name: str, route: str) -> bool:
    return (
        name.startswith("admin:")
        or route.startswith(settings.STATIC_URL.lstrip("/"))
        # DRF's format-suffix twins (kols.json, …) answer as their plain pattern does.
        or "(?P<format>" in route
        or "<drf_format_suffix:format>" in route
    )


def _unnamed(name: str) -> bool:
    return not name or name.endswith(":")


def url_names() -> list[str]:
    # The suffix twins share their plain pattern's name, which stays.
    return sorted(
        {
            name
            for name, route in _walk(get_resolver().url_patterns)
            if not _skipped(name, route) and not _unnamed(name)
        }
    )


def cases():
    for name in url_names():
        rule_ = RULES.get(name)
        for role in ROLES:
            yield pytest.param(name, role, OWN, id=f"{name}-{role}")
            if rule_ is not None and rule_.args is not None:
                yield pytest.param(name, role, OTHER, id=f"{name}-{role}-{OTHER}")


# --------------------------------------------------------------------------------------
# The tests.


@pytest.fixture
def records(organisation, msl, msl2):
    return Records(organisation, msl, msl2)


def _client(request, role) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def _url(name, rule_, records, whose) -> str:
    return reverse(name, kwargs=rule_.args(records, whose) if rule_.args else None)


def test_every_page_has_a_rule():
    names = url_names()
    assert names, "the resolver lists the product's pages"
    missing = [name for name in names if name not in RULES]
    assert missing == [], f"pages without an access rule (add them to RULES): {missing}"
    stale = sorted(set(RULES) - set(names))
    assert stale == [], f"rules for pages that no longer exist: {stale}"


def test_every_unnamed_pattern_is_the_admin_or_static():
    unnamed = [
        route
        for name, route in _walk(get_resolver().url_patterns)
        if _unnamed(name) and not _skipped(name, route)
    ]
    assert unnamed == []


@pytest.mark.parametrize(("name", "role", "whose"), list(cases()))
def test_access(request, records, name, role, whose):
    rule_ = RULES.get(name)
    assert rule_ is not None, f"{name} has no access rule: add it to RULES"
    expected = (rule_.other if whose == OTHER else rule_.own)[role]
    url = _url(name, rule_, records, whose)

    response = _client(request, role).get(url)

    assert response.status_code == expected, (
        f"GET {url} ({name}) as {role}, {whose} record: expected {expected}, "
        f"got {response.status_code}"
    )
    if role == "anonymous" and expected == 302:
        login = (
            reverse("admin:login")
            if rule_.login == ADMIN_LOGIN
            else resolve_url(settings.LOGIN_URL)
        )
        assert response["Location"].startswith(login), (
            f"GET {url} ({name}) as anonymous: expected a redirect to {login}, "
            f"got {response['Location']}"
        )


POST_ONLY = [name for name in sorted(RULES) if RULES[name].post_only]


@pytest.mark.parametrize("name", POST_ONLY)
def test_an_anonymous_post_goes_to_the_login_page(records, name):
    rule_ = RULES[name]
    url = _url(name, rule_, records, OWN)

    response = Client().post(url)

    if rule_.anonymous_post == LOGIN:
        assert response.status_code == 302, f"POST {url} ({name}) as anonymous"
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), response[
            "Location"
        ]
    else:
        assert response.status_code == rule_.anonymous_post, f"POST {url} ({name}) as anonymous"
