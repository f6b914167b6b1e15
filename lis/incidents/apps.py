from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "lis.incidents"
    label = "incidents"
    verbose_name = "Incidenter"

    def ready(self):
        from lis.core.jobs import register_schedule

        from . import extensions, history, rules, services  # noqa: F401  (POL-2.6; tabs, demo, history, standing item)

        # The legal reporting deadlines, told in LIS at once: the worker checks every 5 minutes.
        register_schedule("incident_deadlines", 5 * 60, services.deadline_notices_send)
