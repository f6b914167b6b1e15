"""manage.py reminders: send what is due by e-mail (issue 15). Idempotent; run it every 15 minutes
from cron, a systemd timer or the task worker. See lis.compliance.reminders."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from lis.compliance import reminders
from lis.organisation.models import Person


class Command(BaseCommand):
    help = (
        "Skickar påminnelser om tidsfrister per e-post: lagstadgade direkt, en daglig sammanställning per "
        "person och veckosammanfattningen till samordnare och säkerhetsstrateg. Kan köras hur ofta som helst; "
        "inget skickas två gånger."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Visa vad som skulle skickas i dag, utan att skicka eller spara något.",
        )
        parser.add_argument(
            "--for",
            dest="person",
            metavar="ANVÄNDARNAMN_ELLER_E-POST",
            help="Bara den här personen (användarnamn eller e-postadress).",
        )
        parser.add_argument(
            "--weekly",
            action="store_true",
            help="Skicka veckans påminnelser och veckosammanfattningen nu, även om det inte är veckodagen.",
        )
        parser.add_argument("--legal-only", action="store_true", help="Bara lagstadgade tidsfrister.")

    def handle(self, *args, dry_run=False, person=None, weekly=False, legal_only=False, **options):
        only = self._person(person) if person else None
        report = reminders.run(dry_run=dry_run, only=only, weekly=weekly, legal_only=legal_only)
        if dry_run:
            self._print_dry_run(report, only)
            return
        for planned in report.sent:
            self.stdout.write(f'Skickat: {planned.person.pk} {planned.kind} "{planned.email.subject}"')
        for planned, error in report.failed:
            self.stderr.write(f'MISSLYCKADES: {planned.person.pk} {planned.kind} "{planned.email.subject}": {error}')
        self.stdout.write(f"{len(report.sent)} e-postmeddelanden skickade, {len(report.failed)} misslyckades.")
        given_up = [m for m in reminders.failed_messages() if m.attempts >= reminders.get_pack().reminder_max_attempts]
        if given_up:
            self.stderr.write(
                f"{len(given_up)} e-postmeddelanden har gett upp efter alla försök; se Mina påminnelser "
                "som säkerhetsstrateg."
            )

    def _person(self, value: str) -> Person:
        found = list(
            Person.objects.filter(Q(user__username=value) | Q(email__iexact=value) | Q(user__email__iexact=value))[:2]
        )
        if len(found) != 1:
            raise CommandError(f"Hittar {'ingen' if not found else 'mer än en'} person med {value!r}.")
        return found[0]

    def _print_dry_run(self, report, only):
        if only is not None:
            for line in report.skipped:
                self.stdout.write(str(line))
            if not report.planned:
                self.stdout.write(f"Inget att skicka till {only.pk} i dag.")
            for planned in report.planned:
                self.stdout.write("=" * 72)
                self.stdout.write(f"Till: {planned.address or '(saknar e-postadress)'}")
                self.stdout.write(f"Ämne: {planned.email.subject}")
                self.stdout.write("")
                self.stdout.write(planned.email.text)
            return
        for planned in report.planned:
            new = sum(1 for item in planned.items if item.new)
            self.stdout.write(
                f'Skulle skicka: {planned.person.pk} {planned.kind} ({new} nya) "{planned.email.subject}"'
            )
        self.stdout.write(f"Provkörning: {len(report.planned)} e-postmeddelanden skulle skickas; inget är sparat.")
