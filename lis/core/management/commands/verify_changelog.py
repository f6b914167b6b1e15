from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lis.core.changelog import Checkpoint, anchor_problem, verify_chain
from lis.core.models import ChangeLogHead


def _parse_head(value: str) -> tuple[int | None, str]:
    """`HASH` or `SEQUENCE:HASH`, as written down from an earlier run or checkpoint."""
    sequence, _, digest = value.rpartition(":")
    if sequence and not sequence.isdigit():
        raise CommandError("--expect-head ska vara HASH eller POSTNUMMER:HASH.")
    return (int(sequence) if sequence else None), digest


def _last_checkpoint(path: str) -> Checkpoint:
    lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise CommandError(f"{path} innehåller ingen kontrollpunkt.")
    try:
        checkpoint = Checkpoint.from_line(lines[-1])
    except (ValueError, KeyError) as error:
        raise CommandError(f"Den sista raden i {path} är ingen kontrollpunkt: {error}.") from None
    if not checkpoint.signature_valid():
        raise CommandError(
            f"Kontrollpunkten i {path} har en ogiltig signatur (ändrad, eller signerad med en okänd nyckel)."
        )
    return checkpoint


class Command(BaseCommand):
    help = (
        "Kontrollerar ändringsloggens kedja (HMAC med nyckeln utanför databasen). Avslutar med fel och "
        "namnger den första felaktiga posten om en post har ändrats, tagits bort eller flyttats, eller om "
        "en hash som sparats utanför LIS inte längre finns i kedjan på sin plats."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            default="",
            help="Hash (eller POSTNUMMER:HASH) som sparats utanför LIS; kedjan får ha vuxit efter den.",
        )
        parser.add_argument(
            "--checkpoint", default="", help="Fil med kontrollpunkter från changelog_checkpoint; den sista används."
        )

    def handle(self, *args, expect_head: str = "", checkpoint: str = "", **options):
        problems = list(verify_chain())
        if problems:
            first = problems[0]
            where = f"post {first.sequence}" + (f" (id {first.entry_id})" if first.entry_id else "")
            raise CommandError(
                f"Ändringsloggen är inte intakt: första felet är {where}: {first.problem}. Totalt {len(problems)} fel."
            )
        anchors = []
        if expect_head:
            anchors.append(_parse_head(expect_head))
        if checkpoint:
            saved = _last_checkpoint(checkpoint)
            anchors.append((saved.sequence, saved.hash))
        for sequence, digest in anchors:
            problem = anchor_problem(digest, sequence)
            if problem:
                raise CommandError(f"Ändringsloggen är inte intakt: {problem}.")
        head = ChangeLogHead.objects.filter(pk=1).first()
        sequence, digest = (head.sequence, head.hash) if head else (0, "")
        self.stdout.write(
            self.style.SUCCESS(f"Ändringsloggen är intakt: {sequence} poster, senaste hash {sequence}:{digest or '–'}.")
        )
