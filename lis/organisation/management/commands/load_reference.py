from django.core.management.base import BaseCommand

from lis.core import extensions
from lis.organisation.models import MandatePeriod
from lis.organisation.reference import load_reference_organisation
from lis.organisation.services import current_mandate_period


class Command(BaseCommand):
    help = "Läser in kommunens referensorganisation ur policypaketet (idempotent)."

    def handle(self, *args, **options):
        created = load_reference_organisation()
        for anchor in MandatePeriod.Anchor.values:
            current_mandate_period(anchor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Referensorganisationen är inläst: {created['boards']} nya nämnder/styrelser, "
                f"{created['units']} nya enheter."
            )
        )
        # What the higher apps need from the start (the required routines, the published policy).
        for load in extensions.loaders("reference"):
            for line in load():
                self.stdout.write(line)
