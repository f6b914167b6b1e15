"""Long documents on a worker (issue 15, item 5): the nämnd report, riskmatriser and the whole
kommun's register are built by a background worker through django-tasks, never by a web request.

Higher apps register a builder per kind of document (`register_document`, in their
`AppConfig.ready()`); a view asks for a document with `request_document`, which gives the
person's finished document at once when nothing it was built from has changed (the change log's
data head, the policy pack's version, the day and the language), or queues one. The job page
shows its progress and offers the file; only the person who asked and administrators see it.
Work whose result is no file (an import of thousands of rows) returns a `Summary` instead: the
job page shows its heading and lines (what was created and updated, or why nothing was). Work
whose result a page of the app shows (the dry run of an import) returns `Prepared` data; the job
page sends the person to that page (the kind's `shown_at`) when it is done.

A builder gets the asking user and re-checks their access itself, as the synchronous view did:
what the user could see when they asked may have changed by the time the worker runs. It raises
`JobFailed` with a Swedish message for what the user should be told; `Http404` or
`PermissionDenied` become "no longer accessible", anything else a generic Swedish message (the
traceback goes to the log).

Jobs survive the worker: a running job writes a sign of life (`heartbeat_at`) every
LIS_JOBS_HEARTBEAT_SECONDS; `recover_stale_jobs` queues again a job whose worker has gone (its
process on this machine no longer exists, or it has been silent for LIS_JOBS_STALE_SECONDS), at
most LIS_JOBS_MAX_ATTEMPTS times. `manage.py worker` runs it at start and then regularly, and
the job page runs it for the job it shows.

Job rows are mechanics, not recorded data: they are not in the change log (and so do not move the
data head); the export itself is recorded by the builder and every download here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import changelog
from .history import register_event
from .models import BackgroundJob, User
from .pack import get_pack

try:  # Django 6 has the tasks framework built in; on 5.2 the django-tasks backport provides it.
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

logger = logging.getLogger(__name__)
Status = BackgroundJob.Status


class Progress(Protocol):
    def __call__(self, percent: int, message: str = "") -> None: ...


@dataclass(frozen=True)
class Document:
    """A finished document: its bytes, the name it is downloaded under and its media type."""

    content: bytes
    filename: str
    content_type: str


SUMMARY_CONTENT_TYPE = "application/vnd.lis.job-summary+json"
REFUSAL_LINES = 500  # reasons a refused Summary lists; the rest are counted


@dataclass(frozen=True)
class Summary:
    """A job's result that is no file but an account of what it did (an import): a heading, lines
    of plain text (escaped when shown) and a link onwards. `ok` is False when the work was refused
    and nothing was written; the lines then say why. Kept in the job's result as JSON."""

    heading: str
    lines: tuple[str, ...] = ()
    ok: bool = True
    link: str = ""
    link_label: str = ""

    @classmethod
    def refused(cls, heading: str, reasons: list, *, link: str, link_label: str = "") -> Summary:
        """Work refused with nothing written: `heading`, what to do, and the reasons (the first
        REFUSAL_LINES of them; the rest counted)."""
        lines = [str(reason) for reason in reasons[:REFUSAL_LINES]]
        if len(reasons) > REFUSAL_LINES:
            more = len(reasons) - REFUSAL_LINES
            lines.append(ngettext("… och %(count)s fel till.", "… och %(count)s fel till.", more) % {"count": more})
        return cls(
            heading=heading,
            lines=(_("Rätta felen i filen och ladda upp den igen."), *lines),
            ok=False,
            link=link,
            link_label=link_label or _("Ladda upp en rättad fil"),
        )

    def as_document(self) -> Document:
        payload = {
            "heading": str(self.heading),
            "lines": [str(line) for line in self.lines],
            "ok": bool(self.ok),
            "link": str(self.link),
            "link_label": str(self.link_label),
        }
        return Document(content=json.dumps(payload).encode(), filename="", content_type=SUMMARY_CONTENT_TYPE)


PREPARED_CONTENT_TYPE = "application/vnd.lis.job-prepared+json"


@dataclass(frozen=True)
class Prepared:
    """A job's result that a page of the app shows (the dry run of an import: what it would do
    and every problem, before anything is written): JSON-ready data, read back by `prepared_of`."""

    data: dict[str, Any]

    def as_document(self) -> Document:
        return Document(
            content=json.dumps(self.data, default=str).encode(), filename="", content_type=PREPARED_CONTENT_TYPE
        )


class JobFailed(Exception):
    """A builder's failure, with a message (translated, Swedish by default) for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Builder = Callable[..., Document | Summary | Prepared]


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    builder: Builder  # builder(*, user: User, params: dict, progress: Progress) -> Document | Summary | Prepared
    label: Any  # a lazy translation: what the job page calls the document
    summary: bool = False  # the builder returns a Summary (an account of work done), not a file
    shown_at: Callable[[dict[str, Any]], str] | None = None  # Prepared: the page that shows it, from the params


_KINDS: dict[str, DocumentKind] = {}


def register_document(
    kind: str,
    builder: Builder,
    *,
    label: Any,
    summary: bool = False,
    shown_at: Callable[[dict[str, Any]], str] | None = None,
) -> None:
    """Register the builder of a kind of document (from a higher app's `AppConfig.ready()`);
    `summary=True` for work that returns a Summary rather than a file (an import); `shown_at`
    for work that returns Prepared data: the address of the page that shows it, from the job's
    params (the job page sends the person there when the job is done)."""
    known = _KINDS.get(kind)
    if known is not None and known.builder is not builder:
        raise ValueError(f"document kind {kind!r} is already registered")
    _KINDS[kind] = DocumentKind(kind=kind, builder=builder, label=label, summary=summary, shown_at=shown_at)


def document_kind(kind: str) -> DocumentKind:
    return _KINDS[kind]


def kind_label(kind: str) -> str:
    known = _KINDS.get(kind)
    return str(known.label) if known is not None else kind


def is_work(kind: str) -> bool:
    """Whether jobs of `kind` do work (an import, its dry run) rather than build a file."""
    known = _KINDS.get(kind)
    return known is not None and (known.summary or known.shown_at is not None)


def _own_params(job: BackgroundJob) -> dict[str, Any]:
    return {k: v for k, v in job.params.items() if k != ACCESS_PARAM}


def shown_at(job: BackgroundJob) -> str | None:
    """The page that shows a finished job's Prepared data (with `?jobb=<pk>`), or None."""
    known = _KINDS.get(job.kind)
    if known is None or known.shown_at is None:
        return None
    url = known.shown_at(_own_params(job))
    return f"{url}{'&' if '?' in url else '?'}{JOB_QUERY}={job.pk}"


register_event(
    "download",
    gettext_lazy("Hämtat dokument"),
    details={"kind": (gettext_lazy("Dokument"), None), "job": (gettext_lazy("Jobb"), None)},
)


# --- asking for a document -------------------------------------------------------------------


def params_key(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


ACCESS_PARAM = "_access"


def access_key(user: User) -> str:
    """A fingerprint of what `user` may see now (their active roles with unit or board, their
    unit): a finished document is handed out only while it is unchanged, so that a file built
    with roles since taken away cannot be fetched again from its old address."""
    from . import access  # noqa: PLC0415  (access imports organisation models lazily)

    p = access.principal_for(user)
    person = getattr(p, "person", None)
    parts = sorted(f"{a.role}:{a.unit_id}:{a.board_id}" for a in p.assignments)
    parts += [f"unit:{getattr(person, 'unit_id', None)}", f"super:{user.is_superuser}"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def may_fetch(user: User, job: BackgroundJob) -> bool:
    """The owner fetches the file only with the access it was built for; administrators (who see
    another's job to help) always."""
    from . import access  # noqa: PLC0415

    if job.requested_by_id != user.pk:
        return access.principal_for(user).has_role("administrator")
    return job.params.get(ACCESS_PARAM) == access_key(user)


def _with_access(user: User, params: dict[str, Any]) -> dict[str, Any]:
    """The params as the job stores them: as the JSON field gives them back, with what the user
    may see (access_key) as part of what the document is built from."""
    return json.loads(json.dumps(params)) | {ACCESS_PARAM: access_key(user)}


def request_document(*, user: User, kind: str, params: dict[str, Any]) -> BackgroundJob:
    """The person's job for this document: a finished one built from the same data, pack, day
    and language, or one queued or running for it, or else a new one, queued. The caller has
    checked that the user may ask for it; the builder checks again. Call outside a transaction
    that may still roll back (views run in autocommit): another process picks the job up."""
    document_kind(kind)  # KeyError for an unknown kind
    # What the user may see is part of what the document was built from (access_key).
    params = _with_access(user, params)
    key = params_key(params)
    language = _language()
    mine = BackgroundJob.objects.filter(requested_by=user, kind=kind, params_key=key, language=language)
    # A queued job takes the newest data, pack and day when it starts; a running or finished one
    # is the same document only if it was built from the same.
    current = Q(status=Status.QUEUED) | Q(
        status__in=[Status.RUNNING, Status.DONE],
        data_head=changelog.data_head(),
        pack_version=get_pack().version,
        built_on=timezone.localdate(),
    )
    existing = mine.filter(current).defer("result").order_by("-pk").first()
    if existing is not None and not (existing.status == Status.DONE and existing.result_size is None):
        return existing
    job = BackgroundJob.objects.create(
        kind=kind,
        params=params,
        params_key=key,
        language=language,
        requested_by=user,
        data_head=changelog.data_head(),
        pack_version=get_pack().version,
        built_on=timezone.localdate(),
        progress_message="",
    )
    _enqueue(job.pk)
    job.refresh_from_db()
    return job


JOB_QUERY = "jobb"


def request_prepared(*, user: User, kind: str, params: dict[str, Any], job_id: str | None) -> BackgroundJob:
    """Like `request_document`, for work whose Prepared data a page shows (the dry run of an
    import). `job_id` is the `?jobb=` the job page sent the person back with: their finished job
    for the same params is shown as it is, even if others have written since it ran (in a busy
    kommun the data head moves all the time, and waiting for it to stand still would never end;
    the page says when the data was prepared, and the apply checks everything again)."""
    if job_id and job_id.isascii() and job_id.isdigit() and len(job_id) <= 12:
        done = (
            BackgroundJob.objects.filter(
                pk=int(job_id),
                requested_by=user,
                kind=kind,
                status=Status.DONE,
                params_key=params_key(_with_access(user, params)),
                language=_language(),
                result_size__isnull=False,
            )
            .defer("result")
            .first()
        )
        if done is not None:
            return done
    return request_document(user=user, kind=kind, params=params)


def _enqueue(job_id: int) -> None:
    result = run_job.using(backend=settings.LIS_JOBS_BACKEND).enqueue(job_id)
    BackgroundJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def job_for(user: User, pk: int) -> BackgroundJob:
    """The job, for the person who asked for it and administrators; otherwise 404."""
    from . import access  # noqa: PLC0415  (access imports organisation models lazily)

    job = BackgroundJob.objects.defer("result").filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.requested_by_id != user.pk and not access.principal_for(user).has_role("administrator"):
        raise Http404
    return job


def summary_of(job: BackgroundJob) -> Summary | None:
    """The Summary of a finished job whose result is one, else None."""
    if job.status != Status.DONE or job.result_content_type != SUMMARY_CONTENT_TYPE:
        return None
    content = BackgroundJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    if content is None:
        return None
    data = json.loads(bytes(content))
    return Summary(
        heading=data["heading"],
        lines=tuple(data["lines"]),
        ok=data["ok"],
        link=data.get("link", ""),
        link_label=data.get("link_label", ""),
    )


def prepared_of(job: BackgroundJob) -> dict[str, Any] | None:
    """The Prepared data of a finished job whose result is that, else None."""
    if job.status != Status.DONE or job.result_content_type != PREPARED_CONTENT_TYPE:
        return None
    content = BackgroundJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    return None if content is None else json.loads(bytes(content))


def document_of(job: BackgroundJob) -> Document | None:
    """The finished document of `job`, or None (not finished, failed, replaced by a newer one,
    or a Summary or Prepared data rather than a file)."""
    if job.status != Status.DONE or job.result_content_type in (SUMMARY_CONTENT_TYPE, PREPARED_CONTENT_TYPE):
        return None
    content = BackgroundJob.objects.filter(pk=job.pk).values_list("result", flat=True).first()
    if content is None:
        return None
    return Document(content=bytes(content), filename=job.result_filename, content_type=job.result_content_type)


def newer_job(job: BackgroundJob) -> BackgroundJob | None:
    """The person's newest other job for the same document (when this one has been replaced)."""
    return (
        BackgroundJob.objects.filter(
            requested_by_id=job.requested_by_id, kind=job.kind, params_key=job.params_key, pk__gt=job.pk
        )
        .defer("result")
        .order_by("-pk")
        .first()
    )


def record_download(*, user: User, job: BackgroundJob) -> None:
    changelog.record_event("download", user=user, details={"kind": job.kind, "job": job.pk})


def retry(*, user: User, job: BackgroundJob) -> BackgroundJob:
    """Queue a failed job again (only its owner may: it runs with their access)."""
    if job.requested_by_id != user.pk:
        raise Http404
    if job.status != Status.FAILED:
        return job
    updated = BackgroundJob.objects.filter(pk=job.pk, status=Status.FAILED).update(
        status=Status.QUEUED,
        progress=0,
        progress_message="",
        error_message="",
        attempts=0,
        worker="",
        heartbeat_at=None,
        started_at=None,
        finished_at=None,
    )
    if updated:
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


# --- running a job (in the worker) -------------------------------------------------------------


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _Reporter:
    """The builder's progress callback: writes the percentage and message, at most a few times
    a second, and counts as a sign of life."""

    def __init__(self, job_id: int, worker: str):
        self.job_id, self.worker = job_id, worker
        self.last: tuple[int, str] = (-1, "")
        self.written_at = 0.0

    def __call__(self, percent: int, message: str = "") -> None:
        percent = max(0, min(99, int(percent)))  # 100 only when the file is there
        now = time.monotonic()
        if (percent, message) == self.last or (message == self.last[1] and now - self.written_at < 0.5):
            return
        self.last, self.written_at = (percent, message), now
        BackgroundJob.objects.filter(pk=self.job_id, status=Status.RUNNING, worker=self.worker).update(
            progress=percent, progress_message=str(message)[:200], heartbeat_at=timezone.now()
        )


class _Heartbeat(threading.Thread):
    """Writes the running job's sign of life while its builder works (a PDF may take minutes in
    one call). Its first write is after one interval, so short jobs never write from here."""

    def __init__(self, job_id: int, worker: str):
        super().__init__(name=f"lis-job-{job_id}-heartbeat", daemon=True)
        self.job_id, self.worker = job_id, worker
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.LIS_JOBS_HEARTBEAT_SECONDS):
                BackgroundJob.objects.filter(pk=self.job_id, status=Status.RUNNING, worker=self.worker).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a missed beat is recovered by the next; never break the job
            logger.exception("Bakgrundsjobb %s: kunde inte skriva livstecken", self.job_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


NO_LONGER_ACCESSIBLE = gettext_lazy(
    "Du har inte längre tillgång till det som dokumentet gäller, eller så finns det inte längre."
)
INTERNAL_ERROR = gettext_lazy(
    "Dokumentet kunde inte skapas på grund av ett fel i LIS. Försök igen; kvarstår felet, kontakta "
    "den som förvaltar LIS."
)


def _claim(job_id: int, worker: str) -> BackgroundJob | None:
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING,
        worker=worker,
        heartbeat_at=now,
        started_at=now,
        attempts=F("attempts") + 1,
        progress=0,
        error_message="",
        data_head=changelog.data_head(),
        pack_version=get_pack().version,
        built_on=timezone.localdate(),
    )
    if not claimed:
        return None  # already running elsewhere, finished, or gone
    return BackgroundJob.objects.select_related("requested_by").defer("result").get(pk=job_id)


def _fail(job: BackgroundJob, worker: str, message: str) -> None:
    BackgroundJob.objects.filter(pk=job.pk, status=Status.RUNNING, worker=worker).update(
        status=Status.FAILED, error_message=str(message)[:500], finished_at=timezone.now(), heartbeat_at=None
    )


def _finish(job: BackgroundJob, worker: str, document: Document) -> None:
    done = BackgroundJob.objects.filter(pk=job.pk, status=Status.RUNNING, worker=worker).update(
        status=Status.DONE,
        result=document.content,
        result_filename=document.filename[:255],
        result_content_type=document.content_type[:100],
        result_size=len(document.content),
        progress=100,
        progress_message="",
        finished_at=timezone.now(),
        heartbeat_at=None,
    )
    if done:
        # One file per person and document: older builds of it are replaced by this one.
        BackgroundJob.objects.filter(
            requested_by_id=job.requested_by_id, kind=job.kind, params_key=job.params_key, pk__lt=job.pk
        ).exclude(result=None).update(result=None, result_size=None)


@task()
def run_job(job_id: int) -> None:
    """Build the document of one job (run by the worker; django-tasks passes only the id)."""
    worker = worker_name()
    job = _claim(job_id, worker)
    if job is None:
        return
    heartbeat = _Heartbeat(job.pk, worker)
    heartbeat.start()
    try:
        with translation.override(job.language):
            try:
                document = _build(job, worker)
            except JobFailed as failure:
                _fail(job, worker, failure.message)
            except (Http404, PermissionDenied, ObjectDoesNotExist):
                _fail(job, worker, str(NO_LONGER_ACCESSIBLE))
            except Exception:
                logger.exception("Bakgrundsjobb %s (%s) misslyckades", job.pk, job.kind)
                _fail(job, worker, str(INTERNAL_ERROR))
            else:
                _finish(job, worker, document)
    finally:
        heartbeat.stop()


def _build(job: BackgroundJob, worker: str) -> Document:
    user = job.requested_by
    if not user.is_active:
        raise JobFailed(_("Kontot som beställde dokumentet är inte längre aktivt."))
    try:
        kind = document_kind(job.kind)
    except KeyError:
        raise JobFailed(_("LIS kan inte längre skapa den här sortens dokument.")) from None
    progress = _Reporter(job.pk, worker)
    progress(1, _("Startar"))
    result = kind.builder(user=user, params=_own_params(job), progress=progress)
    return result if isinstance(result, Document) else result.as_document()


# --- jobs whose worker has gone ----------------------------------------------------------------


def _process_gone(worker: str) -> bool:
    """True when `worker` (host:pid) ran on this machine and that process no longer exists."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_stale_jobs(*, job_ids: list[int] | None = None) -> int:
    """Queue again the running jobs whose worker has gone, and the queued ones whose hand-over to
    the queue was lost; fail those that have been started LIS_JOBS_MAX_ATTEMPTS times. Safe to
    run anywhere at any time: a job is only ever claimed by one worker. The number queued."""
    now = timezone.now()
    stale_before = now - datetime.timedelta(seconds=settings.LIS_JOBS_STALE_SECONDS)
    jobs = BackgroundJob.objects.filter(
        Q(status=Status.RUNNING) | Q(status=Status.QUEUED, task_id="", created_at__lt=stale_before)
    ).only("pk", "status", "worker", "heartbeat_at", "attempts", "language")
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    queued = 0
    for job in jobs:
        if job.status == Status.QUEUED:
            _enqueue(job.pk)
            queued += 1
            continue
        silent = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if not (silent or _process_gone(job.worker)):
            continue
        running = BackgroundJob.objects.filter(pk=job.pk, status=Status.RUNNING, worker=job.worker)
        with translation.override(job.language):
            if job.attempts >= settings.LIS_JOBS_MAX_ATTEMPTS:
                running.update(
                    status=Status.FAILED,
                    finished_at=now,
                    heartbeat_at=None,
                    error_message=_(
                        "Arbetet avbröts %(count)s gånger innan dokumentet blev klart. Försök igen; kvarstår "
                        "felet, kontakta den som förvaltar LIS."
                    )
                    % {"count": job.attempts},
                )
                continue
            again = running.update(
                status=Status.QUEUED,
                worker="",
                heartbeat_at=None,
                progress=0,
                progress_message=_("I kö igen: arbetsprocessen avbröts"),
            )
        if again:
            logger.warning("Bakgrundsjobb %s: arbetsprocessen %s svarar inte, jobbet köas igen", job.pk, job.worker)
            _enqueue(job.pk)
            queued += 1
    return queued


def prune_jobs() -> int:
    """Remove finished jobs (and their files) older than LIS_JOBS_KEEP_DAYS; the number removed.
    The worker does this as it goes; a person asks again for an older document."""
    before = timezone.now() - datetime.timedelta(days=settings.LIS_JOBS_KEEP_DAYS)
    removed, _by_model = BackgroundJob.objects.filter(
        status__in=[Status.DONE, Status.FAILED], created_at__lt=before
    ).delete()
    return removed


# --- the schedule: what the worker runs at intervals (reminders, legal deadlines) -------------


@dataclass(frozen=True)
class Scheduled:
    name: str
    every_seconds: float
    run: Callable[[], Any]  # idempotent: running it twice, or on two workers, does nothing twice


_SCHEDULE: dict[str, Scheduled] = {}


def register_schedule(name: str, every_seconds: float, run: Callable[[], Any]) -> None:
    """A higher app's recurring work for `manage.py worker` (in its AppConfig.ready()). Each
    function must be idempotent: several workers may run it, and cron may run it too."""
    _SCHEDULE[name] = Scheduled(name, every_seconds, run)


def schedule() -> list[Scheduled]:
    return sorted(_SCHEDULE.values(), key=lambda item: item.name)
