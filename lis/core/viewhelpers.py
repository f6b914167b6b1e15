"""Small helpers shared by every app's views."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import extensions


def form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    cancel: str,
    submit: str | None = None,
    intro: str = "",
    status: int = 200,
    panels: list | None = None,
) -> HttpResponse:
    """A page with one form: error summary, labelled fields, submit and cancel; `panels` are
    registered panels (lis.core.extensions) shown after the form, e.g. what a measure came from."""
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "submit": submit or _("Spara"),
            "intro": intro,
            "panels": panels or [],
        },
        status=status,
    )


def form_copy(instance):
    """A ModelForm writes the posted values into its instance while validating; the service
    must get the unchanged object to record what changed, so the form gets its own copy."""
    return None if instance is None else type(instance)._default_manager.get(pk=instance.pk)


def selected_tab(request: HttpRequest, tabs) -> str:
    keys = [key for key, _label in tabs]
    tab = request.GET.get("flik", keys[0])
    return tab if tab in keys else keys[0]


def render_tabbed(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only the tab panel when htmx asks for it."""
    if request.htmx and request.htmx.target == "tab-panel":
        return render(request, f"{template.removesuffix('.html')}_panel.html", context)
    return render(request, template, context)


def object_tabs(request: HttpRequest, model, own, obj) -> tuple[str, dict]:
    """The tabs of an object page: its own `(key, label)` or `(key, label, order)` tuples (the
    first is the overview, the last, Historik, stays last; without an order they come 10, 20, …)
    and those higher apps registered (lis.core.extensions). Returns the selected tab's key and the
    context the page's panel needs: `tab`, `tabs`, `tab_template` (a registered tab's panel, with
    its context) and, on the overview, the registered `panels`."""
    own_tabs = [
        extensions.Tab(key, label, order=rest[0] if rest else (index + 1) * 10)
        for index, (key, label, *rest) in enumerate(own)
    ]
    own_tabs[-1] = replace(own_tabs[-1], order=1000)
    tabs = extensions.tabs(model, own_tabs, request.principal, obj)
    pairs = [(tab.key, tab.label) for tab in tabs]
    tab = next(t for t in tabs if t.key == selected_tab(request, pairs))
    context = {"tab": tab.key, "tabs": pairs, "tab_template": tab.template, **extensions.tab_context(tab, request, obj)}
    if tab.key == own[0][0]:
        context["panels"] = extensions.panels(model, request, obj)
    return tab.key, context
