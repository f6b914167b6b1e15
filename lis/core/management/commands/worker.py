"""`manage.py worker`: the embedded worker for long jobs (lis.core.jobs). It is django-tasks-db's
`db_worker` (same options, e.g. --backend, --batch, --interval) that first queues again the jobs
whose worker died, and keeps doing so while it runs, so a job survives a worker's restart; it
also removes finished jobs older than LIS_JOBS_KEEP_DAYS, and runs the schedule the apps register
(lis.core.jobs.register_schedule: e-mail reminders every 15 minutes, legal incident deadlines every
5), unless --no-schedule."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from lis.core import jobs

logger = logging.getLogger("lis.core.jobs")


def _recover_regularly(stopped: threading.Event) -> None:
    interval = max(2.0, settings.LIS_JOBS_STALE_SECONDS / 2)
    while not stopped.wait(interval):
        try:
            jobs.recover_stale_jobs()
            jobs.prune_jobs()
        except Exception:  # the next round tries again
            logger.exception("Kunde inte återuppta avbrutna bakgrundsjobb")
        finally:
            connection.close()


def _run_schedule(stopped: threading.Event) -> None:
    """The registered recurring work (lis.core.jobs.register_schedule), each when it is due; the
    first round at start."""
    due = dict.fromkeys((item.name for item in jobs.schedule()), 0.0)
    while not stopped.is_set():
        for item in jobs.schedule():
            if time.monotonic() < due.get(item.name, 0.0):
                continue
            due[item.name] = time.monotonic() + item.every_seconds
            try:
                item.run()
            except Exception:  # logged; the next round tries again
                logger.exception("Schemalagt arbete %s misslyckades", item.name)
            finally:
                connection.close()
        stopped.wait(5)


class Command(DbWorkerCommand):
    help = "Kör LIS bakgrundsjobb (PDF-rapporter, stora exporter) och återupptar jobb vars arbetsprocess avbröts."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Kör inte det schemalagda arbetet (påminnelser); för fler arbetsprocesser än en.",
        )

    def handle(self, *args, **options):
        recovered = jobs.recover_stale_jobs()
        jobs.prune_jobs()
        if recovered and options.get("verbosity", 1):
            self.stdout.write(f"Köade om {recovered} avbrutna bakgrundsjobb.")
        connection.close()
        stopped = threading.Event()
        threading.Thread(target=_recover_regularly, args=(stopped,), name="lis-job-recovery", daemon=True).start()
        if not options.get("no_schedule"):
            threading.Thread(target=_run_schedule, args=(stopped,), name="lis-schedule", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stopped.set()
