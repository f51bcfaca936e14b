from django.apps import AppConfig


class LiteratureConfig(AppConfig):
    name = "literature"
    verbose_name = "Literature watch"

    def ready(self):
        from kols.briefing import BriefingSection, register_briefing_section

        from .selectors import kol_literature

        register_briefing_section(
            BriefingSection(
                "literature",
                "Publications and trials",
                40,
                "literature/briefing/literature.html",
                kol_literature,
            )
        )
