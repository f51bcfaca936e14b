from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events, travel and learning"

    def ready(self):
        from django.utils import timezone

        from accounts.backends import register_request_flag

        from .selectors import adverse_event_training_lapsed_flag

        register_request_flag(
            "ae_training_lapsed",
            lambda: adverse_event_training_lapsed_flag(timezone.localdate()),
        )
