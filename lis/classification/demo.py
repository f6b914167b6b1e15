"""Classifications of the invented demo register (lis.systems.demo): proposed by the
administrator, approved by the säkerhetsstrateg (two people), some left as proposals or
unclassified, some information sets säkerhetsskyddsklassificerade. Idempotent."""

from __future__ import annotations

from django.db import transaction

from lis.core.models import User
from lis.organisation.demo import refuse_in_production
from lis.systems.demo import SYSTEMS
from lis.systems.models import InformationSet

from . import services

MOTIVATION = (
    "Bedömd utifrån vilken skada ett röjande, en förvanskning eller ett avbrott skulle orsaka verksamheten och "
    "enskilda (påhittad demomotivering)."
)


@transaction.atomic
def load_classification_demo(*, proposer: User, approver: User) -> int:
    """Classify the demo systems' information sets; returns how many were classified."""
    refuse_in_production()
    classified = 0
    for unit_key, name, _description, _owner, _model, sets, flags in SYSTEMS:
        for set_name, levels in sets:
            information_set = InformationSet.objects.filter(
                system__unit__short_name=unit_key, system__name=name, name=set_name
            ).first()
            if information_set is None or information_set.classifications.exists():
                continue
            if levels == "security":
                if not information_set.security_protected:
                    services.information_set_mark_security_protected(actor=None, information_set=information_set)
                continue
            if "unclassified" in flags:
                continue
            classification = services.classification_save(
                actor=proposer,
                information_set=information_set,
                levels=dict(zip(["K", "R", "T"], levels.split(), strict=True)),
                propose=True,
                motivation=MOTIVATION,
            )
            if "proposed" not in flags:
                services.classification_approve(actor=approver, classification=classification)
            classified += 1
    return classified
