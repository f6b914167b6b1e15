"""`manage.py sync_people FILE [--apply] [--end-missing]`: people from the HR system's export.

A dry run unless --apply; the exit status is 1 when the file or a row has an error (nothing is
written then). A skyddad identitet is printed by its pseudonym only (POL-3.30)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lis.organisation import hr_sync


class Command(BaseCommand):
    help = "Läser in personer från HR-systemets export (.csv eller .xlsx). Provkörning om inte --apply anges."

    def add_arguments(self, parser):
        parser.add_argument("file", help="HR-exporten (.csv i UTF-8 eller .xlsx)")
        parser.add_argument("--apply", action="store_true", help="Spara ändringarna (allt eller inget).")
        parser.add_argument(
            "--end-missing",
            action="store_true",
            help="Avsluta idag personer med anställningsnummer i LIS som saknas i filen.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Filen {path} kan inte läsas: {exc.strerror}") from exc
        result = hr_sync.run_sync(
            data, actor=None, filename=path.name, apply=options["apply"], end_missing=options["end_missing"]
        )
        for message in result.file_errors:
            self.stderr.write(f"Fel: {message}")
        for row in result.rows:
            self.stdout.write(row.line())
        self.stdout.write(result.summary())
        if result.has_errors:
            self.stderr.write("Inget har sparats. Rätta felen i filen och kör igen.")
            raise SystemExit(1)
        if result.applied:
            self.stdout.write(self.style.SUCCESS("Ändringarna är sparade."))
        elif options["apply"]:
            self.stdout.write("Inget att spara: LIS stämmer redan med filen.")
        else:
            self.stdout.write("Provkörning: inget har sparats. Kör med --apply för att spara.")
