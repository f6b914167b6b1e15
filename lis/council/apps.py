from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "lis.council"
    label = "council"
    verbose_name = "E-rådet"

    def ready(self):
        from . import extensions, history, loaders, rules  # noqa: F401  (POL-3.5, POL-3.26, POL-3.31; tabs, demo, history)
