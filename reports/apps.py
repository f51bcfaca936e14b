from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Insight trend reports"

    def ready(self):
        from compliance.retention import RETENTION_HOOKS

        from .services import report_quotes_expire

        if report_quotes_expire not in RETENTION_HOOKS:
            RETENTION_HOOKS.append(report_quotes_expire)
        from .staleness import connect_staleness

        connect_staleness()
