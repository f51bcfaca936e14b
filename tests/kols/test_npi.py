"""An NPI is ten digits whose last is a Luhn check digit (with the 80840 prefix); a typing
error is caught before it reaches the database."""

import pytest
from django.core.exceptions import ValidationError

from kols.identifiers import is_valid_npi, validate_npi
from kols.models import KOL
from tests.factories import KOLFactory, valid_npi
from tests.kols.pages import text

pytestmark = pytest.mark.django_db

FORMAT_MESSAGE = "An NPI has exactly 10 digits."
CHECK_DIGIT_MESSAGE = "This NPI's check digit is wrong: please check it for a typing error."

# Checked by hand against the CMS algorithm, independently of kols.identifiers.
VALID_NPIS = ["1234567893", "1913909960", "2821993518", "1815901396", "2852538885"]


def refusal(value):
    with pytest.raises(ValidationError) as error:
        validate_npi(value)
    return error.value


@pytest.mark.parametrize("npi", VALID_NPIS)
def test_a_valid_npi_passes(npi):
    validate_npi(npi)  # raises if refused
    assert is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "1913909961", "1234567839"])
def test_a_wrong_check_digit_is_refused(npi):
    error = refusal(npi)

    assert error.messages == [CHECK_DIGIT_MESSAGE]
    assert error.code == "npi_check_digit"
    assert not is_valid_npi(npi)


@pytest.mark.parametrize("npi", ["123456789", "12345678931", "123456789O", "12345 6789", ""])
def test_anything_but_ten_plain_digits_is_refused(npi):
    error = refusal(npi)

    assert error.messages == [FORMAT_MESSAGE]
    assert error.code == "npi_format"


# str.isdigit() is true for these too: 1234567893 in Arabic-Indic and in full-width digits,
# and a superscript two, which int() then cannot read.
NON_ASCII_DIGITS = [
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0663",
    "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff13",
    "123456789²",
]


@pytest.mark.parametrize("npi", NON_ASCII_DIGITS, ids=["arabic-indic", "full-width", "superscript"])
def test_an_npi_of_other_scripts_digits_is_refused_as_not_ten_digits(npi):
    error = refusal(npi)

    assert error.messages == [FORMAT_MESSAGE]
    assert not is_valid_npi(npi)


def test_the_factory_makes_valid_distinct_npis():
    npis = [valid_npi(n) for n in range(200)]

    assert all(is_valid_npi(npi) for npi in npis)
    assert len(set(npis)) == 200


def test_the_model_validates_the_npi():
    kol = KOLFactory.build(npi="1234567890", territory=None, institution=None)

    with pytest.raises(ValidationError) as error:
        kol.full_clean()

    assert error.value.message_dict["npi"] == [CHECK_DIGIT_MESSAGE]


def new_kol_form(territory, npi):
    return {
        "first_name": "Amelia",
        "last_name": "Okafor",
        "specialty": "Hematology",
        "npi": npi,
        "country": "US",
        "territory": territory.pk,
        "tier": "2",
        "preferred_channel": "in_person",
        "consent_status": "unknown",
    }


@pytest.mark.parametrize(
    ("npi", "message"),
    [("1234567890", CHECK_DIGIT_MESSAGE), ("12345678", FORMAT_MESSAGE)],
    ids=["check-digit", "length"],
)
def test_the_new_kol_form_refuses_an_invalid_npi(client, msl, organisation, npi, message):
    client.force_login(msl)

    response = client.post("/kols/new/", new_kol_form(organisation["boston"], npi))

    assert response.status_code == 200
    assert message in text(response)
    assert not KOL.objects.exists()


def test_the_new_kol_form_accepts_a_valid_npi(client, msl, organisation):
    client.force_login(msl)

    response = client.post("/kols/new/", new_kol_form(organisation["boston"], "1234567893"))

    kol = KOL.objects.get()
    assert response.status_code == 302
    assert kol.npi == "1234567893"


@pytest.mark.parametrize("npi", NON_ASCII_DIGITS, ids=["arabic-indic", "full-width", "superscript"])
def test_the_new_kol_form_refuses_an_npi_of_other_scripts_digits(client, msl, organisation, npi):
    client.force_login(msl)

    response = client.post("/kols/new/", new_kol_form(organisation["boston"], npi))

    assert response.status_code == 200
    assert FORMAT_MESSAGE in text(response)
    assert not KOL.objects.exists()
