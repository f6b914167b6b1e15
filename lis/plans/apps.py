from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "lis.plans"
    label = "plans"
    verbose_name = "Handlingsplaner och beslut"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (tabs, loaders; registers POL-3.2, POL-3.3, BIL1-6, BIL1-7, BIL1-8; history)
