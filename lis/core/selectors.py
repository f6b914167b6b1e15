"""Permission-aware reads of the change log."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast

from . import access
from .changelog import object_type_of
from .history import HistoryRow, present
from .models import ChangeLogEntry


def history_for(
    principal: access.Principal,
    objects: list[models.Model],
    *,
    related: Iterable[QuerySet] = (),
    page: int = 1,
    per_page: int = 50,
) -> tuple[Page, list[HistoryRow]]:
    """The change log of `objects` (an object and the parts shown on its page) and of the rows
    of `related` querysets (many parts, matched in the database), newest first. The caller has
    already checked that the principal may view the first object."""
    condition = Q(pk__in=[])
    by_type: dict[str, list[str]] = {}
    for obj in objects:
        by_type.setdefault(object_type_of(obj), []).append(str(obj.pk))
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=ids)
    for queryset in related:
        ids = queryset.order_by().annotate(_id=Cast("pk", models.CharField())).values("_id")
        condition |= Q(object_type=object_type_of(queryset.model), object_id__in=ids)
    queryset = ChangeLogEntry.objects.filter(condition).order_by("-sequence")
    page_obj = Paginator(queryset, per_page).get_page(page)
    return page_obj, present(principal, list(page_obj.object_list))


def changelog_visible_to(
    principal: access.Principal, *, page: int = 1, per_page: int = 50, object_type: str = "", action: str = ""
) -> tuple[Page, list[HistoryRow]]:
    """The whole change log, for those who see everything."""
    access.require(access.can_view_changelog(principal))
    queryset = ChangeLogEntry.objects.order_by("-sequence")
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if action:
        queryset = queryset.filter(action=action)
    page_obj = Paginator(queryset, per_page).get_page(page)
    return page_obj, present(principal, list(page_obj.object_list))
