"""Authentication that also refuses people who have left (their Person has ended)."""

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LisModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        person = getattr(user, "person", None)
        return person is None or person.ended_on is None or person.ended_on > timezone.localdate()
