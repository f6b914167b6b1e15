from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lis.operations"
    label = "operations"
    verbose_name = "Driftinformation"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (POL-3.28; system tab, start page, demo, rule)
