"""Reading a KOL CSV file: every row checked against the same rules as the KOL form, with
nothing written, so the user sees a full error report before choosing what to import.

Fast enough for 20,000 rows: lookups are loaded once per file (territories, therapeutic
areas, institutions, existing KOLs by NPI and by name), never once per row.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import country_code_validator
from catalog.models import TherapeuticArea
from msl_crm.uploads import MAX_UPLOAD_BYTES

from .identifiers import normalise_orcid, validate_npi, validate_orcid
from .models import KOL, Channel, ConsentStatus, Institution, Tier
from .selectors import territories_for_filter

MAX_FILE_BYTES = MAX_UPLOAD_BYTES
MAX_ROWS = 50_000
LIST_SEPARATOR = ";"

REQUIRED_COLUMNS = ("first_name", "last_name", "specialty", "country", "territory")
OPTIONAL_COLUMNS = (
    "credentials",
    "institution",
    "institution_city",
    "npi",
    "orcid",
    "national_id",
    "national_id_type",
    "email",
    "phone",
    "city",
    "therapeutic_areas",
    "tier",
    "interests",
    "preferred_channel",
    "consent_status",
    "consent_date",
    "consent_source",
    "do_not_contact",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TEXT_LIMITS = {
    name: KOL._meta.get_field(name).max_length
    for name in (
        "first_name",
        "last_name",
        "credentials",
        "specialty",
        "national_id",
        "national_id_type",
        "phone",
        "city",
        "consent_source",
    )
}
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}


def norm(value: str) -> str:
    """How names are compared: case and spacing never make two different things."""
    return " ".join(value.split()).casefold()


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing in it is looked at row by row."""


@dataclass
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    reason: str


@dataclass
class ParsedRow:
    row: int
    fields: dict
    therapeutic_areas: list[TherapeuticArea]
    interests: list[str]
    # An institution to create: its normalised (name, city) and the spelling to store.
    institution_key: tuple[str, str] | None
    institution_label: tuple[str, str] | None = None
    existing_id: int | None = None
    # The columns the file has: an update writes only these, never blanking the rest.
    columns: frozenset[str] = frozenset()


@dataclass
class ImportPreview:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def to_create(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is None)

    @property
    def to_update(self) -> int:
        return sum(1 for row in self.rows if row.existing_id is not None)

    @property
    def new_institutions(self) -> int:
        return len({row.institution_key for row in self.rows if row.institution_key})


def decode(raw: bytes) -> str:
    if not raw.strip():
        raise ImportFileError("The file is empty.")
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: split it."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). In Excel, "
            "save it as “CSV UTF-8 (comma delimited)”."
        ) from error


def read_kol_csv(raw: bytes, *, user) -> ImportPreview:
    text = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        raise ImportFileError("The file has no header row.") from error
    columns = [name.strip().lower() for name in header]
    _check_header(columns)
    return _RowChecker(columns, user).check(reader)


def _check_header(columns: list[str]) -> None:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        problems.append(f"required column{'s' * (len(missing) > 1)} missing: {', '.join(missing)}")
    unknown = [name for name in columns if name not in ALL_COLUMNS]
    if unknown:
        problems.append(f"unknown column{'s' * (len(unknown) > 1)}: {', '.join(unknown)}")
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        problems.append(f"repeated column{'s' * (len(repeated) > 1)}: {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            "The header row is not as expected: " + "; ".join(problems) + ". "
            f"Expected columns: {', '.join(ALL_COLUMNS)}."
        )


class _RowChecker:
    def __init__(self, columns: list[str], user):
        self.columns = columns
        self.territories = {t.code.lower(): t for t in territories_for_filter(user)}
        self.areas = {a.name.lower(): a for a in TherapeuticArea.objects.all()}
        self.institutions = {(norm(i.name), norm(i.city)): i for i in Institution.objects.all()}
        self.institutions_by_name: dict[str, list[Institution]] = {}
        for institution in self.institutions.values():
            self.institutions_by_name.setdefault(norm(institution.name), []).append(institution)
        self.kol_by_npi = dict(KOL.objects.exclude(npi="").values_list("npi", "pk"))
        self.kol_npi = {pk: npi for npi, pk in self.kol_by_npi.items()}
        self.kol_territory = dict(KOL.objects.values_list("pk", "territory_id"))
        self.new_institution_labels: dict[tuple[str, str], tuple[str, str]] = {}
        self.kol_by_name = {
            (norm(first), norm(last), institution_id): pk
            for pk, first, last, institution_id in KOL.objects.filter(
                erased_at__isnull=True
            ).values_list("pk", "first_name", "last_name", "institution_id")
        }
        self.visible_territory_ids = {t.pk for t in self.territories.values()}
        self.seen_npi: dict[str, int] = {}
        self.seen_name: dict[tuple, int] = {}

    def check(self, reader: Iterable[list[str]]) -> ImportPreview:
        preview = ImportPreview()
        number = 1
        try:
            for number, values in enumerate(reader, start=2):
                self._check_one(preview, number, values)
        except csv.Error as error:
            raise ImportFileError(
                f"The file cannot be read as CSV after row {number}: {error}. Check for a "
                "quote that is opened and never closed."
            ) from error
        if preview.total_rows == 0:
            raise ImportFileError("The file has a header but no rows.")
        return preview

    def _check_one(self, preview: ImportPreview, number: int, values: list[str]) -> None:
        if not any(value.strip() for value in values):
            return  # blank lines are not rows
        preview.total_rows += 1
        if preview.total_rows > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
        errors: list[RowError] = []
        parsed = self._row(number, values, errors)
        if errors:
            preview.errors.extend(errors)
        else:
            preview.rows.append(parsed)

    def _row(self, number: int, values: list[str], errors: list[RowError]) -> ParsedRow | None:
        def fail(column: str, reason: str) -> None:
            errors.append(RowError(number, column, reason))

        if len(values) != len(self.columns):
            fail("", f"has {len(values)} values where the header has {len(self.columns)} columns")
            return None
        raw = {name: value.strip() for name, value in zip(self.columns, values, strict=True)}
        fields: dict = {}
        for name in REQUIRED_COLUMNS:
            if not raw.get(name):
                fail(name, "is required")
        for name, limit in TEXT_LIMITS.items():
            value = raw.get(name, "")
            if len(value) > limit:
                fail(name, f"is longer than {limit} characters")
            fields[name] = value

        country = raw.get("country", "").upper()
        if country:
            try:
                country_code_validator(country)
            except ValidationError as error:
                fail("country", error.messages[0])
        fields["country"] = country

        territory = self.territories.get(raw.get("territory", "").lower())
        if raw.get("territory") and territory is None:
            fail("territory", f"“{raw['territory']}” is not one of your territories' codes")
        fields["territory"] = territory

        npi = raw.get("npi", "")
        if npi:
            try:
                validate_npi(npi)
            except ValidationError as error:
                fail("npi", error.messages[0])
        fields["npi"] = npi

        orcid = normalise_orcid(raw.get("orcid", ""))
        if orcid:
            try:
                validate_orcid(orcid)
            except ValidationError as error:
                fail("orcid", error.messages[0])
        fields["orcid"] = orcid

        email = raw.get("email", "")
        if email:
            try:
                validate_email(email)
                if len(email) > KOL._meta.get_field("email").max_length:
                    raise ValidationError("too long")
            except ValidationError:
                fail("email", f"“{email[:80]}” is not a valid e-mail address")
        fields["email"] = email

        fields["tier"] = self._choice(raw.get("tier", ""), Tier, Tier.TIER_3, "tier", fail)
        fields["preferred_channel"] = self._choice(
            raw.get("preferred_channel", ""), Channel, Channel.IN_PERSON, "preferred_channel", fail
        )
        fields["consent_status"] = self._choice(
            raw.get("consent_status", ""),
            ConsentStatus,
            ConsentStatus.UNKNOWN,
            "consent_status",
            fail,
        )
        fields["consent_date"] = self._date(raw.get("consent_date", ""), fail)
        if fields["consent_status"] != ConsentStatus.UNKNOWN and not fields["consent_date"]:
            fail("consent_date", "is required when consent is granted or withdrawn")
        do_not_contact = raw.get("do_not_contact", "").lower()
        if do_not_contact not in YES | NO:
            fail("do_not_contact", f"“{raw['do_not_contact']}” is not yes or no")
        fields["do_not_contact"] = do_not_contact in YES

        areas = []
        for name in _split(raw.get("therapeutic_areas", "")):
            area = self.areas.get(name.lower())
            if area is None:
                fail("therapeutic_areas", f"“{name}” is not a therapeutic area in the catalog")
            else:
                areas.append(area)
        interests = [" ".join(name.split()) for name in _split(raw.get("interests", ""))]
        if any(len(name) > 80 for name in interests):
            fail("interests", "an interest is longer than 80 characters")

        institution, institution_key = self._institution(raw, fields["city"], fail)
        fields["institution"] = institution
        if errors:
            return None
        existing_id = self._match(number, fields, institution_key, fail)
        if errors:
            return None
        return ParsedRow(
            number,
            fields,
            areas,
            interests,
            institution_key,
            self.new_institution_labels.get(institution_key),
            existing_id,
            frozenset(self.columns),
        )

    def _choice(self, value: str, choices, default, column: str, fail):
        if not value:
            return default
        for choice_value, label in choices.choices:
            if value.lower() in {str(choice_value).lower(), label.lower()}:
                return choice_value
        allowed = ", ".join(str(choice_value) for choice_value, _ in choices.choices)
        fail(column, f"“{value}” is not one of {allowed}")
        return default

    def _date(self, value: str, fail) -> dt.date | None:
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            fail("consent_date", f"“{value}” is not a date as YYYY-MM-DD")
            return None

    def _institution(self, raw: dict, city: str, fail):
        name = raw.get("institution", "")
        if not name:
            return None, None
        institution_city = raw.get("institution_city", "") or city
        if len(name) > 200 or len(institution_city) > 120:
            fail("institution", "name over 200 or city over 120 characters")
            return None, None
        if institution_city:
            key = (norm(name), norm(institution_city))
            found = self.institutions.get(key)
            if found:
                return found, None
            self.new_institution_labels.setdefault(key, (name, institution_city))
            return None, key
        candidates = self.institutions_by_name.get(norm(name), [])
        if len(candidates) == 1:
            return candidates[0], None
        if candidates:
            fail("institution_city", f"several institutions are called “{name}”: give the city")
        else:
            fail("institution_city", "is needed to add a new institution")
        return None, None

    def _match(self, number: int, fields: dict, institution_key, fail) -> int | None:
        """The KOL this row describes, if known: by NPI, else by name and institution."""
        npi = fields["npi"]
        institution = fields["institution"]
        name_key = (
            norm(fields["first_name"]),
            norm(fields["last_name"]),
            institution.pk if institution else institution_key,
        )
        if npi:
            if npi in self.seen_npi:
                fail("npi", f"repeats the NPI of row {self.seen_npi[npi]}")
                return None
            self.seen_npi[npi] = number
        if name_key in self.seen_name:
            fail(
                "last_name",
                f"repeats the KOL of row {self.seen_name[name_key]} (same name and institution)",
            )
            return None
        self.seen_name[name_key] = number
        existing = self.kol_by_npi.get(npi) if npi else None
        if existing is None:
            by_name = self.kol_by_name.get(name_key)
            # Same name and institution but another NPI on record: another person.
            if by_name is not None and not (npi and self.kol_npi.get(by_name)):
                existing = by_name
        if (
            existing is not None
            and self.kol_territory.get(existing) not in self.visible_territory_ids
        ):
            fail("npi" if npi else "last_name", "matches a KOL outside your territories")
            return None
        return existing


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def template_csv() -> str:
    """An example file with every column, for users to start from."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ALL_COLUMNS)
    example = {
        "first_name": "Ada",
        "last_name": "Example",
        "specialty": "Medical Oncology",
        "country": "US",
        "territory": "US-NE-01",
        "credentials": "MD, PhD",
        "institution": "Beacon Hill University Hospital",
        "institution_city": "Boston",
        "npi": "1234567893",
        "email": "ada.example@hospital.example",
        "city": "Boston",
        "therapeutic_areas": "Oncology",
        "tier": "1",
        "interests": "CAR-T; biomarkers",
        "preferred_channel": "in_person",
        "consent_status": "granted",
        "consent_date": "2026-01-15",
        "consent_source": "Signed form",
        "do_not_contact": "no",
    }
    writer.writerow([example.get(name, "") for name in ALL_COLUMNS])
    return out.getvalue()
