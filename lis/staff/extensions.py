"""What the staff app adds to lower apps' pages (lis.core.extensions): the person page's tab
"Undantag" (exceptions by the register's rule, distansarbete by its own, both read through the
selectors), the start page's lines (my requests and exceptions; for a chef the requests to
decide and agreements to review; for a chef or samordnare the register's exceptions to review,
counted as the register lists them) and the demo loader.

Säkerhetsklassade placeringar (POL-3.25) appear nowhere here: nobody but the
säkerhetsskyddschef, HR and administrators may learn that the register exists."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
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
    today = access.today()
    items: list[Attention] = []
    # Mine: one query for everything of my own that needs attention.
    mine = list(
        PolicyException.objects.filter(person=p.person)
        .filter(Q(status=Status.REQUESTED) | Q(status=Status.GRANTED, valid_until__lte=selectors.review_from(today)))
        .order_by("valid_until", "pk")
    )
    pending = [e for e in mine if e.status == Status.REQUESTED]
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
    for exception in mine:
        if exception.status != Status.GRANTED:
            continue
        url = reverse("staff:exception_detail", args=[exception.pk])
        if exception.valid_until < today:
            items.append(
                Attention(
                    _("Ditt undantag för %(source)s har löpt ut (%(date)s). Avsluta det eller begär ett nytt.")
                    % {"source": exception.source, "date": exception.valid_until.isoformat()},
                    url,
                    group="mine",
                    tone="overdue",
                    order=40,
                )
            )
        else:
            items.append(
                Attention(
                    _("Ditt undantag för %(source)s ska granskas: det gäller till och med %(date)s.")
                    % {"source": exception.source, "date": exception.valid_until.isoformat()},
                    url,
                    group="mine",
                    tone="due",
                    order=40,
                )
            )
    # Responsible: what the chef decides for their staff, the register of the units one manages
    # (chef or samordnare) and the chef's distansarbete agreements.
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
    counts = selectors.register_needing_review(p)
    if counts["expired"]:
        items.append(
            Attention(
                ngettext(
                    "%(count)s undantag i dina enheter har löpt ut men är inte avslutat.",
                    "%(count)s undantag i dina enheter har löpt ut men är inte avslutade.",
                    counts["expired"],
                )
                % {"count": counts["expired"]},
                overview + "?lage=expired",
                group="responsible",
                tone="overdue",
                order=30,
            )
        )
    if counts["review"]:
        items.append(
            Attention(
                ngettext(
                    "%(count)s undantag i dina enheter ska granskas innan det löper ut.",
                    "%(count)s undantag i dina enheter ska granskas innan de löper ut.",
                    counts["review"],
                )
                % {"count": counts["review"]},
                overview + "?lage=review",
                group="responsible",
                tone="due",
                order=30,
            )
        )
    if not p.headed_unit_paths:
        return items
    remote = selectors.remote_work_to_review(p)
    if remote:
        items.append(
            Attention(
                ngettext(
                    "%(count)s överenskommelse om distansarbete ska ses över.",
                    "%(count)s överenskommelser om distansarbete ska ses över.",
                    remote,
                )
                % {"count": remote},
                reverse("staff:remote_work_list") + "?lage=review",
                group="responsible",
                tone="due",
                order=35,
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
