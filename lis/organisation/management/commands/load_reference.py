from django.core.management.base import BaseCommand

from lis.organisation.models import MandatePeriod
from lis.organisation.reference import load_reference_organisation
from lis.organisation.services import current_mandate_period
from lis.plans.services import policy_ensure_first_version, routines_ensure_required


class Command(BaseCommand):
    help = "Läser in kommunens referensorganisation ur policypaketet (idempotent)."

    def handle(self, *args, **options):
        created = load_reference_organisation()
        for anchor in MandatePeriod.Anchor.values:
            current_mandate_period(anchor)
        routines = routines_ensure_required()
        policy = policy_ensure_first_version()
        self.stdout.write(
            self.style.SUCCESS(
                f"Referensorganisationen är inläst: {created['boards']} nya nämnder/styrelser, "
                f"{created['units']} nya enheter, {routines} nya rutiner att fylla i."
            )
        )
        if policy is not None:
            adopted = (
                f"antagen {policy.decision}"
                if policy.decision
                else "beslutet om antagandet är inte registrerat; säkerhetsstrategen registrerar det i LIS"
            )
            self.stdout.write(f"Policyn är publicerad som version {policy.label} ({adopted}).")
