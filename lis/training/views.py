"""Pages of the training register (POL-3.18, POL-3.12): the overview (one's own training first,
then a chef's staff per unit), one's own training, the course catalogue, registering a
completion by hand and the LMS import (dry run, then all or nothing; both on the worker)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access, jobs
from lis.core.forms import call_service, guard_stale
from lis.core.job_views import prepared_page
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_copy, form_page

from . import lms, selectors, services
from .forms import (
    CompletionDeleteForm,
    CompletionEditForm,
    CompletionForm,
    CourseFilterForm,
    CourseForm,
    ImportForm,
    OverviewFilterForm,
)

PAGE_SIZE = 50


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """ "Min utbildning" first for everyone; then, for a chef, HR and global viewers, the staff
    per unit with their awareness status, filtered and paginated (one annotated query)."""
    p = request.principal
    context: dict = {
        "mine": selectors.training_for(p.person) if p.person is not None else [],
        "staff_view": selectors.has_staff_view(p),
        "can_register": selectors.can_register_completion(p),
        "can_import": selectors.can_import(p),
        "status_labels": selectors.STATUS_LABELS,
    }
    if context["staff_view"]:
        form = OverviewFilterForm(request.GET or None, principal=p)
        unit, status = None, ""
        if form.is_bound and form.is_valid():
            unit, status = form.cleaned_data["enhet"], form.cleaned_data["status"]
        people = selectors.staff_overview(p, unit=unit, status=status)
        counts = selectors.counts_per_unit(selectors.staff_overview(p, unit=unit), within=unit)
        # Sort and cut the page on the ids; annotate only the page's people (one more query).
        page = Paginator(people.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("sida"))
        rows = selectors.overview_rows(list(page.object_list))
        courses = selectors.awareness_courses()
        for person in rows:
            person.training_until = selectors.awareness_valid_until(person, courses)
            person.training_label = selectors.STATUS_LABELS[person.training_status]
            person.training_tone = selectors.STATUS_TONES[person.training_status]
        context |= {"form": form, "page": page, "people": rows, "counts": counts}
    return render(request, "training/overview.html", context)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    p = request.principal
    person = p.person
    context = {
        "rows": selectors.training_for(person) if person else [],
        "completions": selectors.with_actions(p, list(selectors.completions_of(p, person)[:200]), person)
        if person
        else [],
    }
    return render(request, "training/mine.html", context)


# --- the catalogue ---------------------------------------------------------------------------


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    """The catalogue, searchable and paginated: a large kommun has a course per system."""
    p = request.principal
    form = CourseFilterForm(request.GET or None)
    q, kind = "", ""
    if form.is_bound and form.is_valid():
        q, kind = form.cleaned_data["q"].strip(), form.cleaned_data["typ"]
    page = Paginator(selectors.course_search(p, q=q, kind=kind), PAGE_SIZE).get_page(request.GET.get("sida"))
    courses = list(page.object_list)
    for course in courses:
        course.may_edit = selectors.can_edit_course(p, course)
        course.months = selectors.renewal_months(course)
    return render(
        request,
        "training/course_list.html",
        {"courses": courses, "page": page, "form": form, "can_create": selectors.can_create_course(p)},
    )


@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    course = selectors.course_get(p, pk)
    history_page, history = history_for(p, [course], page=request.GET.get("sida", 1))
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "months": selectors.renewal_months(course),
            "may_edit": selectors.can_edit_course(p, course),
            "completed": course.completions.count(),
            "history": history,
            "page": history_page,
        },
    )


@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_create_course(p))
    form = CourseForm(request.POST or None, principal=p)
    if request.method == "POST" and form.is_valid():
        course = call_service(form, lambda: services.course_create(actor=request.user, **form.cleaned_data))
        if course is not None:
            messages.success(request, _("Kursen är sparad."))
            return redirect("training:course_detail", pk=course.pk)
    return form_page(request, form, title=_("Ny kurs"), cancel=reverse("training:course_list"))


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    course = selectors.course_get(p, pk)
    access.require(selectors.can_edit_course(p, course))
    form = CourseForm(request.POST or None, instance=form_copy(course), principal=p)
    guard_stale(form, course, p)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.course_update(actor=request.user, course=course, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Kursen är sparad."))
            return redirect("training:course_detail", pk=course.pk)
    return form_page(
        request,
        form,
        title=_("Ändra kurs: %(name)s") % {"name": course.name},
        cancel=reverse("training:course_detail", args=[course.pk]),
    )


# --- completions -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def completion_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_register_completion(p))
    initial = {}
    raw = request.GET.get("person", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        initial["person"] = int(raw)
    form = CompletionForm(request.POST or None, initial=initial, principal=p)
    if request.method == "POST" and form.is_valid():
        completion = call_service(form, lambda: services.completion_register(actor=request.user, **form.cleaned_data))
        if completion is not None:
            messages.success(request, _("Den genomförda utbildningen är registrerad."))
            return redirect(reverse("organisation:person_detail", args=[completion.person_id]) + "?flik=utbildning")
    return form_page(
        request,
        form,
        title=_("Registrera genomförd utbildning"),
        cancel=reverse("training:overview"),
        intro=_("För utbildning som inte kommer med importen från lärplattformen."),
    )


def _person_training_url(person_id: int) -> str:
    return reverse("organisation:person_detail", args=[person_id]) + "?flik=utbildning"


def _completion_title(request: HttpRequest, completion) -> dict:
    return {
        "course": completion.course.name,
        "date": f"{completion.completed_on:%Y-%m-%d}",
        "person": access.person_label(request.principal, completion.person),
    }


@require_http_methods(["GET", "POST"])
def completion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the date or reference of a completion registered by hand (not an imported one)."""
    p = request.principal
    completion = selectors.completion_get(p, pk)
    access.require(
        selectors.can_edit_completion(p, completion),
        _("En importerad utbildning kan inte ändras, bara tas bort.")
        if completion.source != completion.Source.MANUAL
        else None,
    )
    initial = {"completed_on": completion.completed_on, "source_reference": completion.source_reference}
    form = CompletionEditForm(request.POST or None, initial=initial)
    guard_stale(form, completion, p)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.completion_update(actor=request.user, completion=completion, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("Den genomförda utbildningen är ändrad."))
            return redirect(_person_training_url(completion.person_id))
    return form_page(
        request,
        form,
        title=_("Ändra genomförd utbildning: %(course)s %(date)s, %(person)s") % _completion_title(request, completion),
        cancel=_person_training_url(completion.person_id),
    )


@require_http_methods(["GET", "POST"])
def completion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a wrong completion, with the reason (kept in the change log)."""
    p = request.principal
    completion = selectors.completion_get(p, pk)
    access.require(selectors.can_remove_completion(p, completion))
    form = CompletionDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person_id = completion.person_id
        done = call_service(
            form,
            lambda: (
                services.completion_delete(
                    actor=request.user, completion=completion, reason=form.cleaned_data["reason"]
                )
                or True
            ),
        )
        if done:
            messages.success(request, _("Den genomförda utbildningen är borttagen."))
            return redirect(_person_training_url(person_id))
    intro = _("Ta bort en registrering som är fel. Det som tas bort och skälet sparas i ändringsloggen.")
    if completion.source == completion.Source.IMPORT:
        intro += " " + _(
            "Registreringen kom från lärplattformen: rätta den där också, annars kommer den tillbaka vid nästa import."
        )
    return form_page(
        request,
        form,
        title=_("Ta bort genomförd utbildning: %(course)s %(date)s, %(person)s")
        % _completion_title(request, completion),
        cancel=_person_training_url(completion.person_id),
        submit=_("Ta bort"),
        intro=intro,
    )


# --- the LMS import --------------------------------------------------------------------------


def _require_import(request: HttpRequest) -> None:
    access.require(
        selectors.can_import(request.principal),
        _("Bara HR, säkerhetsstrategen och administratörer importerar från lärplattformen."),
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = lms.PENDING.store(form.data_bytes, user=request.user, filename=form.cleaned_data["file"].name)
        return redirect("training:import_review", token=token)
    return render(request, "training/import.html", {"form": form})


@require_GET
def import_review(request: HttpRequest, token: str) -> HttpResponse:
    """The dry run, on the worker (lms.review_job): what the import would do, and every problem,
    before anything is written. Until it is done, the job page shows its progress."""
    _require_import(request)
    upload = lms.PENDING.load(token, user=request.user)
    if upload is None:
        return render(request, "training/import_missing.html", status=404)
    return prepared_page(
        request,
        kind=lms.REVIEW_JOB,
        params={"token": upload.token},
        template="training/import_review.html",
        context={"token": upload.token},
    )


@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    """Apply a reviewed upload on the worker (lms.apply_job): the job reads and checks the stored
    file again and writes it all or nothing; its page shows the progress and the outcome."""
    _require_import(request)
    upload = lms.PENDING.load(request.POST.get("token", ""), user=request.user)
    if upload is None:
        return render(request, "training/import_missing.html", status=404)
    job = jobs.request_document(user=request.user, kind=lms.APPLY_JOB, params={"token": upload.token})
    return redirect("core:job", pk=job.pk)


def person_tab_context(request: HttpRequest, person) -> dict:
    """The person page's Utbildning tab (registered in extensions.py)."""
    p = request.principal
    rows = selectors.training_for(person)
    return {
        "training_rows": rows,
        "training_openable": selectors.openable_courses(p, rows),
        "training_completions": selectors.with_actions(p, list(selectors.completions_of(p, person)[:200]), person),
        "training_can_register": selectors.can_register_completion(p, person),
        "training_person": person,
    }
