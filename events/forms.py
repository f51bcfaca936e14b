from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from compliance.forms import ComplianceFormMixin
from kols.selectors import kols_visible_to
from msl_crm.form_rendering import OneQueryModelChoiceField, OneQueryModelMultipleChoiceField
from msl_crm.uploads import ACCEPTED, MAX_DOCUMENT_BYTES, document_type

from .models import (
    Event,
    EventKind,
    ExpectedKOL,
    Expense,
    ItineraryItem,
    LearningRecord,
    Trip,
)
from .selectors import events_visible_to, requirements_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DOCUMENT_HELP = f"{ACCEPTED}, up to {MAX_DOCUMENT_BYTES // 1024 // 1024} MB."


class ServiceFieldsMixin:
    """The cleaned values a service takes: the model's fields the form shows."""

    service_exclude: tuple[str, ...] = ()

    def service_fields(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.service_exclude and name != "acknowledge_warnings"
        }


class EventForm(ServiceFieldsMixin, ComplianceFormMixin, forms.ModelForm):
    service_exclude = ("attendees",)
    link = forms.URLField(
        required=False, assume_scheme="https", help_text="For webinars and virtual meetings."
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "location",
            "link",
            "therapeutic_area",
            "learning_hours",
            "description",
            "attendees",
            "notes",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
            "attendees": forms.SelectMultiple(attrs={"size": 6}),
        }
        labels = {"attendees": "Colleagues attending"}
        field_classes = {"attendees": OneQueryModelMultipleChoiceField}
        help_texts = {"attendees": "You attend what you organise."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[role.value for role in Role])
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["attendees"].required = False

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The event cannot end before it starts.")
        if cleaned.get("notes") and cleaned.get("kind") != EventKind.INTERNAL_MEETING:
            self.add_error("notes", "Minutes belong to internal meetings.")
        return cleaned


class ExpectedKOLForm(forms.ModelForm):
    class Meta:
        model = ExpectedKOL
        fields = ["kol", "participation", "session"]
        field_classes = {"kol": OneQueryModelChoiceField}
        labels = {"kol": "KOL"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kol"].queryset = kols_visible_to(user).order_by("last_name", "first_name")


class MeetingPlanForm(forms.Form):
    kol = OneQueryModelChoiceField(queryset=None, label="KOL")
    planned_at = forms.DateTimeField(label="When", widget=DATETIME)
    location = forms.CharField(
        max_length=200, required=False, help_text="Booth, room or hotel; the venue if empty."
    )
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Objectives"
    )

    def __init__(self, *args, user, event, **kwargs):
        # Shown on the event page next to ExpectedKOLForm, which also has a `kol` field: its
        # own ids keep each label tied to its own field.
        kwargs.setdefault("auto_id", "id_meeting_%s")
        super().__init__(*args, **kwargs)
        # The KOLs expected at the event first; any KOL in scope may still be met there.
        expected = ExpectedKOL.objects.filter(event=event, kol=OuterRef("pk"))
        self.fields["kol"].queryset = (
            kols_visible_to(user)
            .annotate(expected_here=Exists(expected))
            .order_by("-expected_here", "last_name", "first_name")
        )


class TripForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = Trip
        fields = ["purpose", "event", "departs_on", "returns_on"]
        widgets = {"departs_on": DATE, "returns_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = (
            events_visible_to(user)
            .filter(ends_on__gte=timezone.localdate())
            .exclude(kind=EventKind.WEBINAR)
        )

    def clean(self):
        cleaned = super().clean()
        departs, returns = cleaned.get("departs_on"), cleaned.get("returns_on")
        if departs and returns and returns < departs:
            self.add_error("returns_on", "The return cannot be before the departure.")
        return cleaned


class ItineraryItemForm(ServiceFieldsMixin, forms.ModelForm):
    class Meta:
        model = ItineraryItem
        fields = [
            "kind",
            "starts_at",
            "ends_at",
            "origin",
            "destination",
            "carrier",
            "confirmation_code",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "The end cannot be before the start.")
        return cleaned


def _checked_document(upload):
    # The service checks it too; checked here as well, a bad file is named even when another
    # field is wrong and the service never runs (rather than asked for again).
    if upload:
        document_type(upload)
    return upload


class ExpenseForm(ServiceFieldsMixin, forms.ModelForm):
    receipt = forms.FileField(required=False, help_text=DOCUMENT_HELP)

    class Meta:
        model = Expense
        fields = ["spent_on", "category", "description", "amount", "currency", "receipt"]
        widgets = {
            "spent_on": DATE,
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }

    def clean_amount(self):
        # The database refuses it too, but with a message only a developer reads.
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError("The amount must be more than zero.")
        return amount

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise forms.ValidationError("Use the three-letter currency code, such as USD or EUR.")
        return currency

    def clean_receipt(self):
        return _checked_document(self.cleaned_data["receipt"])


class LearningRecordForm(ServiceFieldsMixin, forms.ModelForm):
    certificate = forms.FileField(required=False, help_text=DOCUMENT_HELP)

    class Meta:
        model = LearningRecord
        fields = [
            "title",
            "kind",
            "provider",
            "event",
            "requirement",
            "completed_on",
            "hours",
            "certificate",
        ]
        widgets = {
            "completed_on": DATE,
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
        }
        labels = {"requirement": "Completes the required training", "event": "At the event"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].queryset = requirements_for(user).order_by("title")
        self.fields["event"].queryset = (
            events_visible_to(user)
            .filter(starts_on__lte=timezone.localdate())
            .order_by("-starts_on")
        )

    def clean_certificate(self):
        return _checked_document(self.cleaned_data["certificate"])

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError("Enter the hours spent, more than zero.")
        return hours

    def clean_completed_on(self):
        completed = self.cleaned_data["completed_on"]
        if completed > timezone.localdate():
            raise forms.ValidationError("Record learning once it is completed.")
        return completed


class CommentForm(ComplianceFormMixin):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment",
        help_text="Name a colleague as @username to notify them.",
        max_length=5000,
    )


class ShareInsightForm(forms.Form):
    insight = OneQueryModelChoiceField(queryset=None, label="One of your insights")

    def __init__(self, *args, insights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insight"].queryset = insights
        self.fields["insight"].label_from_instance = lambda insight: (
            f"{insight.created_at:%Y-%m-%d} · {insight.topic} · {insight.text[:70]}"
        )


class MentionPreferenceForm(forms.Form):
    email = forms.BooleanField(required=False, label="Also e-mail me when I am mentioned")
