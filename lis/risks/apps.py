from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "lis.risks"
    label = "risks"
    verbose_name = "Informationssäkerhetsanalys"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (tabs, loaders; registers POL-2.5, POL-3.15, POL-3.31; history)
