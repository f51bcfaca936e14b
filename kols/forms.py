from django import forms
from django.utils.html import format_html

from catalog.models import TherapeuticArea
from msl_crm.form_rendering import OneQueryModelChoiceField

from .identifiers import normalise_orcid, validate_orcid
from .models import KOL, KOL_EDITABLE_FIELDS, EngagementPlan, Institution
from .selectors import kol_find_by_npi, kols_visible_to, territories_for_filter


class KOLForm(forms.ModelForm):
    """Create or edit a KOL. Interests are typed as comma-separated tags."""

    orcid = forms.CharField(
        label="ORCID iD",
        required=False,
        max_length=60,  # room for the https://orcid.org/ address people paste
        help_text="Matches the KOL's publications for certain, e.g. 0000-0002-1825-0097.",
    )

    interests_text = forms.CharField(
        label="Interests",
        required=False,
        help_text="Comma-separated, e.g. CAR-T, biomarkers, real-world evidence.",
    )

    class Meta:
        model = KOL
        fields = [*KOL_EDITABLE_FIELDS, "therapeutic_areas"]
        widgets = {
            "consent_date": forms.DateInput(attrs={"type": "date"}),
            "therapeutic_areas": forms.CheckboxSelectMultiple,
        }
        field_classes = {"institution": OneQueryModelChoiceField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["territory"].queryset = territories_for_filter(user)
        self.fields["territory"].required = True
        self.fields["institution"].queryset = Institution.objects.order_by("name")
        self.fields["therapeutic_areas"].queryset = TherapeuticArea.objects.order_by("name")
        self.fields["country"].widget.attrs.update({"maxlength": 2, "placeholder": "US"})
        if self.instance.pk:
            names = self.instance.interests.values_list("name", flat=True)
            self.fields["interests_text"].initial = ", ".join(names)

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

    def clean_orcid(self):
        orcid = normalise_orcid(self.cleaned_data["orcid"])
        if orcid:
            validate_orcid(orcid)
            if KOL.objects.filter(orcid=orcid).exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    "Another KOL already has this ORCID iD.", code="duplicate_orcid"
                )
        return orcid

    def clean_npi(self):
        npi = self.cleaned_data["npi"].strip()
        existing = kol_find_by_npi(npi)
        if existing and existing.pk != self.instance.pk:
            if not kols_visible_to(self.user).filter(pk=existing.pk).exists():
                # Say that it exists (a duplicate must be refused) but not who it is.
                raise forms.ValidationError(
                    "A KOL with this NPI already exists outside your territories; ask your "
                    "manager or compliance to check it.",
                    code="duplicate_npi",
                )
            raise forms.ValidationError(
                format_html(
                    'A KOL with this NPI already exists: <a href="{}">{}</a>.',
                    existing.get_absolute_url(),
                    existing.display_name,
                ),
                code="duplicate_npi",
            )
        return npi

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent_status") in {"granted", "withdrawn"} and not cleaned.get(
            "consent_date"
        ):
            self.add_error("consent_date", "Give the date consent was granted or withdrawn.")
        return cleaned

    def interest_names(self) -> list[str]:
        return [name for name in self.cleaned_data["interests_text"].split(",") if name.strip()]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in KOL_EDITABLE_FIELDS}


class ErasureForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. the request reference and who asked. It is kept in the audit trail.",
    )
    confirm_name = forms.CharField(label="Type the KOL's last name to confirm")

    def __init__(self, *args, kol, **kwargs):
        super().__init__(*args, **kwargs)
        self.kol = kol

    def clean_confirm_name(self):
        typed = self.cleaned_data["confirm_name"].strip()
        if typed.lower() != self.kol.last_name.lower():
            raise forms.ValidationError("That is not this KOL's last name.")
        return typed


class EngagementPlanForm(forms.ModelForm):
    class Meta:
        model = EngagementPlan
        fields = ["year", "status", "planned_touchpoints", "objectives"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"objectives": "What medical affairs wants to learn or achieve with this KOL."}

    def __init__(self, *args, kol, **kwargs):
        super().__init__(*args, **kwargs)
        self.kol = kol
        self.instance.kol = kol
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Give a year between 2000 and 2100.")
        taken = EngagementPlan.objects.filter(kol=self.kol, year=year).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"This KOL already has a plan for {year}: edit that one.")
        return year
