from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = "Interactions, insights and follow-ups"

    def ready(self):
        from compliance.retention import RETENTION_HOOKS

        from .retention import interactions_pseudonymise

        if interactions_pseudonymise not in RETENTION_HOOKS:
            RETENTION_HOOKS.append(interactions_pseudonymise)

        # The compliance rules that decide whether an interaction may be submitted.
        from compliance.rules import products_need_certification, required_interaction_fields

        from .services import SUBMISSION_CHECKS

        for check in (required_interaction_fields, products_need_certification):
            if check not in SUBMISSION_CHECKS:
                SUBMISSION_CHECKS.append(check)

        from .last_meetings import connect_last_meetings
        from .signals import connect_logged_state

        connect_logged_state()
        connect_last_meetings()

        # kols/ shows what this app knows about a KOL without importing it.
        from kols.briefing import BriefingSection, register_briefing_section
        from kols.directory import DirectoryColumn, register_directory_column

        from .selectors import (
            kol_insights,
            kol_interaction_timeline,
            kol_open_follow_ups,
            last_interaction_dates,
        )

        register_briefing_section(
            BriefingSection(
                "interactions",
                "Interactions timeline",
                10,
                "interactions/briefing/timeline.html",
                kol_interaction_timeline,
            )
        )
        register_briefing_section(
            BriefingSection(
                "insights",
                "Insights from this KOL",
                15,
                "interactions/briefing/insights.html",
                kol_insights,
            )
        )
        register_briefing_section(
            BriefingSection(
                "follow_ups",
                "Follow-ups",
                30,
                "interactions/briefing/follow_ups.html",
                kol_open_follow_ups,
            )
        )
        register_directory_column(
            DirectoryColumn("last_interaction", "Last met", 10, last_interaction_dates)
        )
