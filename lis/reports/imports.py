"""The import of the register on the worker (lis.core.jobs; issue 15, item 5): a register workbook
of thousands of rows is checked and written by the background worker, never by a web request.
The dry run is a job whose Prepared data the review page shows (what would be created and
changed, every problem); "Genomför importen" starts a second job, whose page shows its progress
and then what was created and updated, or every reason the file was refused (then nothing is
written). Both run with the access of the person who uploaded the file, checked again here, and
re-read their stored upload; the apply re-checks every row, all or nothing in one transaction
(register_xlsx.run_import). Registered in ReportsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.jobs import JobFailed, Prepared, Progress, Summary, register_document
from lis.core.models import User

from . import register_xlsx

REGISTER_IMPORT = "register_import"
REGISTER_IMPORT_REVIEW = "register_import_review"


def _upload(user: User, params: dict[str, Any]):
    """The person's stored upload named by params["token"], if they may still import."""
    if not register_xlsx.can_import(access.principal_for(user)):
        raise JobFailed(_("Du behöver ansvara för en förvaltning eller ett bolag för att importera system."))
    token = params.get("token")
    upload = register_xlsx.PENDING.load(token if isinstance(token, str) else "", user=user)
    if upload is None:
        raise JobFailed(
            _(
                "Den uppladdade filen finns inte längre (den sparas i ett dygn). Ladda upp den igen och "
                "granska importen."
            )
        )
    return upload


def review_register_import(*, user: User, params: dict[str, Any], progress: Progress) -> Prepared:
    """params: {"token": …}. The dry run: what the import would do and every problem, nothing written."""
    upload = _upload(user, params)
    result = register_xlsx.run_import(upload.data, user=user, apply=False, progress=progress)
    return Prepared(result.as_review(filename=upload.filename))


def apply_register_import(*, user: User, params: dict[str, Any], progress: Progress) -> Summary:
    """params: {"token": the stored upload's token}. Applies it for `user`, all or nothing."""
    upload = _upload(user, params)
    result = register_xlsx.run_import(upload.data, user=user, apply=True, progress=progress)
    # Applied or refused, the file has been used; an unexpected error keeps it for a retry.
    register_xlsx.PENDING.discard(upload.token)
    if result.has_errors:
        return Summary.refused(
            _("Importen genomfördes inte. Inget har ändrats."),
            [*result.file_errors, *result.errors],
            link=reverse("reports:register_import"),
        )
    systems = reverse("systems:system_list")
    if not result.applied:
        return Summary(
            heading=_("Inget ändrades: alla rader var oförändrade."),
            link=systems,
            link_label=_("Till informationssystemen"),
        )
    created = ngettext("%(count)s nytt system", "%(count)s nya system", result.created) % {"count": result.created}
    updated = ngettext("%(count)s ändrat system", "%(count)s ändrade system", result.updated) % {
        "count": result.updated
    }
    lines = [_("Importen är genomförd: %(created)s och %(updated)s.") % {"created": created, "updated": updated}]
    if result.unchanged:
        lines.append(
            ngettext("%(count)s rad var oförändrad.", "%(count)s rader var oförändrade.", result.unchanged)
            % {"count": result.unchanged}
        )
    if upload.filename:
        lines.append(_("Fil: %(name)s") % {"name": upload.filename})
    return Summary(
        heading=_("Importen är genomförd"),
        lines=tuple(lines),
        link=systems,
        link_label=_("Till informationssystemen"),
    )


def register() -> None:
    register_document(
        REGISTER_IMPORT_REVIEW,
        review_register_import,
        label=gettext_lazy("Granskning av importen till förteckningen över informationssystem"),
        shown_at=lambda params: reverse("reports:register_import_review", args=[params["token"]]),
    )
    register_document(
        REGISTER_IMPORT,
        apply_register_import,
        label=gettext_lazy("Import till förteckningen över informationssystem"),
        summary=True,
    )
