"""The weekly report and the nightly rollups as scheduled: a real Celery worker takes the
report task from a real Redis broker and stores the report (and mails it), and the beat
schedule that django-celery-beat reads holds both tasks at their times."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django_celery_beat.models import PeriodicTask

from msl_crm.celery import app
from reports.models import InsightRollup, TrendReport
from reports.services import last_complete_week
from reports.tasks import build_weekly_trend_report
from tests.factories import InsightTopicFactory, KOLFactory, ReportSubscriptionFactory

from .data import at, insights, meeting


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


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_takes_the_weekly_task_from_redis_and_stores_the_report(
    redis_celery, organisation, msl, manager
):
    week = last_complete_week()
    kol = KOLFactory(territory=organisation["boston"])
    topic = InsightTopicFactory(name="Long-term outcomes")
    insights(meeting(msl, at(week, days=2), kols=[kol]), kol, topic, at(week, days=2), 12)
    ReportSubscriptionFactory(user=manager)
    mail.outbox = []

    with start_worker(redis_celery, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        # An explicit connection: the app's producer pool may still point at the in-process
        # broker that earlier eager tests used.
        with redis_celery.connection_for_write() as connection:
            build_weekly_trend_report.apply_async(connection=connection)
        assert wait_for(lambda: len(mail.outbox) == 1), "no worker ran the task"

    report = TrendReport.objects.get()
    assert report.week == week
    (emerging,) = report.data["emerging"]
    assert (emerging["topic"], emerging["count"]) == ("Long-term outcomes", 12)
    assert InsightRollup.objects.get(week=week).insights == 12
    assert mail.outbox[0].bcc == ["manager@example.com"]


@pytest.mark.django_db
def test_the_weekly_report_is_scheduled_on_mondays_at_five():
    task = PeriodicTask.objects.get(task="reports.tasks.build_weekly_trend_report")

    assert task.enabled
    assert task.name == "Weekly insight-trend report"
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week) == ("0", "5", "1")
    assert (crontab.day_of_month, crontab.month_of_year) == ("*", "*")
    assert str(crontab.timezone) == "UTC"
    # No arguments: the task reports the last complete week and mails it.
    assert task.args == "[]"
    assert task.kwargs == "{}"


@pytest.mark.django_db
def test_the_rollups_are_refreshed_nightly():
    task = PeriodicTask.objects.get(task="reports.tasks.refresh_recent_rollups")

    assert task.enabled
    crontab = task.crontab
    assert (crontab.minute, crontab.hour) == ("15", "1")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")


@pytest.mark.django_db
def test_each_report_task_is_scheduled_once():
    assert PeriodicTask.objects.filter(task__startswith="reports.tasks.").count() == 2
