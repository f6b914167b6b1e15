from django.core.management.base import BaseCommand, CommandError

from lis.core.changelog import verify_chain
from lis.core.models import ChangeLogHead


class Command(BaseCommand):
    help = (
        "Kontrollerar ändringsloggens hashkedja. Avslutar med fel och namnger den första "
        "felaktiga posten om en post har ändrats, tagits bort eller flyttats."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head", default="", help="Hash som kedjans senaste post ska ha (sparad tidigare utanför LIS)."
        )

    def handle(self, *args, expect_head: str = "", **options):
        problems = list(verify_chain())
        if problems:
            first = problems[0]
            where = f"post {first.sequence}" + (f" (id {first.entry_id})" if first.entry_id else "")
            raise CommandError(
                f"Ändringsloggen är inte intakt: första felet är {where}: {first.problem}. Totalt {len(problems)} fel."
            )
        head = ChangeLogHead.objects.filter(pk=1).first()
        sequence, digest = (head.sequence, head.hash) if head else (0, "")
        if expect_head and expect_head != digest:
            raise CommandError(
                f"Kedjans senaste hash är {digest or '–'}, inte den förväntade {expect_head}: "
                "poster i slutet kan ha tagits bort."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Ändringsloggen är intakt: {sequence} poster, senaste hash {digest or '–'}.")
        )
