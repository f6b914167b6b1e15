from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "lis.incidents"
    label = "incidents"
    verbose_name = "Incidenter"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (POL-2.6; tabs, demo, history, standing item)
