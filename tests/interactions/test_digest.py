import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from interactions.models import FollowUpStatus
from interactions.tasks import send_follow_up_digests
from tests.factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def test_each_msl_with_due_or_overdue_follow_ups_gets_one_mail(msl, msl2, manager):
    today = timezone.localdate()
    FollowUpFactory(owner=msl, description="Send the poster", due_date=today)
    FollowUpFactory(owner=msl, description="Call back", due_date=today - dt.timedelta(days=3))
    FollowUpFactory(owner=msl, description="Next month", due_date=today + dt.timedelta(days=30))
    FollowUpFactory(
        owner=msl2, description="Done already", status=FollowUpStatus.DONE, due_date=today
    )
    FollowUpFactory(
        owner=manager, description="Upcoming only", due_date=today + dt.timedelta(days=1)
    )

    assert send_follow_up_digests.delay().get() == 1

    (message,) = mail.outbox
    assert message.to == [msl.email]
    assert message.subject == "Follow-ups: 1 due today, 1 overdue"
    assert "Due today: Send material: Send the poster" in message.body
    assert "OVERDUE since" in message.body
    assert "Call back" in message.body
    assert "Next month" not in message.body


def test_nobody_is_mailed_when_nothing_is_due(msl):
    FollowUpFactory(owner=msl, due_date=timezone.localdate() + dt.timedelta(days=2))

    assert send_follow_up_digests.delay().get() == 0
    assert mail.outbox == []


def test_the_digest_is_scheduled_on_weekday_mornings():
    task = PeriodicTask.objects.get(task="interactions.tasks.send_follow_up_digests")

    assert (task.crontab.hour, task.crontab.day_of_week) == ("6", "1-5")
