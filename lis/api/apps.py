from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lis.api"
    label = "api"
    verbose_name = "REST-API"

    def ready(self):
        from . import history, schema  # noqa: F401  (the change log; the OpenAPI auth schemes)
