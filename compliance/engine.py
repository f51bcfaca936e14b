"""The restricted-term engine: the one place that reads regulated free text, both when a
record is saved and while the user types (the live check).

Admins write the terms, so a pattern may be slow on some texts. Every match runs under
the `regex` library's timeout, and a pattern that cannot get through a set of adversarial
probe texts within that bound is refused when it is saved.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, wraps

import regex
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from .config import compliance_config
from .models import (
    CheckedText,
    MatchKind,
    RestrictedTerm,
    Severity,
    TermPurpose,
    Violation,
    ViolationOutcome,
)

logger = logging.getLogger(__name__)

MATCH_TIMEOUT_SECONDS = 0.05
# Field notes and questions are paragraphs, not documents; beyond this the checks could not
# promise to finish in time.
MAX_CHECKED_CHARS = 20_000
MAX_HITS_PER_TERM = 5
EXCERPT_CHARS = 30
# Texts on which patterns prone to catastrophic backtracking explode.
PROBE_TEXTS = (
    "a" * 3000 + "!",
    "x" * 3000,
    "word " * 600 + "!",
    "1" * 3000 + "a",
    " " * 3000 + ".",
    "ab" * 1500 + "!",
)
# The form field each checked text is typed into, so a hit shows under that field.
FORM_FIELD = {
    CheckedText.INTERACTION_NOTES: "notes",
    CheckedText.INSIGHT_TEXT: "text",
    CheckedText.INQUIRY_QUESTION: "question",
    CheckedText.CUSTOM_RESPONSE: "custom_text",
    CheckedText.COMMENT_TEXT: "text",
    CheckedText.MEETING_NOTES: "notes",
}


@dataclass(frozen=True)
class Hit:
    term: RestrictedTerm
    field: str
    text: str
    start: int
    end: int

    @property
    def matched(self) -> str:
        return self.text[self.start : self.end]

    @property
    def blocks(self) -> bool:
        return self.term.purpose == TermPurpose.RESTRICTED and self.term.severity == Severity.BLOCK

    @property
    def is_adverse_event(self) -> bool:
        return self.term.purpose == TermPurpose.ADVERSE_EVENT

    def excerpt(self) -> tuple[str, str, str]:
        before = self.text[max(0, self.start - EXCERPT_CHARS) : self.start]
        after = self.text[self.end : self.end + EXCERPT_CHARS]
        return (
            ("…" if self.start > EXCERPT_CHARS else "") + before,
            self.matched,
            after + ("…" if self.end + EXCERPT_CHARS < len(self.text) else ""),
        )

    def message(self):
        before, matched, after = self.excerpt()
        if self.is_adverse_event:
            return format_html(
                "“{}<mark>{}</mark>{}” may describe an adverse event. {} If it does, tick "
                "“Mentions a possible adverse event” so drug safety hears of it; if not, "
                "confirm below.",
                before,
                matched,
                after,
                self.term.explanation,
            )
        suggestion = (
            format_html(" Suggested wording: <em>{}</em>.", self.term.suggestion)
            if self.term.suggestion
            else ""
        )
        return format_html(
            "“{}<mark>{}</mark>{}”: {}{}",
            before,
            matched,
            after,
            self.term.explanation,
            suggestion,
        )


class ComplianceBlock(ValidationError):
    """The text hit a blocking rule, or warnings the user has not acknowledged yet."""

    def __init__(self, hits: list[Hit], *, acknowledgeable: bool, record=None, unchecked=None):
        self.hits = hits
        self.acknowledgeable = acknowledgeable
        # The saved record the text belongs to, when there is one (a submission).
        self.record = record
        messages: dict[str, list] = {}
        for hit in hits:
            messages.setdefault(FORM_FIELD[hit.field], []).append(hit.message())
        for field, extra in (unchecked or {}).items():
            messages.setdefault(field, []).extend(extra)
        super().__init__(messages)


class RuleRefusal(ValidationError):
    """A rule about the record as a whole (not its wording) refused the step, e.g. an
    off-label discussion without a linked inquiry. `problems` maps fields to messages."""

    def __init__(
        self,
        problems: dict[str, list[str]],
        *,
        rule_problems,
        record=None,
        acknowledgeable: bool = False,
    ):
        self.rule_problems = rule_problems
        self.record = record
        # A warning-level rule: the user may acknowledge it and save.
        self.acknowledgeable = acknowledgeable
        super().__init__(problems)


def term_source(term: RestrictedTerm) -> str:
    if term.match_kind == MatchKind.PATTERN:
        return term.pattern
    words = term.pattern.split()
    body = r"\s+".join(regex.escape(word) for word in words)
    # Whole words only where the term starts or ends with a word character.
    start = r"\b" if words and regex.match(r"\w", words[0]) else ""
    end = r"\b" if words and regex.search(r"\w$", words[-1]) else ""
    return start + body + end


@lru_cache(maxsize=512)
def _compiled(source: str, case_sensitive: bool):
    return regex.compile(source, 0 if case_sensitive else regex.IGNORECASE)


def compile_term(term: RestrictedTerm):
    return _compiled(term_source(term), term.case_sensitive)


def validate_term(term: RestrictedTerm) -> None:
    """Refuse a term that is not valid, matches nothing in particular, or is too slow."""
    errors: dict[str, str] = {}
    if not term.fields or not set(term.fields) <= set(CheckedText.values):
        errors["fields"] = "Choose at least one field the rule reads."
    if not term.pattern.strip():
        errors["pattern"] = "Enter a word, phrase or pattern."
    else:
        try:
            compiled = compile_term(term)
        except regex.error as error:
            errors["pattern"] = f"Not a valid regular expression: {error}."
        else:
            if compiled.search("", timeout=MATCH_TIMEOUT_SECONDS):
                errors["pattern"] = "The pattern matches empty text, so it would flag everything."
            else:
                for probe in PROBE_TEXTS:
                    try:
                        compiled.search(probe, timeout=MATCH_TIMEOUT_SECONDS)
                    except TimeoutError:
                        errors["pattern"] = (
                            "The pattern takes too long on some texts (it backtracks "
                            "catastrophically); simplify it, e.g. avoid nested repetition "
                            "such as (a+)+."
                        )
                        break
    if errors:
        raise ValidationError(errors)


def active_terms() -> list[RestrictedTerm]:
    return compliance_config().active_terms


TIMEOUT_MESSAGE = (
    "This text could not be checked against the compliance rules in time; shorten it or "
    "split it, then save again."
)


def scan(texts: dict[str, str], terms: Iterable[RestrictedTerm] | None = None) -> list[Hit]:
    """Every hit of every active term in the given texts ({checked field: text}); a term
    that runs out of time is skipped (the live check)."""
    return _scan(texts, terms)[0]


def _scan(texts, terms=None) -> tuple[list[Hit], list[tuple[RestrictedTerm, str]]]:
    """The hits, and the (term, field) pairs whose matching ran out of time."""
    terms = active_terms() if terms is None else list(terms)
    hits: list[Hit] = []
    timed_out: list[tuple[RestrictedTerm, str]] = []
    for field, text in texts.items():
        if not text:
            continue
        for term in terms:
            if field not in term.fields:
                continue
            try:
                matches = compile_term(term).finditer(text, timeout=MATCH_TIMEOUT_SECONDS)
                for count, match in enumerate(matches):
                    if count >= MAX_HITS_PER_TERM:
                        break
                    if match.end() > match.start():
                        hits.append(Hit(term, field, text, match.start(), match.end()))
            except (TimeoutError, regex.error):
                # Never hang a request on one slow pattern.
                logger.warning("Restricted term %s timed out; skipped", term.pk)
                timed_out.append((term, field))
    return hits, timed_out


def screen(
    texts: dict[str, str],
    *,
    acknowledged: bool = False,
    adverse_event_flagged: bool = False,
    record=None,
) -> list[Hit]:
    """Check the texts a service is about to save. Raises ComplianceBlock on a blocking hit,
    or on warnings not yet acknowledged; returns the acknowledged hits, which the service
    records with the saved record (`violations_record`)."""
    too_long = {
        FORM_FIELD[field]: [
            f"Keep this under {MAX_CHECKED_CHARS:,} characters: longer text cannot be "
            "checked against the compliance rules."
        ]
        for field, text in texts.items()
        if text and len(text) > MAX_CHECKED_CHARS
    }
    if too_long:
        raise ComplianceBlock([], acknowledgeable=False, record=record, unchecked=too_long)
    hits, timed_out = _scan(texts)
    relevant = [hit for hit in hits if not (hit.is_adverse_event and adverse_event_flagged)]
    blocking = [hit for hit in relevant if hit.blocks]
    warnings = [hit for hit in relevant if not hit.blocks]
    # A blocking term that could not finish must not wave the text through.
    unchecked = {
        FORM_FIELD[field]: [TIMEOUT_MESSAGE]
        for term, field in timed_out
        if term.purpose == TermPurpose.RESTRICTED and term.severity == Severity.BLOCK
    }
    if blocking or unchecked:
        raise ComplianceBlock(
            blocking + warnings, acknowledgeable=False, record=record, unchecked=unchecked
        )
    if warnings and not acknowledged:
        raise ComplianceBlock(warnings, acknowledgeable=True, record=record)
    return warnings


def violations_record(*, actor, hits: list[Hit], outcome: str | None = None, record=None) -> None:
    if not hits:
        return
    content_type = ContentType.objects.get_for_model(record) if record is not None else None
    Violation.objects.bulk_create(
        Violation(
            user=actor,
            term=hit.term,
            rule=_rule_label(hit),
            field=hit.field,
            matched_text=hit.matched[:300],
            outcome=outcome
            or (ViolationOutcome.BLOCKED if hit.blocks else ViolationOutcome.WARNED),
            content_type=content_type,
            object_id=str(record.pk) if record is not None else "",
            record_label=str(record)[:200] if record is not None else "",
        )
        for hit in hits
    )


def rule_violations_record(
    *,
    actor,
    problems: dict[str, list[str]],
    record=None,
    outcome: str = ViolationOutcome.BLOCKED,
) -> None:
    content_type = ContentType.objects.get_for_model(record) if record is not None else None
    Violation.objects.bulk_create(
        Violation(
            user=actor,
            rule=message[:200],
            outcome=outcome,
            content_type=content_type,
            object_id=str(record.pk) if record is not None else "",
            record_label=str(record)[:200] if record is not None else "",
        )
        for messages in problems.values()
        for message in messages
    )


def records_refusals(service: Callable) -> Callable:
    """Wrap a service (outside its transaction) so that a refused save still leaves its
    violations on record: they are written after the service's transaction rolled back."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ComplianceBlock as block:
            violations_record(actor=kwargs.get("actor"), hits=block.hits, record=block.record)
            raise
        except RuleRefusal as refusal:
            rule_violations_record(
                actor=kwargs.get("actor"),
                problems=refusal.rule_problems,
                record=refusal.record,
                outcome=ViolationOutcome.WARNED
                if refusal.acknowledgeable
                else ViolationOutcome.BLOCKED,
            )
            raise

    return wrapper


def _rule_label(hit: Hit) -> str:
    kind = "Adverse-event term" if hit.is_adverse_event else "Restricted term"
    return f"{kind} “{hit.term.pattern}”"[:200]
