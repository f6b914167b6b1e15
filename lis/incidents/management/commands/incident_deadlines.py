"""`manage.py incident_deadlines`: remind the handler and the säkerhetsstrateg of legal
reporting deadlines that near or have passed (POL-2.6). Run it often (e.g. every 15 minutes):
each deadline and stage is notified once, so running it again sends nothing twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lis.incidents.services import deadline_notices_send


class Command(BaseCommand):
    help = "Skickar påminnelser om lagstadgade tidsfrister för incidentrapporter som närmar sig eller har passerat."

    def handle(self, *args, **options):
        sent: list[str] = []
        count = deadline_notices_send(sent=sent)
        for line in sent:
            self.stdout.write(line)
        self.stdout.write(f"{count} påminnelser skickade.")
