from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "lis.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the organisation's compliance rules)
