from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "lis.compliance"
    label = "compliance"
    verbose_name = "Efterlevnad"

    def ready(self):
        from lis.core.jobs import register_schedule

        from . import (
            extensions,  # noqa: F401  (the start page's compliance summary)
            reminders,
        )

        reminders.register()  # Historik's reminder events; the strateg's failed-send line (issue 15)
        # The e-mail reminders on the worker's schedule (`manage.py worker`), idempotent: the
        # digests every 15 minutes, legal deadlines (the incidents' clocks) every 5.
        register_schedule("reminders", 15 * 60, reminders.run)
        register_schedule("legal_reminders", 5 * 60, reminders.send_legal)
