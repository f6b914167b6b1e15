from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "lis.staff"
    label = "staff"
    verbose_name = "Personal"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (POL-3.19, POL-3.20, POL-3.25)
