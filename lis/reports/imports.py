"""Applying a reviewed import on the worker (lis.core.jobs; issue 15, item 5): a register workbook
of thousands of rows is written by the background worker, never by a web request. The review
(the dry run) stays on the page; "Genomför importen" starts a job and the job page shows its
progress and then what was created and updated, or every reason the file was refused (then
nothing is written). The job runs with the access of the person who uploaded the file, checked
again here, and re-reads and re-checks their stored upload, all or nothing in one transaction
(register_xlsx.run_import). Registered in ReportsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.jobs import JobFailed, Progress, Summary, register_document
from lis.core.models import User

from . import register_xlsx

REGISTER_IMPORT = "register_import"
MAX_LINES = 500  # reasons shown on the job page; the rest are counted


def _summary_of_refusal(result: register_xlsx.ImportResult) -> Summary:
    reasons = [str(message) for message in result.file_errors] + [str(issue) for issue in result.errors]
    lines = reasons[:MAX_LINES]
    if len(reasons) > MAX_LINES:
        more = len(reasons) - MAX_LINES
        lines.append(ngettext("… och %(count)s fel till.", "… och %(count)s fel till.", more) % {"count": more})
    return Summary(
        heading=_("Importen genomfördes inte. Inget har ändrats."),
        lines=(_("Rätta felen i filen och ladda upp den igen."), *lines),
        ok=False,
        link=reverse("reports:register_import"),
        link_label=_("Ladda upp en rättad fil"),
    )


def apply_register_import(*, user: User, params: dict[str, Any], progress: Progress) -> Summary:
    """params: {"token": the stored upload's token}. Applies it for `user`, all or nothing."""
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
    result = register_xlsx.run_import(upload.data, user=user, apply=True, progress=progress)
    # Applied or refused, the file has been used; an unexpected error keeps it for a retry.
    register_xlsx.PENDING.discard(upload.token)
    if result.has_errors:
        return _summary_of_refusal(result)
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
        REGISTER_IMPORT,
        apply_register_import,
        label=gettext_lazy("Import till förteckningen över informationssystem"),
        summary=True,
    )
