from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "lis.training"
    label = "training"
    verbose_name = "Utbildning"

    def ready(self):
        from . import extensions, history, rules  # noqa: F401  (POL-3.12, POL-3.18; tab, start page, demo)
        from .lms import register_jobs  # noqa: PLC0415  (LMS files are applied by the worker)

        register_jobs()
