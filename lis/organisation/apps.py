from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "lis.organisation"
    label = "organisation"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import history, rules  # noqa: F401  (registers the organisation's compliance rules and history)
        from .hr_sync import register_jobs  # noqa: PLC0415  (HR files are applied by the worker)

        register_jobs()
