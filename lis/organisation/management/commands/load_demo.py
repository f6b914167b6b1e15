from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from lis.core import extensions
from lis.organisation.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Läser in referensorganisationen och demodata med påhittade personer och system (idempotent). "
        "Aldrig i produktion."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=8000, help="Porten LIS körs på, för adressen som skrivs ut (standard 8000)."
        )

    def handle(self, *args, **options):
        try:
            logins = load_demo()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        # Each app's demo (register, classifications, analyses, plans, E-rådet, …) in layer order.
        # Invented people get their notifications in the app only, never by e-mail.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for load in [*extensions.loaders("reference"), *extensions.loaders("demo")]:
                for line in load():
                    self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                "Demodata är inläst. Alla personer, system, leverantörer, risker, planer och möten är påhittade."
            )
        )
        self.stdout.write(
            f"Logga in på http://127.0.0.1:{options['port']}/ med lösenordet {DEMO_PASSWORD} och något av:"
        )
        for username, roles in logins:
            self.stdout.write(f"  {username:<20} {roles}")
