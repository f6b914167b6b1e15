from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "lis.classification"
    label = "classification"
    verbose_name = "Informationsklassning"

    def ready(self) -> None:
        from . import history, rules  # noqa: F401  (registers POL-3.22 and how its history reads)
