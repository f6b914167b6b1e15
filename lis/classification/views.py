"""Classifying an information set: propose, approve (by someone else), return."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lis.core import access, reviews
from lis.core.forms import call_service, guard_stale
from lis.core.pack import get_pack
from lis.core.viewhelpers import form_page
from lis.systems.forms import ClassificationForm, ReasonForm
from lis.systems.models import InformationSet
from lis.systems.selectors import system_get

from . import selectors, services
from .forms import ApprovalForm
from .models import Classification, InformationSetRemoval


def _back(information_set: InformationSet) -> str:
    return reverse("systems:system_detail", args=[information_set.system_id]) + "?flik=klassning"


@require_http_methods(["GET", "POST"])
def classification_edit(request: HttpRequest, set_pk: int) -> HttpResponse:
    information_set = get_object_or_404(InformationSet, pk=set_pk)
    system = system_get(request.principal, information_set.system_id)
    access.require(access.can_manage_system(request.principal, system))
    if information_set.security_protected:
        messages.error(request, _("Säkerhetsskyddsklassificerad information klassas inte i LIS (POL-3.24)."))
        return redirect(_back(information_set))
    current = (
        information_set.classifications.filter(status__in=["draft", "proposed"]).first()
        or information_set.classifications.filter(status="approved").first()
    )
    initial = {}
    if current is not None:
        initial = {f"level_{k}": v for k, v in current.levels.items()} | {"motivation": current.motivation}
    form = ClassificationForm(request.POST or None, initial=initial)
    guard_stale(form, current, request.principal)
    if request.method == "POST" and form.is_valid():
        propose = "propose" in request.POST
        saved = call_service(
            form,
            lambda: services.classification_save(
                actor=request.user,
                information_set=information_set,
                levels=form.levels(),
                motivation=form.cleaned_data["motivation"],
                propose=propose,
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("Klassningen är föreslagen och väntar på att någon annan fastställer den.")
                if propose
                else _("Utkastet är sparat."),
            )
            return redirect(_back(information_set))
    return render(
        request,
        "classification/classification_form.html",
        {
            "form": form,
            "information_set": information_set,
            "system": system,
            "pack": get_pack(),
            "cancel": _back(information_set),
        },
    )


@require_POST
def classification_approve(request: HttpRequest, pk: int) -> HttpResponse:
    classification = get_object_or_404(Classification.objects.select_related("information_set"), pk=pk)
    system_get(request.principal, classification.information_set.system_id)  # 404 unless visible
    form = ApprovalForm(request.POST)
    # The approval is of the proposal as the approver saw it: its revision comes from the page.
    classification.revision = form.cleaned_data["revision"] if form.is_valid() else None
    try:
        services.classification_approve(actor=request.user, classification=classification)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Klassningen är fastställd."))
    return redirect(_back(classification.information_set))


@require_http_methods(["GET", "POST"])
def classification_return(request: HttpRequest, pk: int) -> HttpResponse:
    classification = get_object_or_404(Classification.objects.select_related("information_set"), pk=pk)
    system = system_get(request.principal, classification.information_set.system_id)
    access.require(access.can_approve_classification(request.principal, system))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.classification_return(
                actor=request.user, classification=classification, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(request, _("Förslaget är återfört till utkast."))
            return redirect(_back(classification.information_set))
    return form_page(
        request, form, title=_("Återför förslaget"), cancel=_back(classification.information_set), submit=_("Återför")
    )


@require_POST
def removal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    removal = get_object_or_404(InformationSetRemoval.objects.select_related("information_set"), pk=pk)
    system = system_get(request.principal, removal.information_set.system_id)
    try:
        services.removal_approve(actor=request.user, removal=removal)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Ändringen är godkänd och genomförd."))
    return redirect(reverse("systems:system_detail", args=[system.pk]) + "?flik=informationsmangder")


@require_http_methods(["GET", "POST"])
def removal_return(request: HttpRequest, pk: int) -> HttpResponse:
    removal = get_object_or_404(InformationSetRemoval.objects.select_related("information_set"), pk=pk)
    system = system_get(request.principal, removal.information_set.system_id)
    access.require(access.can_manage_system(request.principal, system))
    back = reverse("systems:system_detail", args=[system.pk]) + "?flik=informationsmangder"
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.removal_return(actor=request.user, removal=removal, reason=form.cleaned_data["reason"]),
        ):
            messages.success(request, _("Förslaget genomförs inte. Informationsmängden finns kvar."))
            return redirect(back)
    return form_page(request, form, title=_("Avslå eller dra tillbaka förslaget"), cancel=back, submit=_("Avslå"))


# --- removing or säkerhetsskydd-marking an information set (lowers the level: four eyes) --------


def _system_url(system, tab: str) -> str:
    return reverse("systems:system_detail", args=[system.pk]) + f"?flik={tab}"


def _managed_system(request: HttpRequest, pk: int):
    system = system_get(request.principal, pk)
    access.require(access.can_manage_system(request.principal, system))
    return system


@require_http_methods(["GET", "POST"])
def information_set_security(request: HttpRequest, pk: int, set_pk: int) -> HttpResponse:
    """POL-3.24: mark an information set as säkerhetsskyddsklassificerad, after reading why."""
    system = _managed_system(request, pk)
    information_set = get_object_or_404(InformationSet, pk=set_pk, system=system)
    if request.method == "POST":
        _remove(
            request,
            services.information_set_mark_security_protected,
            information_set,
            _(
                "Informationsmängden är markerad som säkerhetsskyddsklassificerad. Kontakta säkerhetsskyddschefen "
                "eller biträdande signalskyddschefen; de har fått en avisering."
            ),
        )
        return redirect(_system_url(system, "informationsmangder"))
    return render(
        request,
        "classification/security_protected.html",
        {
            "system": system,
            "information_set": information_set,
            "classes": get_pack().security_protection_classes,
        },
    )


def _remove(request: HttpRequest, remove, information_set: InformationSet, done: str) -> None:
    """Delete or säkerhetsskydd-mark a set; when that lowers the system's level it waits for approval."""
    try:
        proposal = remove(actor=request.user, information_set=information_set)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return
    if proposal is None:
        messages.success(request, done)
    else:
        messages.warning(
            request,
            _(
                "Ändringen sänker systemets klassning och väntar på att en annan behörig person godkänner den: "
                "förvaltningschefen, informationssäkerhetssamordnaren, systemets ansvariga chef eller "
                "säkerhetsstrategen. Till dess gäller informationsmängden och klassningen som förut."
            ),
        )


@require_POST
def information_set_delete(request: HttpRequest, pk: int, set_pk: int) -> HttpResponse:
    system = _managed_system(request, pk)
    information_set = get_object_or_404(InformationSet, pk=set_pk, system=system)
    done = _("Informationsmängden är borttagen.")
    _remove(request, services.information_set_delete, information_set, done)
    return redirect(_system_url(system, "informationsmangder"))


# --- handling advice (POL-3.21) ---------------------------------------------------------------


def handling_advice(request: HttpRequest) -> HttpResponse:
    """What may and may not be done with information at each classification level, for every
    employee; with the policy's rules on e-mail and säkerhetsskyddsklassificerad information."""
    pack = get_pack()

    def policy_text(requirement_id: str) -> str:
        try:
            return pack.requirement(requirement_id).text
        except KeyError:
            return ""

    return render(
        request,
        "classification/handling_advice.html",
        {
            "levels": selectors.handling_levels(),
            "email_text": policy_text("POL-3.21"),
            "protected_text": policy_text("POL-3.24"),
        },
    )


@require_POST
def classification_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Granskad" button on a fastställd classification (issue 15): who may see the system
    finds it (404 otherwise), who may propose a classification for it may review it (403)."""
    classification = get_object_or_404(Classification.objects.select_related("information_set"), pk=pk)
    system_get(request.principal, classification.information_set.system_id)
    return reviews.review_post(
        request,
        lambda note: (
            services.classification_review(actor=request.user, classification=classification, note=note).review_due
        ),
        _back(classification.information_set),
    )
