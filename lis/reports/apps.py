from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lis.reports"
    label = "reports"
    verbose_name = "Rapporter"
