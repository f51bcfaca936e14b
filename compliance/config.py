"""The compliance configuration — the policy, the firewall rules, the active restricted terms
and the Open Payments thresholds — is read on nearly every save and briefing, and changes a
few times a year in the admin. One copy is cached, with the generations of its four tables
it was read under; the database backends renew those whenever a committed statement writes
to the tables (msl_crm/table_generations.py): the admin, a bulk update or raw SQL
alike, so the next request in every process finds the copy out of date and reads the new
rules. A transaction reads the configuration once and keeps it to its end.

Only committed rows are ever cached: a transaction that has written to the tables reads the
database until it ends, so a rolled-back change never reaches the cache, and a reader that
raced a change stores its copy with generations that no longer match after the commit."""

import logging
from dataclasses import dataclass, field

from msl_crm.table_generations import (
    cached_while_unchanged,
    note_read,
    transaction_memo,
    written_in_this_transaction,
)

from .models import CompliancePolicy, FirewallRule, OpenPaymentsThreshold, RestrictedTerm

TABLES = (CompliancePolicy, FirewallRule, OpenPaymentsThreshold, RestrictedTerm)
# How long an unused copy stays; also how long a change made while Redis was down (its
# generations could not be renewed) may go unseen.
SAFETY_TIMEOUT_SECONDS = 300
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComplianceConfig:
    """Shared by every reader in a transaction: read it, never change its records."""

    policy: CompliancePolicy | None
    firewall_rules: dict[str, FirewallRule] = field(default_factory=dict)
    active_terms: list[RestrictedTerm] = field(default_factory=list)
    thresholds: dict[int, OpenPaymentsThreshold] = field(default_factory=dict)


def compliance_config() -> ComplianceConfig:
    # A page built with the rules must be rebuilt when they change, cached or not.
    note_read(*TABLES)
    if written_in_this_transaction(*TABLES):
        return _read()
    # A save reads the rules several times (the terms, the policy): once is enough.
    return transaction_memo("compliance-config", _cached)


def _cached() -> ComplianceConfig:
    try:
        return cached_while_unchanged(
            "compliance-config", TABLES, _read, timeout=SAFETY_TIMEOUT_SECONDS
        )
    except Exception:
        # The rules must hold with the cache down: read them, at a few queries' cost.
        logger.exception("Compliance configuration read past an unavailable cache")
        return _read()


def _read() -> ComplianceConfig:
    return ComplianceConfig(
        policy=CompliancePolicy.objects.filter(pk=1).first(),
        firewall_rules={rule.role: rule for rule in FirewallRule.objects.all()},
        active_terms=list(RestrictedTerm.objects.filter(is_active=True)),
        thresholds={row.program_year: row for row in OpenPaymentsThreshold.objects.all()},
    )
