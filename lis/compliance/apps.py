from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "lis.compliance"
    label = "compliance"
    verbose_name = "Efterlevnad"
