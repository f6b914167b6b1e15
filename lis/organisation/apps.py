from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "lis.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import history, rules  # noqa: F401  (registers the organisation's compliance rules and history)
