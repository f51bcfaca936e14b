"""Read ClinicalTrials.gov API v2 JSON (a `studies` list, or one study) into plain records."""

import datetime as dt
import json
from dataclasses import dataclass, field

from .pubmed import LiteratureFileError, PersonRecord


@dataclass
class TrialRecord:
    nct_id: str
    title: str
    status: str = ""
    phase: str = ""
    conditions: list[str] = field(default_factory=list)
    interventions: list[str] = field(default_factory=list)
    sponsor: str = ""
    locations: list[str] = field(default_factory=list)
    start_date: dt.date | None = None
    completion_date: dt.date | None = None
    investigators: list[PersonRecord] = field(default_factory=list)


def parse_trials(content: bytes | str) -> list[TrialRecord]:
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise LiteratureFileError(f"Not readable JSON: {error}") from None
    studies = data.get("studies") if isinstance(data, dict) and "studies" in data else [data]
    if not isinstance(studies, list):
        raise LiteratureFileError("Expected ClinicalTrials.gov API v2 JSON with a studies list.")
    return [_trial(number, study) for number, study in enumerate(studies, start=1)]


def _trial(number: int, study) -> TrialRecord:
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    if not isinstance(protocol, dict):
        raise LiteratureFileError(f"Study {number} has no protocolSection.")
    ident = protocol.get("identificationModule", {})
    nct_id, title = ident.get("nctId", ""), ident.get("briefTitle") or ident.get("officialTitle")
    if not nct_id or not title:
        raise LiteratureFileError(f"Study {number} has no NCT id or no title.")
    status = protocol.get("statusModule", {})
    contacts = protocol.get("contactsLocationsModule", {})
    return TrialRecord(
        nct_id=nct_id,
        title=title,
        status=status.get("overallStatus", ""),
        phase=", ".join(protocol.get("designModule", {}).get("phases", [])),
        conditions=list(protocol.get("conditionsModule", {}).get("conditions", [])),
        interventions=[
            item.get("name", "")
            for item in protocol.get("armsInterventionsModule", {}).get("interventions", [])
        ],
        sponsor=protocol.get("sponsorCollaboratorsModule", {})
        .get("leadSponsor", {})
        .get("name", ""),
        locations=[
            ", ".join(
                filter(None, [place.get("facility"), place.get("city"), place.get("country")])
            )
            for place in contacts.get("locations", [])
        ],
        start_date=_date(status.get("startDateStruct", {}).get("date")),
        completion_date=_date(status.get("completionDateStruct", {}).get("date")),
        investigators=[
            _investigator(person)
            for person in contacts.get("overallOfficials", [])
            if person.get("name")
        ],
    )


def _investigator(person: dict) -> PersonRecord:
    # ClinicalTrials.gov gives one name ("Maria Alvarez, MD"); keep the surname last.
    name = person["name"].split(",")[0].strip()
    first, _, last = name.rpartition(" ")
    return PersonRecord(
        last_name=last or name,
        first_name=first,
        affiliation=person.get("affiliation", ""),
        role=person.get("role", "").replace("_", " ").title(),
    )


def _date(value) -> dt.date | None:
    if not value:
        return None
    parts = str(value).split("-")
    try:
        return dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
    except (ValueError, IndexError):
        return None
