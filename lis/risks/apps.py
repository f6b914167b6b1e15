from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "lis.risks"
    label = "risks"
    verbose_name = "Informationssäkerhetsanalys"
