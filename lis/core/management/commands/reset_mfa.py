"""Break glass: remove a login's second factors from the server's shell, when no administrator
can log in to do it from the person's page (e.g. the only administrator lost their phone and
their recovery codes). Recorded in the change log with the reason and no actor."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lis.core import mfa


class Command(BaseCommand):
    help = "Återställ tvåstegsverifieringen för en inloggning (när ingen administratör kan göra det i LIS)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Varför; sparas i historiken.")

    def handle(self, *args, username: str, reason: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"Ingen inloggning heter {username}.")
        try:
            removed = mfa.mfa_reset(actor=None, user=user, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{removed} sätt att verifiera borttagna för {username}.")
