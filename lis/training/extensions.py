"""What the training register adds to lower apps' pages (lis.core.extensions): the person page's
Utbildning tab, the start page's lines about one's own and one's staff's training, and the demo
loader."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core.extensions import Attention, Tab, register_attention, register_loader, register_tab

from . import selectors, views


def _tab_visible(p, person) -> bool:
    return selectors.can_view_person_training(p, person)


register_tab(
    "organisation.person",
    Tab(
        "utbildning",
        gettext_lazy("Utbildning"),
        "training/_person_tab.html",
        views.person_tab_context,
        order=40,
        visible=_tab_visible,
    ),
)


def _attention(request) -> list[Attention]:
    """Mine: my awareness training missing, expired or due soon, and a system I steward whose
    course I lack. Responsible: how many of a chef's staff lack valid awareness training."""
    p = request.principal
    if not p.is_authenticated:
        return []
    lines: list[Attention] = []
    mine_url = reverse("training:mine")
    if p.person is not None and p.person.kind == "employee" and p.person.is_active:
        system_rows = []
        for row in selectors.training_for(p.person):
            if row.status == selectors.VALID:
                continue
            if row.course.kind != "awareness":
                # POL-3.12 asks the systemförvaltare to be trained; an ansvarig chef sees their
                # systems' courses on their training page but is not reminded of them.
                if row.course.system.system_steward_id == p.person.pk:
                    system_rows.append(row)
                continue
            if row.status == selectors.MISSING:
                text = _("Du har inte gått informationssäkerhetsutbildningen %(course)s.") % {"course": row.course.name}
            elif row.status == selectors.OVERDUE:
                text = _("Din informationssäkerhetsutbildning gällde till %(date)s. Gå om %(course)s.") % {
                    "date": row.valid_until,
                    "course": row.course.name,
                }
            else:
                text = _("Din informationssäkerhetsutbildning gäller till %(date)s. Gå om %(course)s snart.") % {
                    "date": row.valid_until,
                    "course": row.course.name,
                }
            tone = "due" if row.status == selectors.DUE else "overdue"
            lines.append(Attention(text, mine_url, group="mine", tone=tone, order=30))
        if len(system_rows) == 1:
            row = system_rows[0]
            text = _("Du saknar utbildningen %(course)s i %(system)s, som du är systemförvaltare för.") % {
                "course": row.course.name,
                "system": row.course.system.name,
            }
            lines.append(Attention(text, mine_url, group="mine", tone="overdue", order=31))
        elif system_rows:
            text = ngettext(
                "Du saknar utbildning i %(count)s system som du är systemförvaltare för.",
                "Du saknar utbildning i %(count)s system som du är systemförvaltare för.",
                len(system_rows),
            ) % {"count": len(system_rows)}
            lines.append(Attention(text, mine_url, group="mine", tone="overdue", order=31))
    if selectors.staff_unit_paths(p):
        count = (
            selectors.with_awareness(_not_self(p, selectors.staff_visible_to(p).filter(_own_units(p))))
            .filter(training_status__in=[selectors.OVERDUE, selectors.MISSING])
            .count()
        )
        if count:
            if p.headed_unit_paths:
                text = ngettext(
                    "%(count)s av dina medarbetare saknar giltig informationssäkerhetsutbildning.",
                    "%(count)s av dina medarbetare saknar giltig informationssäkerhetsutbildning.",
                    count,
                )
            else:
                text = ngettext(
                    "%(count)s medarbetare där du är informationssäkerhetssamordnare saknar giltig "
                    "informationssäkerhetsutbildning.",
                    "%(count)s medarbetare där du är informationssäkerhetssamordnare saknar giltig "
                    "informationssäkerhetsutbildning.",
                    count,
                )
            lines.append(
                Attention(
                    text % {"count": count},
                    reverse("training:overview") + f"?status={selectors.UNTRAINED}",
                    group="responsible",
                    tone="overdue",
                    order=30,
                )
            )
    return lines


def _not_self(p, people):
    """A chef is in their own unit but not among their medarbetare."""
    return people.exclude(pk=p.person.pk) if p.person is not None else people


def _own_units(p):
    """The units the user heads or coordinates (not all staff, for HR or a global viewer who
    is also a chef)."""
    from django.db.models import Q

    condition = Q(pk__in=[])
    for path in selectors.staff_unit_paths(p):
        condition |= Q(unit__path__startswith=path)
    return condition


def _demo() -> list[str]:
    from .demo import load_training_demo

    return load_training_demo()


register_attention("training", _attention)
register_loader("demo", "training", _demo)
