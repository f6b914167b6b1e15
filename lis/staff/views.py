"""Pages of the staff app (thin: parse, call one service or selector, render).

Exceptions (POL-3.20): everyone's own exceptions and the request form; the chef's "Att besluta"
and the units' register; the exception page, which for a granted exception reads as the
tjänsteanteckning, with a printable view. Distansarbete (POL-3.19). Säkerhetsklassade
placeringar (POL-3.25): 404 for everybody but the säkerhetsskyddschef, HR and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lis.core import access
from lis.core.forms import call_service, guard_stale
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_copy, form_page, render_tabbed, selected_tab

from . import selectors, services
from .forms import (
    ClassifiedEndForm,
    ClassifiedForm,
    ConfirmForm,
    EndExceptionForm,
    ExceptionFilterForm,
    ExceptionRegisterForm,
    ExceptionRequestForm,
    GrantForm,
    RefuseForm,
    RemoteWorkCreateForm,
    RemoteWorkEndForm,
    RemoteWorkForm,
)
from .models import PolicyException

PAGE_SIZE = 50
TABS = (("oversikt", gettext_lazy("Översikt")), ("historik", gettext_lazy("Historik")))


def _detail_url(exception: PolicyException) -> str:
    return reverse("staff:exception_detail", args=[exception.pk])


def _rows(exceptions) -> list[tuple[PolicyException, str, str]]:
    today = access.today()
    rows = []
    for exception in exceptions:
        state = selectors.exception_state(exception, today)
        rows.append((exception, state, selectors.state_text(state)))
    return rows


# --- exceptions ----------------------------------------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    mine = list(selectors.my_exceptions(p)[:100])
    context = {
        "mine": _rows(mine),
        "can_request": selectors.can_request(p),
        "is_chef": selectors.is_chef(p),
        "to_decide": selectors.to_decide(p),
        "sees_register": selectors.sees_register(p),
        "can_record_remote": selectors.may_record_remote_work(p),
        "sees_classified": selectors.can_see_classified(p),
        "review_days": get_pack().exception_review_before_days,
    }
    if context["sees_register"]:
        units = selectors.register_units(p)
        form = ExceptionFilterForm(request.GET or None, units=list(units))
        values = form.values()
        page = Paginator(selectors.filtered(p, **values), PAGE_SIZE).get_page(request.GET.get("sida"))
        context.update({"form": form, "page": page, "rows": _rows(page.object_list), "filtered": bool(values)})
    return render(request, "staff/overview.html", context)


@require_http_methods(["GET", "POST"])
def exception_request(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_request(p), _("Bara medarbetare som finns i LIS kan begära undantag."))
    form = ExceptionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exception = call_service(form, lambda: services.exception_request(actor=request.user, **form.cleaned_data))
        if exception is not None:
            messages.success(request, _("Din begäran är skickad till din chef, som beviljar eller avslår den."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Begär undantag"),
        intro=_(
            "Policyn (POL-3.20) säger att din chef ska informeras innan du använder en informationskälla eller "
            "tjänst som strider mot policyn. Din chef kan göra undantag om den behövs i arbetet och gör då en "
            "tjänsteanteckning. Använd inte källan förrän undantaget är beviljat."
        ),
        submit=_("Skicka till min chef"),
        cancel=reverse("staff:overview"),
    )


def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    exception = selectors.exception_get(p, pk)
    tab = selected_tab(request, TABS)
    state = selectors.exception_state(exception)
    context = {
        "exception": exception,
        "tab": tab,
        "tabs": TABS,
        "Status": PolicyException.Status,
        "state": state,
        "state_text": selectors.state_text(state),
        "can_decide": selectors.can_decide(p, exception),
        "can_withdraw": selectors.can_withdraw(p, exception),
        "can_end": selectors.can_end(p, exception),
        "is_note": exception.status in (PolicyException.Status.GRANTED, PolicyException.Status.ENDED),
    }
    if tab == "historik":
        context["history_page"], context["history"] = history_for(p, [exception], page=request.GET.get("sida", 1))
    return render_tabbed(request, "staff/exception_detail.html", context)


def exception_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The tjänsteanteckning as a plain page to print (granted or ended exceptions)."""
    exception = selectors.exception_get(request.principal, pk)
    if exception.status not in (PolicyException.Status.GRANTED, PolicyException.Status.ENDED):
        raise Http404
    return render(request, "staff/exception_print.html", {"exception": exception, "today": access.today()})


def _pending_for_decision(request: HttpRequest, pk: int) -> PolicyException:
    p = request.principal
    exception = selectors.exception_get(p, pk)
    if selectors.is_requester(p, exception):
        access.require(False, _("Du kan inte besluta om ditt eget undantag. Din chef beslutar."))
    access.require(selectors.is_chef_of(p, exception.person), _("Bara medarbetarens chef kan besluta om undantaget."))
    return exception


def _decided(request: HttpRequest, exception: PolicyException) -> HttpResponse | None:
    if exception.status != PolicyException.Status.REQUESTED:
        messages.info(request, _("Begäran är redan hanterad."))
        return redirect(_detail_url(exception))
    return None


def _intro(exception: PolicyException, request: HttpRequest) -> str:
    return _("%(person)s begär att få använda %(source)s till och med %(date)s: %(reason)s") % {
        "person": access.person_label(request.principal, exception.person),
        "source": exception.source,
        "date": exception.requested_until.isoformat() if exception.requested_until else "–",
        "reason": exception.reason,
    }


@require_http_methods(["GET", "POST"])
def exception_grant(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _pending_for_decision(request, pk)
    if (done := _decided(request, exception)) is not None:
        return done
    form = GrantForm(request.POST or None, exception=exception)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.exception_grant(actor=request.user, exception=exception, **form.cleaned_data)
        ):
            messages.success(request, _("Undantaget är beviljat. Tjänsteanteckningen är sparad."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Bevilja undantag"),
        intro=_intro(exception, request),
        submit=_("Bevilja och spara tjänsteanteckningen"),
        cancel=_detail_url(exception),
    )


@require_http_methods(["GET", "POST"])
def exception_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    exception = _pending_for_decision(request, pk)
    if (done := _decided(request, exception)) is not None:
        return done
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.exception_refuse(actor=request.user, exception=exception, **form.cleaned_data)
        ):
            messages.success(request, _("Begäran är avslagen."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Avslå begäran om undantag"),
        intro=_intro(exception, request),
        submit=_("Avslå"),
        cancel=_detail_url(exception),
    )


@require_http_methods(["GET", "POST"])
def exception_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    exception = selectors.exception_get(p, pk)
    access.require(selectors.is_requester(p, exception), _("Bara den som begärde undantaget kan återkalla det."))
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.exception_withdraw(actor=request.user, exception=exception)):
            messages.success(request, _("Begäran är återkallad."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Återkalla begäran om undantag"),
        intro=_("Begäran om att använda %(source)s dras tillbaka och din chef behöver inte besluta.")
        % {"source": exception.source},
        submit=_("Återkalla"),
        cancel=_detail_url(exception),
    )


@require_http_methods(["GET", "POST"])
def exception_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    exception = selectors.exception_get(p, pk)
    access.require(
        selectors.is_requester(p, exception) or selectors.is_chef_of(p, exception.person),
        _("Bara medarbetaren och dennes chef kan avsluta undantaget."),
    )
    form = EndExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.exception_end(actor=request.user, exception=exception, **form.cleaned_data)
        ):
            messages.success(request, _("Undantaget är avslutat från och med i dag."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Avsluta undantaget"),
        intro=_("Undantaget för %(source)s upphör i dag.") % {"source": exception.source},
        submit=_("Avsluta"),
        cancel=_detail_url(exception),
    )


@require_http_methods(["GET", "POST"])
def exception_register(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.is_chef(p), _("Bara en chef kan registrera en tjänsteanteckning för sin personal."))
    form = ExceptionRegisterForm(request.POST or None, principal=p)
    if request.method == "POST" and form.is_valid():
        exception = call_service(form, lambda: services.exception_register(actor=request.user, **form.cleaned_data))
        if exception is not None:
            messages.success(request, _("Tjänsteanteckningen är registrerad."))
            return redirect(_detail_url(exception))
    return form_page(
        request,
        form,
        title=_("Registrera en tjänsteanteckning"),
        intro=_(
            "För ett undantag som du har beslutat utanför LIS, t.ex. på papper. Ange det datum då "
            "tjänsteanteckningen gjordes."
        ),
        submit=_("Registrera"),
        cancel=reverse("staff:overview"),
    )


# --- distansarbete -------------------------------------------------------------------------------


def remote_work_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    state = request.GET.get("lage", "")
    include_ended = request.GET.get("avslutade") == "1"
    queryset = selectors.remote_work_list(p, state="review" if state == "review" else "", include_ended=include_ended)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))
    today = access.today()
    rows = [(a, a.review_on is not None and a.review_on < today) for a in page.object_list]
    return render(
        request,
        "staff/remote_work_list.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "include_ended": include_ended,
            "can_record": selectors.may_record_remote_work(p),
        },
    )


@require_http_methods(["GET", "POST"])
def remote_work_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(
        selectors.may_record_remote_work(p),
        _("Bara en chef eller HR kan registrera en överenskommelse om distansarbete."),
    )
    form = RemoteWorkCreateForm(request.POST or None, principal=p, initial={"agreed_on": access.today()})
    if request.method == "POST" and form.is_valid():
        agreement = call_service(form, lambda: services.remote_work_create(actor=request.user, **form.cleaned_data))
        if agreement is not None:
            messages.success(request, _("Överenskommelsen är registrerad."))
            return redirect("staff:remote_work_detail", pk=agreement.pk)
    return form_page(
        request,
        form,
        title=_("Ny överenskommelse om distansarbete"),
        intro=_("Distansarbete är tillåtet efter överenskommelse mellan chef och medarbetare (POL-3.19)."),
        cancel=reverse("staff:remote_work_list"),
    )


def remote_work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    agreement = selectors.remote_work_get(p, pk)
    page, history = history_for(p, [agreement], page=request.GET.get("sida", 1))
    can_manage = selectors.can_manage_remote_work(p, agreement.person) or (
        p.person is not None and agreement.manager_id == p.person.pk
    )
    return render(
        request,
        "staff/remote_work_detail.html",
        {"agreement": agreement, "history": history, "history_page": page, "can_manage": can_manage},
    )


def _managed_agreement(request: HttpRequest, pk: int):
    p = request.principal
    agreement = selectors.remote_work_get(p, pk)
    access.require(
        selectors.can_manage_remote_work(p, agreement.person)
        or (p.person is not None and agreement.manager_id == p.person.pk),
        _("Bara medarbetarens chef eller HR kan ändra överenskommelsen."),
    )
    return agreement


@require_http_methods(["GET", "POST"])
def remote_work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _managed_agreement(request, pk)
    form = RemoteWorkForm(request.POST or None, instance=form_copy(agreement))
    guard_stale(form, agreement, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in RemoteWorkForm.Meta.fields}
        if call_service(form, lambda: services.remote_work_update(actor=request.user, agreement=agreement, **fields)):
            messages.success(request, _("Överenskommelsen är sparad."))
            return redirect("staff:remote_work_detail", pk=agreement.pk)
    return form_page(
        request,
        form,
        title=_("Ändra överenskommelse om distansarbete"),
        intro=access.person_label(request.principal, agreement.person),
        cancel=reverse("staff:remote_work_detail", args=[agreement.pk]),
    )


@require_http_methods(["GET", "POST"])
def remote_work_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _managed_agreement(request, pk)
    form = RemoteWorkEndForm(request.POST or None, initial={"ends_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.remote_work_end(actor=request.user, agreement=agreement, **form.cleaned_data)
        ):
            messages.success(request, _("Överenskommelsen är avslutad."))
            return redirect("staff:remote_work_detail", pk=agreement.pk)
    return form_page(
        request,
        form,
        title=_("Avsluta överenskommelse om distansarbete"),
        intro=access.person_label(request.principal, agreement.person),
        submit=_("Avsluta"),
        cancel=reverse("staff:remote_work_detail", args=[agreement.pk]),
    )


# --- säkerhetsklassade placeringar -----------------------------------------------------------------


def classified_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    selectors.require_classified(p)
    include_ended = request.GET.get("avslutade") == "1"
    page = Paginator(selectors.classified_list(p, include_ended=include_ended), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(request, "staff/classified_list.html", {"page": page, "include_ended": include_ended})


@require_http_methods(["GET", "POST"])
def classified_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    selectors.require_classified(p)
    form = ClassifiedForm(request.POST or None, principal=p)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ClassifiedForm.Meta.fields}
        position = call_service(form, lambda: services.classified_create(actor=request.user, **fields))
        if position is not None:
            messages.success(request, _("Placeringen är registrerad."))
            return redirect("staff:classified_detail", pk=position.pk)
    return form_page(
        request,
        form,
        title=_("Ny säkerhetsklassad placering"),
        intro=_(
            "Vilka befattningar som innebär placering i säkerhetsklass bestäms på central nivå (POL-3.25). "
            "Registret syns bara för säkerhetsskyddschefen, HR och administratörer."
        ),
        cancel=reverse("staff:classified_list"),
    )


def classified_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    position = selectors.classified_get(p, pk)
    page, history = history_for(p, [position], page=request.GET.get("sida", 1))
    return render(
        request,
        "staff/classified_detail.html",
        {"position": position, "history": history, "history_page": page},
    )


@require_http_methods(["GET", "POST"])
def classified_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    position = selectors.classified_get(p, pk)
    form = ClassifiedForm(request.POST or None, instance=form_copy(position), principal=p)
    guard_stale(form, position, p)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ClassifiedForm.Meta.fields}
        saved = call_service(form, lambda: services.classified_update(actor=request.user, position=position, **fields))
        if saved:
            messages.success(request, _("Placeringen är sparad."))
            return redirect("staff:classified_detail", pk=position.pk)
    return form_page(
        request,
        form,
        title=_("Ändra säkerhetsklassad placering"),
        cancel=reverse("staff:classified_detail", args=[position.pk]),
    )


@require_http_methods(["GET", "POST"])
def classified_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    position = selectors.classified_get(p, pk)
    form = ClassifiedEndForm(request.POST or None, initial={"ended_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.classified_end(actor=request.user, position=position, **form.cleaned_data)
        ):
            messages.success(request, _("Placeringen är avslutad."))
            return redirect("staff:classified_detail", pk=position.pk)
    return form_page(
        request,
        form,
        title=_("Avsluta säkerhetsklassad placering"),
        intro=position.title,
        submit=_("Avsluta"),
        cancel=reverse("staff:classified_detail", args=[position.pk]),
    )
