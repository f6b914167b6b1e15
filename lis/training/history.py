"""How the training register reads in the change log (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import Related, mapping, register, register_event

from .models import Completion, Course

register(Course, unit="system__unit")
# A completion discloses who took the course (protected identities are pseudonymised).
register(Completion, person="person", unit="person__unit")
register_event(
    "training_import",
    _("Genomförda utbildningar importerade från lärplattformen"),
    details={
        "file": (_("Fil"), None),
        "rows": (_("Rader"), None),
        "created": (_("Nya"), None),
        "unchanged": (_("Redan registrerade"), None),
    },
)
register_event(
    "training_completion_removed",
    _("Genomförd utbildning borttagen"),
    details={
        "completion": (_("Genomförd utbildning (id)"), None),
        "course": (_("Kurs"), Related("training.course")),
        "completed_on": (_("Genomförd"), None),
        "source": (_("Källa"), mapping(dict(Completion.Source.choices))),
        "reason": (_("Skäl"), None),
    },
)
