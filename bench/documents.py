"""Benchmark of the slow documents (issue 16): the worker's builders in lis.reports.documents,
called directly (no HTTP, no job queue) on a kommun from bench/generate.py.

Times the whole kommun's register (.xlsx), and the riskmatris (.xlsx) and the nämnd report (PDF,
tagged and archival) of the analyses with the fewest and the most risks (or those given with
--analysis), as bench-strateg, `--repeat` times each, and prints the median and every run, and
the median CPU time of this process (steadier than the wall clock on a shared machine; the PDF
is set by Typst in a process of its own, so only the wall clock counts for it). Each build
runs in a transaction that is rolled back, so the export's change-log entry does not pile up in
the database. `--profile` prints
where the time of one more build of each goes (cProfile, by own time).

    DATABASE_URL=sqlite:////tmp/kommun.sqlite3 .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/kommun.sqlite3 .venv/bin/python bench/generate.py --units 300 --people 20000
    .venv/bin/python bench/documents.py --database-url sqlite:////tmp/kommun.sqlite3
    .venv/bin/python bench/documents.py --database-url sqlite:////tmp/kommun.sqlite3 --analysis 3 --profile

An analysis has about five risks per system of its förvaltning or bolag: `--units 300
--systems 3000` gives analyses of about 1 000 risks, `--units 100 --systems 10000` of about
10 000.
"""

# ruff: noqa: E402 - run as a script, Django is set up (with --database-url) before the models are imported.
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Rollback(Exception):
    pass


def _build(build: Callable[[], object]) -> tuple[float, float, int]:
    """Seconds to build (wall clock and this process's CPU), and the document's size; the
    database is left as it was."""
    from django.db import transaction

    size = 0
    try:
        with transaction.atomic():
            started, cpu = time.perf_counter(), time.process_time()
            document = build()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            size = len(document.content)
            raise _Rollback
    except _Rollback:
        pass
    return seconds, cpu, size


def _profile(build: Callable[[], object], lines: int) -> None:
    profiler = cProfile.Profile()
    try:
        from django.db import transaction

        with transaction.atomic():
            profiler.enable()
            build()
            profiler.disable()
            raise _Rollback
    except _Rollback:
        pass
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(lines)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the worker's document builders.")
    parser.add_argument("--database-url", help="a generated kommun; default: DATABASE_URL")
    parser.add_argument("--user", default="bench-strateg", help="who asks (default bench-strateg)")
    parser.add_argument("--analysis", type=int, action="append", help="an analysis's id (repeatable)")
    parser.add_argument("--repeat", type=int, default=3, help="builds per document (default 3)")
    parser.add_argument("--profile", action="store_true", help="profile one more build of each")
    parser.add_argument(
        "--only", choices=["register", "riskmatris", "report"], help="time only this document (default all)"
    )
    args = parser.parse_args(argv)

    from bench.env import redact, setup_django

    setup_django(args.database_url)

    from django.conf import settings
    from django.db.models import Count

    from lis.core.models import User
    from lis.reports import documents
    from lis.risks.models import SecurityAnalysis

    user = User.objects.get(username=args.user)
    print(f"Database: {redact(str(settings.DATABASES['default'].get('NAME')))}, as {user.username}")

    def progress(percent: int, message: str) -> None:
        pass

    jobs: list[tuple[str, Callable[[], object]]] = []
    if args.only in (None, "register"):
        jobs.append(
            ("register, whole kommun", lambda: documents.build_register(user=user, params={}, progress=progress))
        )
    analyses = SecurityAnalysis.objects.annotate(risk_count=Count("risks")).order_by("risk_count", "pk")
    chosen = [analyses.get(pk=pk) for pk in args.analysis] if args.analysis else [analyses.first(), analyses.last()]
    chosen = list(dict.fromkeys(a for a in chosen if a is not None))
    if args.only in (None, "riskmatris"):
        for analysis in chosen:

            def build(pk=analysis.pk):
                return documents.build_analysis_xlsx(user=user, params={"analysis": pk}, progress=progress)

            jobs.append((f"riskmatris, analysis {analysis.pk} ({analysis.risk_count} risks)", build))
    if args.only in (None, "report"):
        from lis.risks.selectors import default_report_level

        for analysis in chosen:
            for archival in (False, True):

                def build(pk=analysis.pk, archival=archival):
                    params = {"analysis": pk, "level": default_report_level(), "archival": archival}
                    return documents.build_analysis_pdf(user=user, params=params, progress=progress)

                kind = "PDF/A-3a + PDF/UA-1" if archival else "PDF/UA-1"
                jobs.append((f"nämnd report {kind}, analysis {analysis.pk} ({analysis.risk_count} risks)", build))

    for label, build in jobs:
        runs = [_build(build) for _ in range(args.repeat)]
        seconds, cpu = [run[0] for run in runs], [run[1] for run in runs]
        every = ", ".join(f"{s:.2f}" for s in seconds)
        print(
            f"{label}: {statistics.median(seconds):.2f} s median ({every}), CPU {statistics.median(cpu):.2f} s; "
            f"{runs[-1][2] / 1e6:.1f} MB"
        )
        if args.profile:
            _profile(build, 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
