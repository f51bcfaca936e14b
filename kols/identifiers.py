"""Healthcare-professional identifiers and how to check them."""

import re

from django.core.exceptions import ValidationError

# ASCII digits only: str.isdigit() also accepts "²" or Arabic-Indic digits.
NPI_FORMAT = re.compile(r"[0-9]{10}")

# The NPI check digit is a Luhn digit computed as if the number carried the ISO card-issuer
# prefix 80840 (CMS, "NPI check digit"); adding the prefix's fixed contribution of 24 to the
# sum over the first nine digits gives the same result.
NPI_PREFIX_SUM = 24


def npi_check_digit(first_nine: str) -> int:
    total = NPI_PREFIX_SUM
    for position, char in enumerate(reversed(first_nine)):
        digit = int(char)
        if position % 2 == 0:  # every other digit from the right, starting with the rightmost
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    return bool(NPI_FORMAT.fullmatch(value)) and npi_check_digit(value[:9]) == int(value[9])


def validate_npi(value: str) -> None:
    if not NPI_FORMAT.fullmatch(value):
        raise ValidationError("An NPI has exactly 10 digits.", code="npi_format")
    if not is_valid_npi(value):
        raise ValidationError(
            "This NPI's check digit is wrong: please check it for a typing error.",
            code="npi_check_digit",
        )


# ORCID iD: four groups of four, the last character a MOD 11-2 check digit (0-9 or X).
ORCID_FORMAT = re.compile(r"[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]")


def orcid_check_digit(digits: str) -> str:
    total = 0
    for char in digits:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """An ORCID as people paste it (a URL, lower-case x) in its canonical form."""
    value = value.strip().removeprefix("https://orcid.org/").removeprefix("http://orcid.org/")
    return value.upper()


def validate_orcid(value: str) -> None:
    if not ORCID_FORMAT.fullmatch(value):
        raise ValidationError("An ORCID iD looks like 0000-0002-1825-0097.", code="orcid_format")
    if orcid_check_digit(value.replace("-", "")[:15]) != value[-1]:
        raise ValidationError(
            "This ORCID iD's check digit is wrong: please check it for a typing error.",
            code="orcid_check_digit",
        )
