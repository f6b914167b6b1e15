"""Small helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def form_page(
    request: HttpRequest,
    form,
    *,
    title: str,
    cancel: str,
    submit: str | None = None,
    intro: str = "",
    status: int = 200,
) -> HttpResponse:
    """A page with one form: error summary, labelled fields, submit and cancel."""
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "submit": submit or _("Spara"),
            "intro": intro,
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
