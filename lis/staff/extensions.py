"""What the staff app adds to lower apps' pages (lis.core.extensions): the person page's tab
"Undantag" (exceptions by the register's rule, distansarbete by its own, both read through the
selectors), the start page's lines (my requests waiting for my chef; for a chef the requests to decide), the
deadlines of granted exceptions and distansarbete agreements (lis.core.deadlines: the deciding
chef and the holder see them among their own deadlines) and the demo loader.

Säkerhetsklassade placeringar (POL-3.25) appear nowhere here: nobody but the
säkerhetsskyddschef, HR and administrators may learn that the register exists."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.deadlines import Deadline, DeadlineKind, PathTemplate, register_deadline_kind
from lis.core.extensions import Attention, Tab, register_attention, register_loader, register_tab

from . import selectors
from .models import PolicyException

Status = PolicyException.Status


def _tab_visible(p, person) -> bool:
    """The rule of the register (`can_view_exceptions_of`): a samordnare sees here what they see
    there; a withheld identity's tab is not shown (POL-3.30)."""
    if not p.is_authenticated or access.identity_withheld(p, person):
        return False
    return selectors.can_view_exceptions_of(p, person) or selectors.can_view_remote_work_of(p, person)


def _tab(request, person) -> dict:
    p = request.principal
    today = access.today()
    rows = []
    show_exceptions = selectors.can_view_exceptions_of(p, person)
    if show_exceptions:
        exceptions = (
            selectors.exceptions_visible_to(p)
            .filter(person=person)
            .select_related("unit", "decided_by")
            .order_by("-created_at", "-pk")
        )
        for exception in exceptions:
            state = selectors.exception_state(exception, today)
            rows.append((exception, state, selectors.state_text(state)))
    show_remote = selectors.can_view_remote_work_of(p, person)
    remote = (
        list(
            selectors.remote_work_visible_to(p)
            .filter(person=person)
            .select_related("manager")
            .order_by("-agreed_on", "-pk")
        )
        if show_remote
        else []
    )
    return {
        "staff_show_exceptions": show_exceptions,
        "staff_exceptions": rows,
        "staff_show_remote": show_remote,
        "staff_remote": remote,
    }


def attention(request) -> list[Attention]:
    p = request.principal
    if not p.is_authenticated or p.person is None:
        return []
    overview = reverse("staff:overview")
    items: list[Attention] = []
    # Mine: my requests waiting for my chef. My granted exceptions to review or that have run out
    # are my deadlines (below, shown by lis.compliance), not repeated here.
    pending = list(PolicyException.objects.filter(person=p.person, status=Status.REQUESTED).order_by("pk"))
    if pending:
        items.append(
            Attention(
                ngettext(
                    "Din begäran om undantag väntar på beslut av din chef.",
                    "%(count)s av dina begäranden om undantag väntar på beslut av din chef.",
                    len(pending),
                )
                % {"count": len(pending)},
                reverse("staff:exception_detail", args=[pending[0].pk]) if len(pending) == 1 else overview,
                group="mine",
                tone="info",
                order=40,
            )
        )
    # Responsible: what the chef decides for their staff. The granted exceptions to review and
    # the distansarbete agreements to see over are the deciding chef's deadlines.
    to_decide = selectors.to_decide(p)
    if to_decide:
        items.append(
            Attention(
                ngettext(
                    "%(count)s undantag väntar på ditt beslut.",
                    "%(count)s undantag väntar på ditt beslut.",
                    len(to_decide),
                )
                % {"count": len(to_decide)},
                reverse("staff:exception_detail", args=[to_decide[0].pk])
                if len(to_decide) == 1
                else overview + "#att-besluta",
                group="responsible",
                tone="due",
                order=20,
            )
        )
    return items


def _load_demo() -> list[str]:
    from .demo import load_staff_demo

    return load_staff_demo()


register_tab(
    "organisation.person",
    Tab("undantag", gettext_lazy("Undantag"), "staff/_person_tab.html", _tab, order=40, visible=_tab_visible),
)
register_attention("staff", attention)
register_loader("demo", "staff", _load_demo)


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# A granted exception (POL-3.20) is reviewed before it runs out and ended when it has: the chef
# who decided it answers for that, and the holder is told too. A distansarbete agreement
# (POL-3.19) is reviewed by its chef on the date it names.


def _exception_deadlines(until) -> list[Deadline]:
    """Granted exceptions whose review period has begun by `until` (or which have run out
    without being ended): one query."""
    import datetime

    from lis.core import changelog
    from lis.core.pack import get_pack

    review = datetime.timedelta(days=get_pack().exception_review_before_days)
    rows = (
        PolicyException.objects.filter(status=Status.GRANTED, valid_until__isnull=False)
        .filter(valid_until__lte=until + review)
        .order_by("valid_until", "pk")
        .values_list("pk", "source", "valid_until", "decided_by_id", "person_id", "unit_id")
    )
    object_type = changelog.object_type_of(PolicyException)
    url = PathTemplate("staff:exception_detail")
    return [
        Deadline(
            kind="staff.exception",
            key=f"staff.exception:{pk}:{valid_until.isoformat()}",
            title=_("Undantag för %(source)s: granska eller avsluta") % {"source": source},
            due=valid_until,
            url=url(pk),
            responsible_id=decided_by_id,
            unit_id=unit_id,
            object_type=object_type,
            object_id=str(pk),
            notice_from=valid_until - review,
            also_ids=(person_id,),
        )
        for pk, source, valid_until, decided_by_id, person_id, unit_id in rows
    ]


def _remote_work_deadlines(until) -> list[Deadline]:
    """Agreements in force with a review date on or before `until`: one query."""
    from lis.core import changelog

    from .models import RemoteWorkAgreement

    today = access.today()
    rows = (
        RemoteWorkAgreement.objects.filter(review_on__isnull=False, review_on__lte=until)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .order_by("review_on", "pk")
        .values_list("pk", "agreed_on", "review_on", "manager_id", "unit_id")
    )
    object_type = changelog.object_type_of(RemoteWorkAgreement)
    url = PathTemplate("staff:remote_work_detail")
    return [
        Deadline(
            kind="staff.remote_work",
            key=f"staff.remote_work:{pk}:{review_on.isoformat()}",
            title=_("Se över överenskommelsen om distansarbete från %(date)s") % {"date": agreed_on.isoformat()},
            due=review_on,
            url=url(pk),
            responsible_id=manager_id,
            unit_id=unit_id,
            object_type=object_type,
            object_id=str(pk),
        )
        for pk, agreed_on, review_on, manager_id, unit_id in rows
    ]


register_deadline_kind(
    DeadlineKind(
        "staff.exception",
        gettext_lazy("Undantag"),
        collect=_exception_deadlines,
        order=70,
        list_url=lambda: reverse("staff:overview"),
    )
)
register_deadline_kind(
    DeadlineKind(
        "staff.remote_work",
        gettext_lazy("Distansarbete"),
        collect=_remote_work_deadlines,
        order=71,
        list_url=lambda: reverse("staff:remote_work_list") + "?lage=review",
    )
)
