from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "lis.core"
    label = "core"
    verbose_name = "LIS"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .pack import PackError, get_pack

        # A broken policy pack stops the application with the key and the problem.
        try:
            get_pack()
        except PackError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
