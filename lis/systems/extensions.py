"""The register's demo loader and its lines on the start page (lis.core.extensions)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
from lis.core.extensions import Attention, register_attention, register_loader

from .models import InformationSystem


def _demo() -> list[str]:
    from .demo import load_systems_demo

    return [f"{load_systems_demo()} nya påhittade system i förteckningen."]


register_loader("demo", "systems", _demo)


def _attention(request: HttpRequest) -> list[Attention]:
    """ "My systems' gaps" for an ansvarig chef, a systemförvaltare or the chef of a unit: systems
    they answer for without a systemförvaltare (BIL1-2), without a fastställd classification
    (POL-3.22), or procured or in use without IT-enheten consulted (POL-3.27). One query."""
    from . import selectors

    p = getattr(request, "principal", None)
    if p is None or not p.is_authenticated or not selectors.answers_for_systems(p):
        return []
    live = ~Q(status=InformationSystem.Status.DECOMMISSIONED)
    counts = (
        InformationSystem.objects.filter(access.system_filter(p))
        .filter(selectors.answered_for_q(p))
        .filter(live)
        .aggregate(
            steward=Count("pk", filter=Q(system_steward__isnull=True)),
            classification=Count("pk", filter=Q(classified=False)),
            it=Count("pk", filter=selectors.procurement_without_it_q()),
        )
    )
    url = reverse("systems:system_list") + "?ansvar=mina&saknar="
    kinds = [
        (
            "steward",
            "forvaltare",
            lambda n: ngettext(
                "%(count)s av dina system saknar systemförvaltare.",
                "%(count)s av dina system saknar systemförvaltare.",
                n,
            ),
            "due",
            30,
        ),
        (
            "classification",
            "klassning",
            lambda n: ngettext(
                "%(count)s av dina system har ingen fastställd klassning.",
                "%(count)s av dina system har ingen fastställd klassning.",
                n,
            ),
            "due",
            31,
        ),
        (
            "it",
            "it",
            lambda n: ngettext(
                "%(count)s av dina system är upphandlat eller i drift utan att IT-enheten rådfrågats (POL-3.27).",
                "%(count)s av dina system är upphandlade eller i drift utan att IT-enheten rådfrågats (POL-3.27).",
                n,
            ),
            "info",
            33,
        ),
    ]
    lines = []
    for key, missing, text, tone, order in kinds:
        count = counts[key] or 0
        if count:
            lines.append(
                Attention(text(count) % {"count": count}, url + missing, group="responsible", tone=tone, order=order)
            )
    return lines


register_attention("systems", _attention)


# --- recurring reviews (issue 15): documentation and agreement reviews as deadlines -------------


def _documentation_reviews(until):
    """Every system whose documentation review falls on or before `until`: one query. For the
    systemförvaltare, else the ansvarig chef (else the unit's samordnare)."""
    from django.utils.translation import gettext as _

    from lis.core.deadlines import Deadline, PathTemplate
    from lis.core.pack import get_pack
    from lis.core.reviews import next_review

    from .reviews import documentation_reviews_due

    months = get_pack().system_documentation_review_interval_months
    url = PathTemplate("systems:system_detail")
    title = _("Granska dokumentationen av %(system)s")
    rows = documentation_reviews_due(until).values_list(
        "pk", "name", "unit_id", "system_steward_id", "responsible_manager_id", "review_base"
    )
    for pk, name, unit_id, steward_id, manager_id, base in rows.order_by("pk"):
        due = next_review(base, months)
        yield Deadline(
            kind="systems.documentation_review",
            key=f"systems.documentation_review:{pk}:{due.isoformat()}",
            title=title % {"system": name},
            due=due,
            url=url(pk),
            responsible_id=steward_id or manager_id,
            unit_id=unit_id,
            object_type="systems.informationsystem",
            object_id=str(pk),
        )


def _agreement_reviews(until):
    """Every agreement in force whose review falls on or before `until`: one query. For the
    system's ansvarig chef (else the unit's samordnare)."""
    from django.utils.translation import gettext as _

    from lis.core import access
    from lis.core.deadlines import Deadline, PathTemplate
    from lis.core.pack import get_pack
    from lis.core.reviews import next_review

    from .reviews import agreement_reviews_due

    months = get_pack().agreement_review_interval_months
    url = PathTemplate("systems:system_detail", suffix="?flik=avtal")
    title = _("Granska avtalet %(agreement)s för %(system)s")
    rows = agreement_reviews_due(until, access.today()).values_list(
        "pk",
        "reference",
        "counterparty__name",
        "system_id",
        "system__name",
        "system__unit_id",
        "system__responsible_manager_id",
        "review_base",
    )
    for pk, reference, counterparty, system_id, system_name, unit_id, manager_id, base in rows.order_by("pk"):
        due = next_review(base, months)
        yield Deadline(
            kind="systems.agreement_review",
            key=f"systems.agreement_review:{pk}:{due.isoformat()}",
            title=title % {"agreement": f"{counterparty} {reference}".strip(), "system": system_name},
            due=due,
            url=url(system_id),
            responsible_id=manager_id,
            unit_id=unit_id,
            object_type="systems.agreement",
            object_id=str(pk),
        )


def _register_review_deadlines() -> None:
    from django.utils.translation import gettext_lazy

    from lis.core.deadlines import DeadlineKind, register_deadline_kind

    register_deadline_kind(
        DeadlineKind(
            "systems.documentation_review", gettext_lazy("Granskning av systemdokumentation"), _documentation_reviews
        )
    )
    register_deadline_kind(
        DeadlineKind("systems.agreement_review", gettext_lazy("Granskning av avtal"), _agreement_reviews)
    )


_register_review_deadlines()


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# Agreements ending (POL-3.11: the ansvarig chef ensures agreements are in place): told from the
# pack's notice window before the end, or from the agreement's own uppsägningstid when that is
# longer, to the system's ansvarig chef.


def _agreement_deadlines(until) -> list[Deadline]:
    """Agreements of live systems ending today or later, shown by `until`: one query."""
    import datetime

    from django.utils.translation import gettext

    from lis.core import changelog
    from lis.core.clock import add_months
    from lis.core.pack import get_pack

    from .models import Agreement

    window = datetime.timedelta(days=get_pack().agreement_notice_window_days)
    rows = (
        Agreement.objects.filter(ends_on__isnull=False, ends_on__gte=access.today())
        .exclude(system__status=InformationSystem.Status.DECOMMISSIONED)
        .order_by("ends_on", "pk")
        .values_list(
            "pk",
            "ends_on",
            "notice_months",
            "counterparty__name",
            "system_id",
            "system__name",
            "system__responsible_manager_id",
            "system__unit_id",
        )
    )
    system_type = changelog.object_type_of(InformationSystem)
    found = []
    for pk, ends_on, notice_months, party, system_id, system, manager_id, unit_id in rows:
        notice_from = ends_on - window
        if notice_months:
            notice_from = min(notice_from, add_months(ends_on, -notice_months))
        if notice_from > until:
            continue
        found.append(
            Deadline(
                kind="systems.agreement",
                key=f"systems.agreement:{pk}:{ends_on.isoformat()}",
                title=gettext("Avtalet med %(party)s för %(system)s löper ut") % {"party": party, "system": system},
                due=ends_on,
                url=reverse("systems:system_detail", args=[system_id]) + "?flik=avtal",
                responsible_id=manager_id,
                unit_id=unit_id,
                object_type=system_type,
                object_id=str(system_id),
                notice_from=notice_from,
            )
        )
    return found


register_deadline_kind(
    DeadlineKind(
        "systems.agreement",
        gettext_lazy("Avtal som löper ut"),
        collect=_agreement_deadlines,
        order=40,
        list_url=lambda: reverse("systems:system_list") + "?ansvar=mina&avtal=on",
    )
)
