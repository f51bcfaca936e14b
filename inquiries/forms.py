import base64
import binascii

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from catalog.models import Product
from catalog.selectors import insight_topic_choices
from compliance.forms import ComplianceFormMixin
from compliance.live_check import live_check_attrs
from compliance.models import CheckedText
from kols.selectors import kols_visible_to
from msl_crm.form_rendering import OneQueryModelChoiceField

from .models import DocumentedInterest, MedicalInquiry, ResponseChannel
from .selectors import usable_standard_responses

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
PNG_DATA_URL_PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SignatureField(forms.CharField):
    """The KOL's signature as the signature pad posts it (a PNG data URL), read to bytes."""

    widget = forms.HiddenInput(attrs={"data-signature-input": ""})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not value.startswith(PNG_DATA_URL_PREFIX):
            raise forms.ValidationError("The signature could not be read; clear it and sign again.")
        try:
            image = base64.b64decode(value[len(PNG_DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(
                "The signature could not be read; clear it and sign again."
            ) from None
        if not image.startswith(PNG_MAGIC):
            raise forms.ValidationError("The signature could not be read; clear it and sign again.")
        return image


class UnsolicitedRequestForm(ComplianceFormMixin, forms.ModelForm):
    """What inquiries and documented interests both ask: the KOL, who asked, when and
    where, the attestation and, where required, the KOL's signature."""

    signature = SignatureField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kol"].queryset = (
            kols_visible_to(user).select_related("institution").order_by("last_name", "first_name")
        )
        self.fields["kol"].label = "KOL"
        # A listbox the search box above it filters (static/js/option-filter.js).
        self.fields["kol"].widget.attrs["size"] = 6
        self.fields["kol"].label_from_instance = lambda kol: (
            f"{kol.display_name} · {kol.specialty}"
            + (f" · {kol.institution.name}" if kol.institution else "")
        )
        self.fields["topic"].queryset = insight_topic_choices()
        self.fields["product"].queryset = Product.objects.order_by("name")
        self.fields["requested_at"].widget = DATETIME_WIDGET
        self.fields["requested_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["requested_by"].help_text = "Name and role of the person who asked."
        self.fields["unsolicited_attested"].required = True
        self.fields["unsolicited_attested"].error_messages["required"] = (
            "Attest that the KOL asked unprompted; a solicited request cannot be raised."
        )

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class InquiryForm(UnsolicitedRequestForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].widget.attrs.update(live_check_attrs(CheckedText.INQUIRY_QUESTION))

    class Meta:
        model = MedicalInquiry
        field_classes = {"kol": OneQueryModelChoiceField}
        fields = [
            "kol",
            "question",
            "product",
            "topic",
            "off_label",
            "adverse_event_mentioned",
            "response_channel",
            "urgency",
            "requested_by",
            "requested_at",
            "request_setting",
            "unsolicited_attested",
        ]
        widgets = {"question": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "question": "Write down the question as the KOL asked it.",
            "off_label": "The question concerns a use outside the approved label.",
            "adverse_event_mentioned": "The KOL described something that may be a side effect "
            "in a patient; the safety path applies.",
        }


class InquiryEditForm(InquiryForm):
    """The raising MSL's correction of an inquiry nobody has picked up yet."""

    signature = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["unsolicited_attested"]
        if self.instance.is_signed:
            for name in ("kol", "question", "response_channel"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Signed by the KOL; it no longer changes."

    def service_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields and not self.fields[name].disabled
        }


class InterestForm(UnsolicitedRequestForm):
    class Meta:
        model = DocumentedInterest
        field_classes = {"kol": OneQueryModelChoiceField}
        fields = [
            "kol",
            "product",
            "topic",
            "description",
            "requested_by",
            "requested_at",
            "request_setting",
            "unsolicited_attested",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SignForm(forms.Form):
    signature = SignatureField(required=True)


def medical_information_users():
    return User.objects.filter(groups__name=Role.MEDICAL_INFORMATION, is_active=True).order_by(
        "last_name", "username"
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label="Assign to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = medical_information_users()
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class StandardResponseForm(forms.Form):
    standard_response = forms.ModelChoiceField(
        queryset=None, label="Approved standard response", empty_label="Choose…"
    )

    def __init__(self, *args, product=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_response"].queryset = usable_standard_responses(product)


class CustomResponseForm(ComplianceFormMixin, forms.Form):
    custom_text = forms.CharField(
        label="Custom response",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A second Medical Information colleague must approve it before it goes out.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custom_text"].widget.attrs.update(
            live_check_attrs(CheckedText.CUSTOM_RESPONSE)
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Send back")], widget=forms.RadioSelect
    )
    review_note = forms.CharField(
        label="Note", required=False, max_length=500, help_text="Required when sending back."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("review_note", "").strip():
            self.add_error("review_note", "Say what needs to change.")
        return cleaned


class DeliveryForm(forms.Form):
    channel = forms.ChoiceField(choices=ResponseChannel.choices)
    delivered_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    delivered_to = forms.CharField(max_length=200, help_text="Name (and address) of the recipient.")

    def __init__(self, *args, inquiry: MedicalInquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = inquiry.response_channel
        self.fields["delivered_on"].initial = timezone.localdate()
        self.fields["delivered_to"].initial = inquiry.kol.display_name


class ConfirmForm(forms.Form):
    """A step that needs nothing but the button (and the CSRF token)."""


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why cancel")
