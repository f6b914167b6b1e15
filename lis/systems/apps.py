from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "lis.systems"
    label = "systems"
    verbose_name = "Informationssystem"

    def ready(self) -> None:
        from . import extensions, history, rules  # noqa: F401  (tabs, loaders; registers BIL1-2, BIL1-3, POL-3.11, POL-3.12; history)
