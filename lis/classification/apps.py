from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "lis.classification"
    label = "classification"
    verbose_name = "Informationsklassning"

    def ready(self) -> None:
        from . import extensions, history, rules  # noqa: F401  (tabs, loaders; registers POL-3.22 and how its history reads)
