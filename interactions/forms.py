from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from catalog.models import ApprovedMaterial, MaterialUse, Product
from catalog.selectors import insight_topic_choices
from compliance.forms import ComplianceFormMixin
from compliance.live_check import live_check_attrs
from compliance.models import CheckedText
from kols.selectors import kols_visible_to
from msl_crm.form_rendering import (
    OneQueryModelMultipleChoiceField,
    OptionsWhenUsedMultipleChoiceField,
)

from .models import FollowUp, Insight, Interaction, InteractionStatus
from .services import shareable_materials

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InteractionForm(ComplianceFormMixin, forms.ModelForm):
    """Plan or log an interaction. `version` carries the copy the user opened, so a save
    over someone else's newer save is refused instead of overwriting it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label="Why are you changing a submitted interaction?",
        required=False,
        max_length=500,
        help_text="Kept in the audit trail with the change.",
    )
    # The safety report's details: all optional, because drug safety would rather have an
    # incomplete report today than a complete one next week.
    ae_learned_at = forms.DateTimeField(
        label="When you learned of it",
        required=False,
        widget=DATETIME_WIDGET,
        help_text="Leave empty if it was during this meeting.",
    )
    ae_patient = forms.CharField(
        label="Patient", required=False, max_length=200, help_text="e.g. woman in her 60s"
    )
    ae_event = forms.CharField(
        label="What was said about the event",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Interaction
        fields = [
            "kols",
            "type",
            "channel",
            "planned_at",
            "occurred_at",
            "duration_minutes",
            "location",
            "internal_attendees",
            "objectives",
            "topics",
            "products",
            "materials_shared",
            "notes",
            "off_label_discussed",
            "adverse_event_mentioned",
        ]
        widgets = {
            "planned_at": DATETIME_WIDGET,
            "occurred_at": DATETIME_WIDGET,
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
            "kols": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {"kols": "KOLs", "materials_shared": "Approved materials shared"}
        field_classes = {
            "kols": OneQueryModelMultipleChoiceField,
            "internal_attendees": OneQueryModelMultipleChoiceField,
            "materials_shared": OptionsWhenUsedMultipleChoiceField,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kols"].queryset = (
            kols_visible_to(user).select_related("institution").order_by("last_name", "first_name")
        )
        if self.instance.pk and self.instance.planned_at and not self.instance.occurred_at:
            # Logging a planned meeting: it most likely happened when it was planned.
            self.initial["occurred_at"] = self.instance.planned_at
        # The label carries what the filter box searches: name, specialty and institution.
        self.fields["kols"].label_from_instance = lambda kol: (
            f"{kol.display_name} · {kol.specialty}"
            + (f" · {kol.institution.name}" if kol.institution else "")
        )
        self.fields["kols"].help_text = "Hold Ctrl (Cmd on a Mac) to choose several."
        self.fields["internal_attendees"].queryset = User.objects.filter(is_active=True).exclude(
            pk=user.pk
        )
        self.fields["topics"].queryset = insight_topic_choices()
        self.fields["products"].queryset = Product.objects.order_by("name")
        self.fields["materials_shared"].options_from(self._shareable_materials)
        self.fields["materials_shared"].label_from_instance = lambda material: (
            f"{material} (reactive only)"
            if material.use == MaterialUse.REACTIVE_ONLY
            else str(material)
        )
        self.fields["channel"].required = False
        self.fields["notes"].widget.attrs.update(live_check_attrs(CheckedText.INTERACTION_NOTES))
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if self.instance.status != InteractionStatus.SUBMITTED:
            del self.fields["change_reason"]
        else:
            self.fields["change_reason"].required = True

    def _shareable_materials(self):
        # Expired materials are never offered; reactive-only ones only where an unsolicited
        # inquiry or a documented interest of an attendee covers them.
        shareable = shareable_materials(
            self.instance if self.instance.pk else None, self._attendees()
        )
        if self.instance.pk:
            # Materials already recorded as shared stay choosable after they expire, so
            # editing a draft never silently drops them.
            shareable = ApprovedMaterial.objects.filter(
                Q(pk__in=shareable.values("pk")) | Q(interactions=self.instance)
            ).distinct()
        return shareable

    def _attendees(self):
        if self.is_bound:
            chosen = [pk for pk in self.data.getlist("kols") if str(pk).isdigit()]
            return self.fields["kols"].queryset.filter(pk__in=chosen)
        if self.instance.pk:
            return self.instance.kols.all()
        return self.fields["kols"].queryset.filter(pk__in=self.initial.get("kols") or [])

    def safety_details(self) -> dict:
        return {
            "learned_at": self.cleaned_data.get("ae_learned_at"),
            "patient": self.cleaned_data.get("ae_patient", ""),
            "event": self.cleaned_data.get("ae_event", ""),
        }

    def clean_ae_learned_at(self):
        learned_at = self.cleaned_data.get("ae_learned_at")
        if learned_at and learned_at > timezone.now():
            raise forms.ValidationError("This cannot be in the future.")
        return learned_at

    def relations(self) -> dict:
        names = ("internal_attendees", "topics", "products", "materials_shared")
        return {name: self.cleaned_data[name] for name in names}

    def service_fields(self) -> dict:
        skip = {"kols", "internal_attendees", "topics", "products", "materials_shared"}
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name not in skip}


class InsightForm(ComplianceFormMixin, forms.ModelForm):
    class Meta:
        model = Insight
        fields = ["kol", "topic", "category", "sentiment", "importance", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"kol": "From KOL"}

    def __init__(self, *args, interaction, **kwargs):
        super().__init__(*args, **kwargs)
        attendees = list(interaction.kols.all())
        self.fields["kol"].queryset = interaction.kols.all()
        if len(attendees) == 1:
            self.fields["kol"].initial = attendees[0].pk  # one attendee: nothing to choose
        self.fields["topic"].queryset = insight_topic_choices()
        self.fields["text"].widget.attrs.update(live_check_attrs(CheckedText.INSIGHT_TEXT))

    def insight_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["kind", "description", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}


class AmendmentForm(ComplianceFormMixin, forms.ModelForm):
    """Corrects the written record of a locked interaction; the original values stay on the
    amendment, so the page can show what was first submitted."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="Why the record is being corrected."
    )

    class Meta:
        model = Interaction
        fields = [
            "duration_minutes",
            "location",
            "objectives",
            "notes",
            "off_label_discussed",
            "adverse_event_mentioned",
        ]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs.update(live_check_attrs(CheckedText.INTERACTION_NOTES))

    def amended_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
