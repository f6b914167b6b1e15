"""Authentication that also refuses people who have left (their Person has ended)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


class LisModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        person = getattr(user, "person", None)
        return person is None or person.ended_on is None or person.ended_on > timezone.localdate()

    def get_user(self, user_id):
        """The session's user with their person and unit, in one query per request."""
        try:
            user = get_user_model()._default_manager.select_related("person__unit").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
