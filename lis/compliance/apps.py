from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "lis.compliance"
    label = "compliance"
    verbose_name = "Efterlevnad"

    def ready(self):
        from . import extensions  # noqa: F401  (the start page's compliance summary)
