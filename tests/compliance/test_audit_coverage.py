"""The hash-chained audit trail covers every create, change and delete of every regulated
record. Each regulated model is written the way the product writes it (its services, or the
admin site for configuration) and the trail must show each write: what, which record, who.
The admin either audits a regulated model or refuses to write it at all."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models.fields.files import FieldFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import (
    team_create,
    team_update,
    territory_create,
    territory_update,
    user_create,
    user_set_roles,
    user_update,
)
from catalog.models import ApprovedMaterial, Indication, Product
from compliance.admin import ReadOnlyAdmin
from compliance.admin_audit import AuditedAdminMixin
from compliance.audit_chain import snapshot
from compliance.models import (
    AuditAction,
    AuditEntry,
    CompliancePolicy,
    FirewallRule,
    OpenPaymentsThreshold,
    ProductCertification,
    RequiredInteractionField,
    RestrictedTerm,
    SafetyReport,
)
from compliance.safety import safety_report_forward
from compliance.selectors import audit_chain_verify
from compliance.services import SYSTEM_ACTOR_NAME
from compliance.transfers import transfer_of_value_record
from inquiries import services as inquiries
from inquiries.models import InquiryPolicy, InquiryStatus, ServiceLevel, StandardResponse
from interactions.services import (
    follow_up_complete,
    follow_up_create,
    insight_add,
    interaction_create,
    interaction_delete,
    interaction_submit,
    interaction_update,
)
from kols.models import KOL
from kols.services import kol_create, kol_update
from tests.factories import (
    InsightTopicFactory,
    KOLFactory,
    ProductFactory,
    TherapeuticAreaFactory,
    UserFactory,
)
from tests.inquiries.workflow import bring_to, raise_inquiry

pytestmark = pytest.mark.django_db

REGULATED_MODELS = [
    "accounts.User",
    "auth.Group",
    "accounts.Team",
    "accounts.Territory",
    "kols.KOL",
    "interactions.Interaction",
    "interactions.Insight",
    "interactions.FollowUp",
    "inquiries.MedicalInquiry",
    "inquiries.InquiryResponse",
    "inquiries.Delivery",
    "inquiries.DocumentedInterest",
    "inquiries.StandardResponse",
    "inquiries.ServiceLevel",
    "inquiries.InquiryPolicy",
    "compliance.SafetyReport",
    "compliance.TransferOfValue",
    "compliance.RestrictedTerm",
    "compliance.RequiredInteractionField",
    "compliance.FirewallRule",
    "compliance.CompliancePolicy",
    "compliance.ProductCertification",
    "compliance.OpenPaymentsThreshold",
    "catalog.Product",
    "catalog.ApprovedMaterial",
]

CREATE, UPDATE, DELETE = AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE


@dataclass(frozen=True)
class Scene:
    """The people who write regulated records, a KOL to write about, and the admin site."""

    msl: User
    medinfo: User
    reviewer: User
    admin: User
    kol: KOL
    admin_client: Client


@dataclass(frozen=True)
class Audited:
    """One entry the trail must hold after a write."""

    action: str
    object_id: int
    actor_name: str


def created(record, actor) -> Audited:
    return Audited(CREATE, record.pk, _name(actor))


def changed(record, actor) -> Audited:
    return Audited(UPDATE, record.pk, _name(actor))


def deleted(pk, actor) -> Audited:
    return Audited(DELETE, pk, _name(actor))


def _name(actor) -> str:
    # Scheduled work (forwarding a safety report) writes without a person behind it.
    return actor.get_username() if actor is not None else SYSTEM_ACTOR_NAME


@pytest.fixture
def scene(organisation, msl, medinfo, admin_user, client) -> Scene:
    client.force_login(admin_user)
    return Scene(
        msl=msl,
        medinfo=medinfo,
        # Custom responses need a second Medical Information colleague to approve them.
        reviewer=UserFactory(username="medinfo2", roles=[Role.MEDICAL_INFORMATION]),
        admin=admin_user,
        kol=KOLFactory(territory=organisation["boston"], last_name="Alvarez"),
        admin_client=client,
    )


# The admin site, posted as the browser posts it.


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def shown_values(response) -> dict:
    """What the admin page posts back if the user changes nothing, inline formsets included
    (their management forms are required even when no inline row is shown)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    values = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            # A file input sends nothing unless a new file is chosen.
            empty = value is None or isinstance(value, FieldFile)
            values[form[name].html_name] = "" if empty else value
    return values


def admin_save(scene: Scene, url: str, values: dict):
    response = scene.admin_client.get(url)
    assert response.status_code == 200, url
    response = scene.admin_client.post(url, shown_values(response) | values)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def admin_add(scene: Scene, model, **values):
    admin_save(scene, admin_url(model, "add"), values)
    return model._default_manager.order_by("pk").last()


def admin_change(scene: Scene, record, **values):
    admin_save(scene, admin_url(type(record), "change", record.pk), values)
    record.refresh_from_db()
    return record


def admin_delete(scene: Scene, record) -> int:
    pk = record.pk
    response = scene.admin_client.post(admin_url(type(record), "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not type(record)._default_manager.filter(pk=pk).exists()
    return pk


# The writes of each regulated model.


def an_hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def log_meeting(scene: Scene, **fields):
    return interaction_create(
        actor=scene.msl,
        kols=[scene.kol],
        type="one_to_one",
        channel="in_person",
        occurred_at=an_hour_ago(),
        notes="Discussed five-year outcomes.",
        **fields,
    )


def users_created_changed_and_given_roles(s: Scene) -> list[Audited]:
    user = user_create(actor=s.admin, username="newmsl", password="long-passphrase-1")
    user_update(actor=s.admin, user=user, job_title="Senior MSL")
    user_set_roles(actor=s.admin, user=user, roles=[Role.MSL], reason="Joined the field team")
    in_admin = admin_add(
        s,
        User,
        username="adminmade",
        usable_password="true",
        password1="long-passphrase-2",
        password2="long-passphrase-2",
    )
    return [created(user, s.admin), changed(user, s.admin), created(in_admin, s.admin)]


def roles_added_changed_and_deleted_in_the_admin(s: Scene) -> list[Audited]:
    view_kol, change_kol = (
        Permission.objects.get(codename=codename) for codename in ("view_kol", "change_kol")
    )
    role = admin_add(s, Group, name="Data steward", permissions=[view_kol.pk])
    admin_change(s, role, permissions=[view_kol.pk, change_kol.pk])
    pk = admin_delete(s, role)
    return [created(role, s.admin), changed(role, s.admin), deleted(pk, s.admin)]


def team_created_changed_and_deleted(s: Scene) -> list[Audited]:
    team = team_create(actor=s.admin, name="Rare diseases", members=[s.msl])
    team_update(actor=s.admin, team=team, name="Rare diseases East")
    pk = admin_delete(s, team)
    return [created(team, s.admin), changed(team, s.admin), deleted(pk, s.admin)]


def territory_created_changed_and_deleted(s: Scene) -> list[Audited]:
    territory = territory_create(
        actor=s.admin, name="Vermont", code="US-VT-01", region="Northeast", country="US"
    )
    territory_update(actor=s.admin, territory=territory, assignees=[s.msl])
    pk = admin_delete(s, territory)
    return [created(territory, s.admin), changed(territory, s.admin), deleted(pk, s.admin)]


def kol_created_and_changed_also_in_the_admin(s: Scene) -> list[Audited]:
    kol = kol_create(
        actor=s.msl, first_name="Ines", last_name="Moreau", specialty="Hematology", country="US"
    )
    kol_update(actor=s.msl, kol=kol, tier=1, reason="Leads the national registry")
    admin_change(s, kol, specialty="Hematologic oncology")
    # KOLs are never deleted (erasure pseudonymises them instead, audited as a change).
    return [created(kol, s.msl), changed(kol, s.msl), changed(kol, s.admin)]


def interaction_logged_changed_submitted_and_a_draft_deleted(s: Scene) -> list[Audited]:
    meeting = log_meeting(s)
    meeting = interaction_update(
        actor=s.msl, interaction=meeting, version=meeting.version, location="Boston"
    )
    interaction_submit(actor=s.msl, interaction=meeting, version=meeting.version)
    draft = interaction_create(
        actor=s.msl, kols=[s.kol], planned_at=timezone.now() + dt.timedelta(days=2)
    )
    # Only a draft may be deleted: submitted interactions are kept for ever.
    interaction_delete(actor=s.msl, interaction=draft)
    return [
        created(meeting, s.msl),
        changed(meeting, s.msl),
        created(draft, s.msl),
        deleted(draft.pk, s.msl),
    ]


def insight_added(s: Scene) -> list[Audited]:
    insight = insight_add(
        actor=s.msl,
        interaction=log_meeting(s),
        kol=s.kol,
        topic=InsightTopicFactory(parent=InsightTopicFactory(name="Efficacy")),
        category="unmet_need",
        sentiment="neutral",
        text="Too few options after relapse.",
    )
    # Insights are never edited or deleted once added.
    return [created(insight, s.msl)]


def follow_up_planned_and_completed(s: Scene) -> list[Audited]:
    follow_up = follow_up_create(
        actor=s.msl,
        kind="send_material",
        description="Send the pivotal trial summary",
        due_date=in_days(3),
        kol=s.kol,
    )
    follow_up_complete(actor=s.msl, follow_up=follow_up)
    return [created(follow_up, s.msl), changed(follow_up, s.msl)]


def inquiry_raised_corrected_and_answered(s: Scene) -> list[Audited]:
    inquiry = raise_inquiry(s.msl, s.kol)
    inquiries.inquiry_update(actor=s.msl, inquiry=inquiry, urgency="urgent")
    bring_to(inquiry, InquiryStatus.CLOSED, author=s.medinfo, reviewer=s.reviewer)
    return [
        created(inquiry, s.msl),
        changed(inquiry, s.msl),
        changed(inquiry, s.medinfo),
        changed(inquiry, s.reviewer),
    ]


def response_drafted_and_approved(s: Scene) -> list[Audited]:
    inquiry = raise_inquiry(s.msl, s.kol)
    inquiry = bring_to(inquiry, InquiryStatus.APPROVED, author=s.medinfo, reviewer=s.reviewer)
    response = inquiry.responses.get()
    return [created(response, s.medinfo), changed(response, s.reviewer)]


def answer_delivered(s: Scene) -> list[Audited]:
    inquiry = raise_inquiry(s.msl, s.kol)
    inquiry = bring_to(inquiry, InquiryStatus.DELIVERED, author=s.medinfo, reviewer=s.reviewer)
    return [created(inquiry.delivery, s.medinfo)]


def interest_documented(s: Scene) -> list[Audited]:
    interest = inquiries.interest_record(
        actor=s.msl,
        kol=s.kol,
        product=ProductFactory(),
        topic=InsightTopicFactory(parent=InsightTopicFactory(name="Outcomes")),
        description="Long-term outcomes data",
        unsolicited_attested=True,
        requested_by="Dr Alvarez",
        requested_at=an_hour_ago(),
        request_setting="one_to_one",
    )
    return [created(interest, s.msl)]


def standard_response_added_changed_and_deleted(s: Scene) -> list[Audited]:
    response = admin_add(
        s,
        StandardResponse,
        document_number="SRD-0900",
        version="1",
        title="Dosing in renal impairment",
        body="No dose adjustment is needed in mild impairment.",
        approved_on=in_days(-10),
        expires_on=in_days(355),
    )
    admin_change(s, response, body="No dose adjustment is needed in mild or moderate impairment.")
    pk = admin_delete(s, response)
    return [created(response, s.admin), changed(response, s.admin), deleted(pk, s.admin)]


def service_level_changed_and_deleted(s: Scene) -> list[Audited]:
    # The migration seeds one level per urgency, and urgency is unique: nothing to add.
    urgent = ServiceLevel.objects.get(urgency="urgent")
    admin_change(s, urgent, business_days=2)
    pk = admin_delete(s, urgent)
    return [changed(urgent, s.admin), deleted(pk, s.admin)]


def inquiry_policy_changed(s: Scene) -> list[Audited]:
    # One row, never added or deleted in the admin.
    policy = admin_change(s, InquiryPolicy.current(), interest_validity_months=6)
    return [changed(policy, s.admin)]


def safety_report_opened_and_forwarded(s: Scene) -> list[Audited]:
    meeting = log_meeting(
        s,
        adverse_event_mentioned=True,
        safety={"patient": "woman in her 60s", "event": "Rash after the second infusion."},
    )
    report = meeting.safety_reports.get()
    # Forwarding is queued after the commit; run it here, as the task would.
    safety_report_forward(report.pk)
    return [created(report, s.msl), changed(report, None)]


def transfer_of_value_recorded(s: Scene) -> list[Audited]:
    transfer = transfer_of_value_record(
        actor=s.msl,
        interaction=log_meeting(s),
        kol=s.kol,
        kind="meal",
        amount=Decimal("20.00"),
        description="Working lunch",
    )
    # A transfer is corrected by amendment of the interaction, never edited in place.
    return [created(transfer, s.msl)]


def restricted_term_added_changed_and_deleted(s: Scene) -> list[Audited]:
    term = admin_add(
        s,
        RestrictedTerm,
        pattern="miracle",
        match_kind="word",
        fields=["interaction_notes", "insight_text"],
        severity="block",
        purpose="restricted",
        explanation="Claims of miracles are promotional.",
        is_active="on",
    )
    admin_change(s, term, fields=["interaction_notes"], suggestion="notable response")
    pk = admin_delete(s, term)
    return [created(term, s.admin), changed(term, s.admin), deleted(pk, s.admin)]


def required_field_added_changed_and_deleted(s: Scene) -> list[Audited]:
    rule = admin_add(s, RequiredInteractionField, interaction_type="congress", field="location")
    admin_change(s, rule, field="objectives")
    pk = admin_delete(s, rule)
    return [created(rule, s.admin), changed(rule, s.admin), deleted(pk, s.admin)]


def firewall_rule_changed_and_deleted(s: Scene) -> list[Audited]:
    # The migration writes one rule per role.
    rule = admin_change(s, FirewallRule.objects.get(role=Role.VIEWER), may_see_quotes=True)
    pk = admin_delete(s, rule)
    return [changed(rule, s.admin), deleted(pk, s.admin)]


def compliance_policy_changed(s: Scene) -> list[Audited]:
    # The data migration wrote the one row; the admin neither adds nor deletes it.
    policy = admin_change(s, CompliancePolicy.objects.get(pk=1), lock_window_hours=24)
    return [changed(policy, s.admin)]


def certification_recorded_changed_and_deleted(s: Scene) -> list[Audited]:
    certification = admin_add(
        s,
        ProductCertification,
        user=s.msl.pk,
        product=ProductFactory().pk,
        certified_on=in_days(-30),
        expires_on=in_days(335),
        source="recorded",
    )
    admin_change(s, certification, note="Renewed after the label update")
    pk = admin_delete(s, certification)
    return [created(certification, s.admin), changed(certification, s.admin), deleted(pk, s.admin)]


def threshold_added_changed_and_deleted(s: Scene) -> list[Audited]:
    threshold = admin_add(
        s, OpenPaymentsThreshold, program_year=2031, small_item="14.50", annual_total="145.00"
    )
    admin_change(s, threshold, annual_total="146.00")
    pk = admin_delete(s, threshold)
    return [created(threshold, s.admin), changed(threshold, s.admin), deleted(pk, s.admin)]


def product_added_changed_and_deleted(s: Scene) -> list[Audited]:
    product = admin_add(
        s,
        Product,
        name="Nephrozumab",
        therapeutic_area=TherapeuticAreaFactory().pk,
        is_marketed="on",
    )
    admin_change(s, product, generic_name="nephrozumab-abcd")
    pk = admin_delete(s, product)
    return [created(product, s.admin), changed(product, s.admin), deleted(pk, s.admin)]


def material_added_changed_and_deleted(s: Scene) -> list[Audited]:
    material = admin_add(
        s,
        ApprovedMaterial,
        title="Pivotal trial summary",
        document_number="MED-ONC-0900",
        version="1.0",
        url="https://medical.example.com/materials/pivotal.pdf",
        therapeutic_area=TherapeuticAreaFactory().pk,
        products=[ProductFactory().pk],
        approved_on=in_days(-10),
        expires_on=in_days(355),
        use="proactive",
    )
    admin_change(s, material, use="reactive_only")
    pk = admin_delete(s, material)
    return [created(material, s.admin), changed(material, s.admin), deleted(pk, s.admin)]


# A sequence across apps, services and the admin, people and the system, for the chain check.
MIXED_SEQUENCE = [
    "kols.KOL",
    "compliance.RestrictedTerm",
    "interactions.Interaction",
    "accounts.User",
    "inquiries.MedicalInquiry",
    "compliance.FirewallRule",
    "compliance.SafetyReport",
    "auth.Group",
    "compliance.TransferOfValue",
    "catalog.Product",
    "inquiries.DocumentedInterest",
    "compliance.CompliancePolicy",
]

WRITES = {
    "accounts.User": users_created_changed_and_given_roles,
    "auth.Group": roles_added_changed_and_deleted_in_the_admin,
    "accounts.Team": team_created_changed_and_deleted,
    "accounts.Territory": territory_created_changed_and_deleted,
    "kols.KOL": kol_created_and_changed_also_in_the_admin,
    "interactions.Interaction": interaction_logged_changed_submitted_and_a_draft_deleted,
    "interactions.Insight": insight_added,
    "interactions.FollowUp": follow_up_planned_and_completed,
    "inquiries.MedicalInquiry": inquiry_raised_corrected_and_answered,
    "inquiries.InquiryResponse": response_drafted_and_approved,
    "inquiries.Delivery": answer_delivered,
    "inquiries.DocumentedInterest": interest_documented,
    "inquiries.StandardResponse": standard_response_added_changed_and_deleted,
    "inquiries.ServiceLevel": service_level_changed_and_deleted,
    "inquiries.InquiryPolicy": inquiry_policy_changed,
    "compliance.SafetyReport": safety_report_opened_and_forwarded,
    "compliance.TransferOfValue": transfer_of_value_recorded,
    "compliance.RestrictedTerm": restricted_term_added_changed_and_deleted,
    "compliance.RequiredInteractionField": required_field_added_changed_and_deleted,
    "compliance.FirewallRule": firewall_rule_changed_and_deleted,
    "compliance.CompliancePolicy": compliance_policy_changed,
    "compliance.ProductCertification": certification_recorded_changed_and_deleted,
    "compliance.OpenPaymentsThreshold": threshold_added_changed_and_deleted,
    "catalog.Product": product_added_changed_and_deleted,
    "catalog.ApprovedMaterial": material_added_changed_and_deleted,
}


def trail_of(model, object_id):
    content_type = ContentType.objects.get_for_model(model)
    return AuditEntry.objects.filter(content_type=content_type, object_id=str(object_id))


# The tests.


def test_every_regulated_model_has_its_writes_exercised_here():
    # A model added to the list without a write to prove would pass unnoticed.
    assert set(WRITES) == set(REGULATED_MODELS)


@pytest.mark.parametrize("label", REGULATED_MODELS)
def test_the_admin_audits_a_regulated_model_or_refuses_to_write_it(scene, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None or isinstance(model_admin, AuditedAdminMixin):
        return  # not writable in the admin, or audited there (proven by the next test)
    assert isinstance(model_admin, ReadOnlyAdmin), (
        f"{label} is in the admin with {type(model_admin).__name__}, which neither audits "
        "its writes nor refuses them"
    )
    WRITES[label](scene)
    record = model._default_manager.first()
    client = scene.admin_client

    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "change", record.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert model._default_manager.filter(pk=record.pk).exists()


@pytest.mark.parametrize("label", REGULATED_MODELS)
def test_each_write_of_a_regulated_model_is_in_the_audit_trail(scene, label):
    model = apps.get_model(label)

    expected = WRITES[label](scene)

    assert expected, f"{label} has no write to check"
    for audited in expected:
        trail = trail_of(model, audited.object_id).order_by("sequence")
        assert trail.filter(action=audited.action, actor_name=audited.actor_name).exists(), (
            f"no {audited.action} of {label} #{audited.object_id} by {audited.actor_name}; "
            f"the trail holds {list(trail.values_list('action', 'actor_name'))}"
        )


@pytest.mark.parametrize("label", REGULATED_MODELS)
def test_the_trail_replays_to_each_records_current_state(scene, label):
    """An entry per write is not enough if a write changes more than its entry says: replaying
    a record's trail from its creation must give the record as stored."""
    model = apps.get_model(label)
    born_here = {a.object_id for a in WRITES[label](scene) if a.action == CREATE}

    for record in model._default_manager.filter(pk__in=born_here):
        replayed = {}
        for entry in trail_of(model, record.pk).order_by("sequence"):
            replayed |= {name: change["after"] for name, change in entry.changes.items()}
        stored = snapshot(record)
        # A masked field's value never enters the trail, only that it changed.
        for name in getattr(record, "audit_masked_fields", ()):
            replayed.pop(name, None)
            stored.pop(name, None)

        assert replayed == stored, f"{label} #{record.pk} changed beyond what its trail records"


def test_the_chain_still_verifies_after_a_mix_of_regulated_writes(scene):
    for label in MIXED_SEQUENCE:
        WRITES[label](scene)

    verification = audit_chain_verify()
    assert verification.ok, verification.problem
    assert verification.checked == AuditEntry.objects.count() > len(MIXED_SEQUENCE)


# Writes found outside the trail.


def test_a_products_indications_changed_in_the_admin_are_audited(scene):
    """What a product is approved for decides what is off-label. The admin edits indications
    inline on the product page, so that edit must reach the trail like the product's fields."""
    product = ProductFactory()

    admin_change(
        scene,
        product,
        **{
            "indications-TOTAL_FORMS": "1",
            "indications-0-description": "Second-line non-small-cell lung cancer",
            "indications-0-region": "US",
        },
    )

    assert product.indications.count() == 1
    assert (
        trail_of(Product, product.pk).exists()
        or trail_of(Indication, product.indications.get().pk).exists()
    ), "the indication was added in the admin and the audit trail does not show it"


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failed_attempt_to_forward_a_safety_report_is_audited(scene, settings):
    """Each attempt to reach drug safety is evidence of timely adverse-event reporting, and a
    failed one changes the report (its attempts and last error) as a sent one does."""
    report = log_meeting(scene, adverse_event_mentioned=True).safety_reports.get()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"

    with pytest.raises(ConnectionRefusedError):
        safety_report_forward(report.pk)

    report.refresh_from_db()
    assert report.attempts == 1
    assert trail_of(SafetyReport, report.pk).filter(action=UPDATE).exists(), (
        "the failed attempt changed the safety report and the audit trail does not show it"
    )
