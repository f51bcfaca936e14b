from django.apps import AppConfig


class KolsConfig(AppConfig):
    name = "kols"
    verbose_name = "KOLs and institutions"
