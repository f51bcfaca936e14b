"""The compliance configuration — the policy, the firewall rules, the active restricted terms
and the Open Payments thresholds — is read on nearly every save and briefing, and changes a
few times a year in the admin. It is kept in the cache under a generation token that every
change replaces, so the next request in every process reads the new rules.

Only committed rows are ever cached: a transaction that has changed the configuration reads
the database until it ends, so a rolled-back change never reaches the cache, and a reader
that raced a change stores its copy under a token nobody asks for any more."""

import logging
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from msl_crm.page_cache import note_read

from .models import CompliancePolicy, FirewallRule, OpenPaymentsThreshold, RestrictedTerm

# Changes made behind the ORM's back (raw SQL, queryset.update) are seen within this time.
SAFETY_TIMEOUT_SECONDS = 300
_CHANGED_IN = "_compliance_config_changed_in"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComplianceConfig:
    policy: CompliancePolicy | None
    firewall_rules: dict[str, FirewallRule] = field(default_factory=dict)
    active_terms: list[RestrictedTerm] = field(default_factory=list)
    thresholds: dict[int, OpenPaymentsThreshold] = field(default_factory=dict)


def compliance_config() -> ComplianceConfig:
    # A page built with the rules must be rebuilt when they change, cached or not.
    note_read(CompliancePolicy, FirewallRule, OpenPaymentsThreshold, RestrictedTerm)
    if _changed_in_this_transaction():
        return _read()
    try:
        return _cached()
    except Exception:
        # The rules must hold with the cache down: read them, at a few queries' cost.
        logger.exception("Compliance configuration read past an unavailable cache")
        return _read()


def _cached() -> ComplianceConfig:
    generation = cache.get(_generation_key())
    if generation is None:
        generation = _new_generation()
    key = f"compliance-config:{_database()}:{generation}"
    config = cache.get(key)
    if config is None:
        config = _read()
        cache.set(key, config, SAFETY_TIMEOUT_SECONDS)
    return config


def _read() -> ComplianceConfig:
    return ComplianceConfig(
        policy=CompliancePolicy.objects.filter(pk=1).first(),
        firewall_rules={rule.role: rule for rule in FirewallRule.objects.all()},
        active_terms=list(RestrictedTerm.objects.filter(is_active=True)),
        thresholds={row.program_year: row for row in OpenPaymentsThreshold.objects.all()},
    )


def _database() -> str:
    # Tests and the benchmark share one Redis with other databases.
    return str(connection.settings_dict["NAME"])


def _generation_key() -> str:
    return f"compliance-config:{_database()}:generation"


def _new_generation() -> str:
    generation = uuid.uuid4().hex
    cache.set(_generation_key(), generation, None)
    return generation


def _changed_in_this_transaction() -> bool:
    # The outermost atomic block stands for the transaction: a new one is a new transaction.
    return (
        connection.in_atomic_block
        and getattr(connection, _CHANGED_IN, None) is (connection.atomic_blocks[0])
    )


def _configuration_changed(**kwargs):
    try:
        _new_generation()
    except Exception:
        # The save stands; other processes may serve the old rules until the safety expiry.
        logger.exception("Compliance configuration changed while the cache was unavailable")
    if connection.in_atomic_block:
        setattr(connection, _CHANGED_IN, connection.atomic_blocks[0])
        transaction.on_commit(_new_generation, robust=True)


def connect_invalidation():
    for model in (CompliancePolicy, FirewallRule, OpenPaymentsThreshold, RestrictedTerm):
        post_save.connect(_configuration_changed, sender=model, dispatch_uid=f"config-{model}")
        post_delete.connect(_configuration_changed, sender=model, dispatch_uid=f"config-{model}-")
