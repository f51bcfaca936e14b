"""The scheduled chain check, run by a real Celery worker over a real Redis broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django_celery_beat.models import PeriodicTask

from accounts.services import user_create
from compliance.models import AuditChainVerification
from compliance.tasks import verify_audit_chain
from msl_crm.celery import app


@pytest.fixture
def redis_celery(redis_url):
    """Point the project's Celery app at the real broker, and back again afterwards."""
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.close()  # drop connections pooled for the in-process broker
    app.conf.update(broker_url=redis_url, result_backend=None, task_always_eager=False)
    with app.connection_for_write() as connection:
        # Leftovers from an interrupted run must not be mistaken for this run's task.
        connection.default_channel.queue_purge(app.conf.task_default_queue)
    yield app
    app.close()
    app.conf.update(saved)


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_the_task_from_redis_and_records_the_verification(redis_celery, admin_user):
    user_create(actor=admin_user, username="someone")
    user_create(actor=admin_user, username="someone-else")

    with start_worker(redis_celery, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # An explicit connection: the app's producer pool may still point at the in-process
        # broker that earlier eager tests used.
        with redis_celery.connection_for_write() as connection:
            verify_audit_chain.apply_async(connection=connection)
        assert wait_for(AuditChainVerification.objects.exists), "no worker ran the task"

    verification = AuditChainVerification.objects.get()
    assert verification.ok
    assert verification.entries_checked == 2


@pytest.mark.django_db
def test_the_check_is_scheduled_nightly_and_admins_can_edit_it():
    task = PeriodicTask.objects.get(task="compliance.tasks.verify_audit_chain")

    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")


def test_run_in_process_the_task_records_a_broken_chain(db, admin_user):
    from tests.compliance.tampering import tamper

    user_create(actor=admin_user, username="someone")
    tamper("UPDATE compliance_auditentry SET reason = %s", ["edited"])

    verify_audit_chain.delay()

    verification = AuditChainVerification.objects.get()
    assert not verification.ok
    assert verification.broken_sequence == 1
