"""What the training register adds to lower apps' pages (lis.core.extensions): the person page's
Utbildning tab, the start page's lines about one's own and one's staff's training, and the demo
loader."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
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
    """Mine: my awareness training missing (expired or due soon is my deadline, from
    lis.core.deadlines), and a system I steward whose course I lack. Responsible: how many of a
    chef's staff lack valid awareness training."""
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
            if row.status != selectors.MISSING:
                # Expired or expiring: a dated obligation, shown as the person's deadline
                # ("training.awareness" below), not repeated here.
                continue
            text = _("Du har inte gått informationssäkerhetsutbildningen %(course)s.") % {"course": row.course.name}
            lines.append(Attention(text, mine_url, group="mine", tone="overdue", order=30))
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


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# Each employee's awareness training (POL-3.18) expiring within the pack's due-soon window, or
# expired: the employee's own deadline (their chef sees the staff's in the line above).


def _awareness_deadlines(until) -> list[Deadline]:
    """Active employees whose latest awareness completion is no longer valid `training.due_soon_days`
    after `until`: two queries. Those who never took the course have no date (their line
    above says so)."""
    import datetime

    from lis.core import changelog
    from lis.core.pack import get_pack
    from lis.organisation.models import Person
    from lis.organisation.selectors import active_q

    courses = selectors.awareness_courses()
    if not courses:
        return []
    soon = datetime.timedelta(days=get_pack().training_due_soon_days - 1)
    rows = (
        selectors.with_awareness(Person.objects.filter(active_q(), kind=Person.Kind.EMPLOYEE), until)
        .filter(training_status__in=[selectors.DUE, selectors.OVERDUE])
        .order_by("pk")
        .values_list("pk", "unit_id", "training_latest", "training_course")
    )
    url = reverse("training:mine")
    person_type = changelog.object_type_of(Person)
    found = []
    for pk, unit_id, latest, course_id in rows:
        course = courses.get(course_id)
        until_day = selectors.valid_until(course, latest) if course is not None else None
        if until_day is None:
            continue
        found.append(
            Deadline(
                kind="training.awareness",
                key=f"training.awareness:{pk}:{until_day.isoformat()}",
                title=_("Gå om informationssäkerhetsutbildningen %(course)s") % {"course": course.name},
                due=until_day,
                url=url,
                responsible_id=pk,
                unit_id=unit_id,
                object_type=person_type,
                object_id=str(pk),
                notice_from=until_day - soon,
            )
        )
    return found


register_deadline_kind(
    DeadlineKind(
        "training.awareness",
        gettext_lazy("Informationssäkerhetsutbildning"),
        collect=_awareness_deadlines,
        order=60,
        list_url=lambda: reverse("training:mine"),
    )
)
