from django.db import migrations

TASK_NAME = "E-mail each MSL the follow-ups due and overdue"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    early_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="1-5", day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "interactions.tasks.send_follow_up_digests", "crontab": early_morning},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("interactions", "0002_schedule_locking")]

    operations = [migrations.RunPython(schedule, unschedule)]
