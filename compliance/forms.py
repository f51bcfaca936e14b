from django import forms

from .engine import ComplianceBlock, RuleRefusal
from .models import TransferOfValue


class ComplianceFormMixin(forms.Form):
    """For forms whose text the restricted-term engine reads: shows a refusal under the
    field it came from and, for warnings, offers the acknowledgement that lets the save
    through."""

    acknowledge_warnings = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="I have read the compliance warnings above and confirm the wording is appropriate",
    )

    def show_compliance(self, block: ComplianceBlock | RuleRefusal) -> None:
        for field, messages in block.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
        if getattr(block, "acknowledgeable", False):
            self.fields["acknowledge_warnings"].widget = forms.CheckboxInput()
            self.compliance_warned = True

    @property
    def acknowledged(self) -> bool:
        return bool(self.cleaned_data.get("acknowledge_warnings"))


def add_service_error(form: forms.Form, error) -> None:
    """Show a service's refusal on the form: under the fields it names where the form has
    them, above the form otherwise (never a 500 for a field the form does not show)."""
    if isinstance(error, ComplianceBlock | RuleRefusal) and isinstance(form, ComplianceFormMixin):
        form.show_compliance(error)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TransferOfValueForm(ComplianceFormMixin, forms.ModelForm):
    class Meta:
        model = TransferOfValue
        fields = ["kol", "kind", "amount", "currency", "description"]
        labels = {"kol": "Given to"}
        widgets = {"amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"})}

    def __init__(self, *args, interaction, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kol"].queryset = interaction.kols.all()
        self.fields["currency"].widget.attrs.update({"maxlength": 3, "size": 4})

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
