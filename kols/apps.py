from django.apps import AppConfig


class KolsConfig(AppConfig):
    name = "kols"
    verbose_name = "KOLs and institutions"

    def ready(self):
        from .search import connect_search_text_upkeep

        connect_search_text_upkeep()
