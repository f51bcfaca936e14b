"""The compliance configuration is cached between requests; every change must still be seen
by the next read, and a change that is rolled back must never be seen."""

import pytest
from django.db import connection, transaction

from compliance.config import compliance_config
from compliance.engine import active_terms
from compliance.models import CompliancePolicy, FirewallRule, RestrictedTerm


class Refused(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_second_read_asks_the_database_nothing(django_assert_num_queries):
    # Outside any transaction: the copy comes from the cache, not a transaction's memo.
    CompliancePolicy.current()
    compliance_config()
    with django_assert_num_queries(0):
        assert compliance_config().policy is not None


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_read_at_once_and_then_from_the_cache(django_assert_num_queries):
    compliance_config()
    RestrictedTerm.objects.create(pattern="cures everything", severity="block")
    assert [term.pattern for term in active_terms()] == ["cures everything"]
    with django_assert_num_queries(0):
        assert [term.pattern for term in active_terms()] == ["cures everything"]

    term = RestrictedTerm.objects.get()
    term.is_active = False
    term.save()
    assert active_terms() == []
    term.delete()
    assert active_terms() == []


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_never_reaches_the_cache():
    policy = CompliancePolicy.current()
    original = policy.lock_window_hours

    def change_then_fail():
        with transaction.atomic():
            policy.lock_window_hours = original + 5
            policy.save()
            # Inside the transaction its own change is what it reads.
            assert CompliancePolicy.current().lock_window_hours == original + 5
            raise Refused

    with pytest.raises(Refused):
        change_then_fail()
    assert CompliancePolicy.current().lock_window_hours == original
    assert CompliancePolicy.current().lock_window_hours == original


@pytest.mark.django_db(transaction=True)
def test_a_firewall_change_applies_to_the_next_request(client, viewer, msl):
    from accounts.backends import user_with_roles
    from compliance.firewall import NOTES, may_see

    assert not may_see(user_with_roles(viewer.pk), NOTES)
    FirewallRule.objects.update_or_create(role="Viewer", defaults={"may_see_notes": True})
    assert may_see(user_with_roles(viewer.pk), NOTES)


@pytest.mark.django_db(transaction=True)
def test_the_rules_hold_while_the_cache_is_down(settings, caplog):
    RestrictedTerm.objects.create(pattern="cures everything", severity="block")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }

    assert [term.pattern for term in active_terms()] == ["cures everything"]
    assert "read past an unavailable cache" in caplog.text

    # A change made meanwhile is saved, and read.
    RestrictedTerm.objects.create(pattern="no side effects", severity="block")
    assert len(active_terms()) == 2
    assert "generations not renewed for ['compliance_restrictedterm']" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_change_behind_the_orms_back_is_read_at_once():
    CompliancePolicy.current()
    compliance_config()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_compliancepolicy SET lock_window_hours = 7")

    assert compliance_config().policy.lock_window_hours == 7


@pytest.mark.django_db(transaction=True)
def test_a_transaction_reads_the_rules_once(settings, django_assert_num_queries):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # down: every read goes to the database
        }
    }
    with transaction.atomic():
        with django_assert_num_queries(4):
            compliance_config()
        with django_assert_num_queries(0):
            compliance_config()


@pytest.mark.django_db(transaction=True)
def test_what_a_committed_transaction_read_ends_with_it():
    CompliancePolicy.current()
    with transaction.atomic():
        compliance_config()
    CompliancePolicy.objects.update(lock_window_hours=9)

    with transaction.atomic():
        assert compliance_config().policy.lock_window_hours == 9


@pytest.mark.django_db(transaction=True)
def test_what_a_rolled_back_transaction_read_ends_with_it():
    CompliancePolicy.current()

    def read_then_fail():
        with transaction.atomic():
            compliance_config()
            raise Refused

    with pytest.raises(Refused):
        read_then_fail()
    CompliancePolicy.objects.update(lock_window_hours=9)

    with transaction.atomic():
        assert compliance_config().policy.lock_window_hours == 9


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database ignores close() and rolls back instead",
)
@pytest.mark.django_db(transaction=True)
def test_what_a_transaction_read_ends_with_it_when_its_connection_was_lost():
    """A connection closed inside a transaction (the server gone, a failed rollback) never
    commits or rolls back; its next transaction must not inherit what this one read."""
    CompliancePolicy.current()

    def read_then_lose_the_connection():
        with transaction.atomic():
            compliance_config()
            connection.close()
            raise Refused

    with pytest.raises(Refused):
        read_then_lose_the_connection()
    CompliancePolicy.objects.update(lock_window_hours=9)

    with transaction.atomic():
        assert compliance_config().policy.lock_window_hours == 9
