"""A signed checkpoint of the change log's head, to keep outside LIS (run daily; README, Drift)."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError

from lis.core.changelog import checkpoint_create, record_event, verify_chain


class Command(BaseCommand):
    help = (
        "Skriver en signerad kontrollpunkt (senaste post, hash, tid) för ändringsloggen till en fil och/eller "
        "e-post, att förvara utanför LIS. Kontrolleras senare med verify_changelog --checkpoint."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="", help="Fil som kontrollpunkten läggs till i (en rad per körning).")
        parser.add_argument("--email", action="append", default=[], help="Mottagare (kan anges flera gånger).")

    def handle(self, *args, output: str = "", email: list[str], **options):
        if not output and not email:
            raise CommandError("Ange --output FIL eller --email ADRESS.")
        first = next(verify_chain(), None)
        if first is not None:
            raise CommandError(
                f"Ingen kontrollpunkt skrevs: ändringsloggen är inte intakt vid post {first.sequence}: {first.problem}."
            )
        checkpoint = checkpoint_create()
        line = checkpoint.as_line()
        if output:
            with open(output, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        if email:
            send_mail(
                subject=f"LIS ändringslogg: kontrollpunkt post {checkpoint.sequence}",
                message=(
                    "Kontrollpunkt för ändringsloggen i LIS. Spara raden nedan utanför LIS (t.ex. i diariet); "
                    "den kontrolleras med manage.py verify_changelog --checkpoint FIL.\n\n"
                    f"Post: {checkpoint.sequence}\nHash: {checkpoint.hash}\nTid (UTC): {checkpoint.created_at}\n"
                    f"Nyckel: {checkpoint.key_id}\n\n{line}\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=email,
            )
        record_event(
            "changelog_checkpoint", user=None, details={"sequence": checkpoint.sequence, "hash": checkpoint.hash}
        )
        self.stdout.write(self.style.SUCCESS(line))
