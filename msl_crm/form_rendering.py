"""Select boxes that stay fast with hundreds of options.

Django renders a `<select>` by including a template for every `<option>`: about 0.1 ms
each, so the 400 KOLs of an MSL's territory cost 40 ms on every form that offers them. This
renderer writes the same markup itself for Django's own select templates and leaves every
other widget to the templates; the choice fields below read the options in one query.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """As Django's widgets/attrs.html: False drops the attribute, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _option(option: dict) -> str:
    return format_html(
        '<option value="{}"{}>{}</option>',
        str(option["value"]),
        mark_safe(_attrs(option["attrs"])),  # noqa: S308 - escaped in _attrs  # nosec B308 B703
        option["label"],
    )


def render_select(widget: dict) -> str | None:
    """The markup of Django's select template, or None where an option has its own
    template (then the templates render it)."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            markup = render_select(context["widget"])
            if markup is not None:
                return mark_safe(markup)  # noqa: S308 - all escaped in render_select  # nosec B308 B703
        return super().render(template_name, context, request)


class ChoicesInOneQuery(ModelChoiceIterator):
    """Reads the choices with one plain query. Django's own iterator streams them through a
    server-side cursor on PostgreSQL, which costs three round trips and a copy of the rows:
    twice the time of a plain read for an MSL's 400 KOLs. The rows stay on the form's copy
    of the queryset, so a form shown again after errors reads them once; validation still
    queries afresh."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for choice in self.queryset:
            yield self.choice(choice)


class OneQueryModelChoiceField(forms.ModelChoiceField):
    """For lists that grow with the data (KOLs, institutions, people)."""

    iterator = ChoicesInOneQuery


class OneQueryModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ChoicesInOneQuery

    def _check_values(self, value):
        # The chosen values are checked against the options without the order and the
        # related rows their labels show: a third less time on every save naming KOLs.
        # So the chosen records come unordered and without those related rows.
        shown = self._queryset
        self._queryset = shown.order_by().select_related(None)
        try:
            return super()._check_values(value)
        finally:
            self._queryset = shown


class ChoicesWhenShown(ChoicesInOneQuery):
    """Takes the field's options when they are listed, not when the form is made; read as
    `ChoicesInOneQuery` reads them."""

    def __init__(self, field):
        self.field = field

    @property
    def queryset(self):
        return self.field.queryset


class OptionsWhenUsedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """For options whose condition costs something to build (several querysets in one):
    `options_from(build)` builds it only when the form is shown or a choice is checked,
    so a save that chooses none of them never builds it."""

    iterator = ChoicesWhenShown

    def options_from(self, build) -> None:
        self._build = build

    @property
    def queryset(self):
        if self._build is not None:
            build, self._build = self._build, None
            self._queryset = build().all()
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._build = None
        forms.ModelMultipleChoiceField.queryset.fset(self, queryset)

    def clean(self, value):
        if not value and not self.required and self._build is not None:
            # Nothing chosen: nothing to check against the options.
            return self._queryset.none()
        return super().clean(value)
