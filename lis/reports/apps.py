from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "lis.reports"
    label = "reports"
    verbose_name = "Rapporter"

    def ready(self):
        # risks is a lower layer: it draws its archival report through the renderer given here.
        from lis.risks.services import register_report_renderer  # noqa: PLC0415

        from . import history  # noqa: F401, PLC0415  (how exports and imports read in the change log)
        from .risk_pdf import render_frozen_report  # noqa: PLC0415

        register_report_renderer(render_frozen_report)

        # The slow documents are built by the worker (lis.core.jobs).
        from .documents import register  # noqa: PLC0415

        register()
        from .imports import register as register_imports  # noqa: PLC0415  (imports applied by the worker)

        register_imports()
