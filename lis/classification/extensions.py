"""The system page's informationsmängder and klassning tabs, and classifications in its history
(lis.core.extensions)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lis.core.extensions import Attention, Tab, register_attention, register_history, register_loader, register_tab

from .models import Classification

SYSTEM = "systems.informationsystem"


def _information_sets(request, system) -> dict:
    classifications = Classification.objects.select_related("proposed_by__person", "approved_by__person")
    return {
        "information_sets": system.information_sets.select_related("removal__proposed_by__person").prefetch_related(
            Prefetch("classifications", classifications)
        )
    }


template = "classification/_system_sets.html"
register_tab(SYSTEM, Tab("informationsmangder", _("Informationsmängder"), template, _information_sets, order=20))
register_tab(SYSTEM, Tab("klassning", _("Klassning"), template, _information_sets, order=30))
register_history(SYSTEM, lambda system: Classification.objects.filter(information_set__system=system))


def _demo() -> list[str]:
    from lis.core.models import User

    from .demo import load_classification_demo

    classified = load_classification_demo(
        proposer=User.objects.get(username="admin"), approver=User.objects.get(username="strateg")
    )
    return [f"{classified} informationsmängder klassade (föreslagna av admin, fastställda av strateg)."]


register_loader("demo", "classification", _demo)


def _attention(request) -> list[Attention]:
    """Classification proposals on systems this person answers for that wait for them to
    fastställa them (their own proposals excepted: four eyes). One query."""
    p = getattr(request, "principal", None)
    if p is None or not p.is_authenticated or p.manages_everything:
        return []
    approvable = Q(pk__in=[])
    if p.person is not None:
        approvable |= Q(information_set__system__responsible_manager=p.person)
    for path in p.managed_unit_paths:
        approvable |= Q(information_set__system__unit__path__startswith=path)
    if not p.person and not p.managed_unit_paths:
        return []
    count = (
        Classification.objects.filter(status="proposed")
        .filter(approvable)
        .exclude(proposed_by=p.user)
        .values("information_set__system")
        .distinct()
        .count()
    )
    if not count:
        return []
    return [
        Attention(
            ngettext(
                "%(count)s av dina system har en klassning som väntar på att du fastställer den.",
                "%(count)s av dina system har klassningar som väntar på att du fastställer dem.",
                count,
            )
            % {"count": count},
            reverse("systems:system_list") + "?klassad=vantar&ansvar=mina",
            group="responsible",
            tone="due",
            order=32,
        )
    ]


register_attention("classification", _attention)


# --- recurring reviews (issue 15): classification reviews as deadlines -------------------------


def _classification_reviews(until):
    """Every fastställd classification whose review falls on or before `until`: one query. For
    the system's ansvarig chef (else the unit's samordnare)."""
    from django.utils.translation import gettext as _

    from lis.core.deadlines import Deadline, PathTemplate
    from lis.core.pack import get_pack
    from lis.core.reviews import next_review

    from .services import classification_reviews_due

    months = get_pack().classification_review_interval_months
    url = PathTemplate("systems:system_detail", suffix="?flik=klassning")
    title = _("Granska klassningen av %(set)s i %(system)s")
    rows = classification_reviews_due(until).values_list(
        "pk",
        "information_set__name",
        "information_set__system_id",
        "information_set__system__name",
        "information_set__system__unit_id",
        "information_set__system__responsible_manager_id",
        "review_base",
    )
    for pk, set_name, system_id, system_name, unit_id, manager_id, base in rows.order_by("pk"):
        due = next_review(base, months)
        yield Deadline(
            kind="classification.review",
            key=f"classification.review:{pk}:{due.isoformat()}",
            title=title % {"set": set_name, "system": system_name},
            due=due,
            url=url(system_id),
            responsible_id=manager_id,
            unit_id=unit_id,
            object_type="classification.classification",
            object_id=str(pk),
        )


def _register_review_deadlines() -> None:
    from lis.core.deadlines import DeadlineKind, register_deadline_kind

    register_deadline_kind(
        DeadlineKind("classification.review", _("Granskning av klassningar"), _classification_reviews)
    )


_register_review_deadlines()
