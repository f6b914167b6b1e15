from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from lis.core.models import User
from lis.organisation.demo import DEMO_PASSWORD, load_demo
from lis.plans.demo import load_plans_demo
from lis.risks.demo import load_risks_demo
from lis.systems.demo import load_systems_demo


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
        # Invented people get their notifications in the app only, never by e-mail.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            systems = load_systems_demo(
                proposer=User.objects.get(username="admin"), approver=User.objects.get(username="strateg")
            )
            analyses = load_risks_demo()
            load_plans_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demodata är inläst ({systems} nya system, {analyses} nya analyser). Alla personer, system, "
                "leverantörer, risker och planer är påhittade."
            )
        )
        self.stdout.write(
            f"Logga in på http://127.0.0.1:{options['port']}/ med lösenordet {DEMO_PASSWORD} och något av:"
        )
        for username, roles in logins:
            self.stdout.write(f"  {username:<20} {roles}")
