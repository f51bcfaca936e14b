from celery import shared_task

from .services import overdue_inquiries_escalate


@shared_task
def escalate_overdue_inquiries() -> int:
    return overdue_inquiries_escalate()
