"""Posting the forms the compliance rules read, the way the browser does."""

import datetime as dt

from django.utils import timezone

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def log_data(kol, **changes) -> dict:
    """A valid "log a meeting" form for one KOL, two hours ago; `changes` override fields
    (None removes one, as an unticked checkbox is left out)."""
    data = {
        "kols": [kol.pk],
        "type": "one_to_one",
        "channel": "in_person",
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime(TIME_FORMAT),
        "duration_minutes": "45",
        "notes": "Discussed five-year outcomes.",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def insight_data(kol, topic, **changes) -> dict:
    data = {
        "kol": kol.pk,
        "topic": topic.pk,
        "category": "unmet_need",
        "sentiment": "neutral",
        "importance": "3",
        "text": "Too few options after relapse.",
    }
    data.update(changes)
    return data


def inquiry_data(kol, **changes) -> dict:
    data = {
        "kol": kol.pk,
        "question": "Is there any data on dosing in moderate renal impairment?",
        "product": "",
        "topic": "",
        "response_channel": "email",
        "urgency": "standard",
        "requested_by": "Dr Maria Alvarez, oncologist",
        "requested_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime(TIME_FORMAT),
        "request_setting": "one_to_one",
        "unsolicited_attested": "on",
        "signature": "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def submit(client, interaction, **kwargs):
    return client.post(
        f"/interactions/{interaction.pk}/submit/", {"version": interaction.version}, **kwargs
    )


def acknowledge_checkbox_shown(html: str) -> bool:
    return 'type="checkbox" name="acknowledge_warnings"' in html
