from django import forms

from accounts.models import Team
from catalog.models import Product
from kols.selectors import kols_visible_to
from msl_crm.form_rendering import OneQueryModelChoiceField
from msl_crm.uploads import MAX_UPLOAD_BYTES

from .models import WatchTopic


class WatchTopicForm(forms.ModelForm):
    share_with_team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        label="Watch for my team",
        help_text="Leave empty to watch for yourself only.",
    )

    class Meta:
        model = WatchTopic
        fields = ["name", "terms", "therapeutic_area", "products"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "therapeutic_area": "Narrows the topic: items must also name the area or one of "
            "its products.",
            "products": "Narrows the topic further: items must also name one of these products "
            "(brand or generic name).",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_with_team"].queryset = Team.objects.filter(members=user)
        self.fields["products"].queryset = Product.objects.order_by("name")
        self.fields["products"].required = False

    def clean_terms(self):
        terms = [line.strip() for line in self.cleaned_data["terms"].splitlines() if line.strip()]
        if not terms:
            raise forms.ValidationError("Enter at least one term.")
        if any(len(term) < 3 for term in terms):
            raise forms.ValidationError("Each term needs at least three characters.")
        return "\n".join(terms)


class SaveToKOLForm(forms.Form):
    kol = OneQueryModelChoiceField(queryset=None, label="Save to KOL")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kol"].queryset = kols_visible_to(user).order_by("last_name", "first_name")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("pubmed", "PubMed efetch XML"), ("trials", "ClinicalTrials.gov API v2 JSON")]
    )
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB; split it."
            )
        name = upload.name.lower()
        if not name.endswith((".xml", ".json")):
            raise forms.ValidationError(
                "Upload a .xml (PubMed) or .json (ClinicalTrials.gov) file."
            )
        return upload
