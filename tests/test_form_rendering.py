"""Select boxes written in Python must be the markup Django's templates write, and choice
lists that grow with the data must be read with one plain query."""

import re

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test.utils import CaptureQueriesContext

from msl_crm.form_rendering import FormRenderer
from tests.factories import InstitutionFactory, KOLFactory


def normalised(markup: str) -> str:
    # Django's option template ends with a newline, which leaves blank lines between options.
    return re.sub(r"\n\s*\n", "\n", markup)


class EveryKindOfSelect(forms.Form):
    plain = forms.ChoiceField(
        choices=[("1", "One & <b>two</b>"), ('x"y', "Quoted")],
        widget=forms.Select(
            attrs={"class": "form-select", "data-note": 'a"b', "disabled": True, "hidden": False}
        ),
    )
    grouped = forms.MultipleChoiceField(
        choices=[("Group <1>", [("1", "A"), ("2", "B")]), ("3", "C")]
    )
    yes_no = forms.NullBooleanField()
    number = forms.TypedChoiceField(choices=[(1, "1"), (2, "2")], coerce=int, required=False)


class OwnOptionTemplate(forms.Select):
    option_template_name = "django/forms/widgets/attrs.html"


@pytest.mark.parametrize("data", [None, {"plain": 'x"y', "grouped": ["1", "3"], "yes_no": "true"}])
def test_select_boxes_are_the_markup_of_djangos_templates(data):
    form = EveryKindOfSelect(data)
    for name, field in form.fields.items():
        bound = form[name]
        args = (name, bound.value(), {"id": f"id_{name}"})
        expected = field.widget.render(*args, renderer=DjangoTemplates())
        assert normalised(field.widget.render(*args, renderer=FormRenderer())) == normalised(
            expected
        )


def test_labels_and_values_are_escaped():
    markup = EveryKindOfSelect()["plain"].as_widget()
    assert "One &amp; &lt;b&gt;two&lt;/b&gt;" in markup
    assert 'value="x&quot;y"' in markup
    assert 'data-note="a&quot;b"' in markup
    assert "hidden" not in markup


def test_a_widget_with_its_own_option_template_keeps_it():
    widget = OwnOptionTemplate(choices=[("1", "One")])
    markup = widget.render("own", "1", renderer=FormRenderer())
    assert markup == widget.render("own", "1", renderer=DjangoTemplates())
    assert "<option" not in markup


def test_the_project_renders_forms_with_it(settings):
    assert settings.FORM_RENDERER == "msl_crm.form_rendering.FormRenderer"


@pytest.mark.django_db
def test_the_kols_of_a_territory_are_offered_in_one_plain_query(client, msl, organisation):
    institution = InstitutionFactory(name="Dana <Farber>")
    for number in range(30):
        KOLFactory(
            territory=organisation["boston"],
            last_name=f"Ableton{number:02}",
            institution=institution,
        )
    client.force_login(msl)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/interactions/new/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Ableton") == 30
    assert "Dana &lt;Farber&gt;" in body
    kol_reads = [query["sql"] for query in captured if '"kols_kol"' in query["sql"]]
    # On PostgreSQL Django's own choice iterator would DECLARE a server-side cursor.
    assert kol_reads
    assert not any(sql.lstrip().upper().startswith("DECLARE") for sql in kol_reads)
