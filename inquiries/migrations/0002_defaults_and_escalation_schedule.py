from django.db import migrations

TASK_NAME = "Escalate overdue medical inquiries"


def set_up(apps, schema_editor):
    ServiceLevel = apps.get_model("inquiries", "ServiceLevel")
    for urgency, days in (("standard", 5), ("urgent", 1)):
        ServiceLevel.objects.get_or_create(urgency=urgency, defaults={"business_days": days})
    apps.get_model("inquiries", "InquiryPolicy").objects.get_or_create(pk=1)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    # Hourly on weekdays: one escalation row per inquiry per day keeps it to one e-mail a
    # day, and a run that failed to send is retried within the same day.
    hourly, _ = CrontabSchedule.objects.get_or_create(
        minute="20",
        hour="*",
        day_of_week="1-5",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "inquiries.tasks.escalate_overdue_inquiries", "crontab": hourly},
    )


def tear_down(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(set_up, tear_down)]
