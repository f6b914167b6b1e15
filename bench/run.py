"""Time LIS's key pages on a synthetic kommun, on SQLite and/or PostgreSQL.

For each database: create it fresh, migrate, generate the kommun (bench/generate.py), then
request every page in PAGES as every persona in PERSONAS through django.test.Client, `--repeat`
times after WARMUP warm-ups, and report the median and p90 time, the query count and the
status. A scaling check repeats the query counts on a small kommun and flags every page whose
count grows with the data.

Each (database, size) runs in its own process (`--worker`): Django reads its settings once.

    .venv/bin/python bench/run.py                     # SQLite (and BENCH_DATABASE_URL if set)
    .venv/bin/python bench/run.py --both --json bench.json
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import gen_operations, gen_register, gen_staff, gen_training  # noqa: E402
from bench.pages import Page  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lis_bench"
# The CI guard (`--ci`, run by .ci/run): a kommun small enough to generate in a minute, timed
# against the saved baseline; a page more than CI_MAX_RATIO times slower, or whose query count
# grows between the small kommun and this one, fails the build.
CI_SIZE = {"units": 50, "people": 1500, "systems": 500, "changelog": 1000, "repeat": 3, "warmup": 1}
CI_BASELINE = Path(__file__).resolve().parent / "baseline-ci.json"
CI_MAX_RATIO = 5.0
QUERY_SLACK = 2  # queries more in the large kommun than in the small that are not yet growth
WARMUP = 2
SLOW_MS = 300.0


# A document built by the worker: the request queues it (or finds it queued) and answers with
# the job page's address; bench/documents.py times the building itself.
QUEUED = {"strateg": 302, "chef": 302}

# The key pages. Later issues append theirs (systems, risks, plans, ...).
PAGES: list[Page] = [
    Page("core:home"),
    Page("policy:current"),
    Page("policy:versions"),
    Page("organisation:unit_list"),
    Page("organisation:unit_detail", "unit"),
    Page("organisation:unit_detail", "unit", "flik=personer"),
    Page("organisation:unit_detail", "unit", "flik=historik"),
    Page("organisation:person_list"),
    Page("organisation:person_list", query="q=ann"),
    Page("organisation:person_detail", "person"),
    Page("organisation:person_detail", "person", "flik=historik"),
    Page("organisation:role_list"),
    Page("organisation:board_list"),
    Page("compliance:overview"),
    Page("compliance:reminders"),
    Page("core:changelog", expect={"chef": 403}),
    Page("core:changelog", query="enhet={unit}&fran=2020-01-01", expect={"chef": 403}),
    Page("systems:system_list"),
    Page("systems:system_list", query="q=journal"),
    Page("systems:system_list", query="komplett=incomplete&sortera=-niva"),
    Page("systems:system_detail", "system"),
    Page("systems:system_detail", "system", "flik=klassning"),
    Page("systems:system_detail", "system", "flik=historik"),
    Page("systems:party_list"),
    Page("reports:register_export", expect=QUEUED),
    Page("risks:analysis_list"),
    Page("risks:analysis_detail", "analysis"),
    Page("risks:analysis_detail", "analysis", "flik=risker"),
    Page("risks:analysis_detail", "analysis", "flik=atgarder"),
    Page("risks:analysis_detail", "analysis", "flik=historik"),
    Page("risks:analysis_detail", "analysis", "flik=versioner"),
    Page("risks:analysis_compare", "analysis"),
    Page("risks:risk_detail", "risk"),
    Page("risks:heat_map"),
    Page("risks:heat_map", query="enhet={unit}"),
    Page("risks:heat_map", query="analys={analysis}"),
    Page("risks:heat_map", query="system={system}"),
    Page("risks:risk_list", query="s=4&k=4"),
    Page("risks:measure_list", query="forsenad=1"),
    Page("systems:system_detail", "system", "flik=risker"),
    Page("reports:analysis_xlsx", "analysis", expect=QUEUED),
    Page("reports:analysis_pdf", "analysis", expect=QUEUED),
    Page("plans:plan_list"),
    Page("plans:plan_detail", "plan"),
    Page("plans:plan_detail", "plan", "flik=versioner"),
    Page("plans:plan_detail", "plan", "flik=uppfoljning"),
    Page("plans:continuity_detail", "continuity", expect={"chef": 404}),
    Page("plans:routine_list"),
    Page("council:overview"),
    Page("council:year", "council_year"),
    Page("council:meeting_detail", "meeting"),
    Page("council:meeting_detail", "meeting", "flik=narvaro"),
    Page("council:meeting_detail", "meeting", "flik=minnesanteckningar"),
    Page("council:meeting_detail", "meeting", "flik=historik", expect={"chef": 200}),
    Page("council:meeting_detail", "meeting_planned", expect={"chef": 404}),
    Page("council:minutes_pdf", "meeting", content_type="application/pdf"),
    Page("council:sua_list", expect={"chef": 403}),
    Page("incidents:incident_list"),
    Page("incidents:incident_list", query="status=closed&q=upptäcktes"),
    Page("incidents:incident_detail", "incident"),
    Page("incidents:incident_detail", "incident", "flik=rapportering"),
    Page("incidents:incident_detail", "incident", "flik=historik"),
    Page("incidents:statistics"),
    *gen_training.PAGES,
    *gen_staff.PAGES,
    *gen_operations.PAGES,
    *gen_register.PAGES,
]

# Persona → the generator's login (bench/generate.py LOGINS).
PERSONAS: dict[str, str] = {
    "strateg": "bench-strateg",
    "chef": "bench-chef",
}


# --- the worker: one database, one size -----------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _body(response: Any) -> bytes:
    """The whole body, whatever the response: a page, a file download (HttpResponse or
    FileResponse) or a streamed answer, read to the end so that the time and the queries
    include producing it. Not closed here: the test client closes a plain response itself and
    a streamed one once it is read (closing again would close the database connection)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _content_type(response: Any) -> str:
    return response.get("Content-Type", "").split(";", 1)[0].strip()


class QueryTimer:
    """Counts the queries a request makes and the time spent in them (an execute wrapper: no
    debug cursor, so the page is timed as production runs it)."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - began


def measure(targets: Mapping[str, int], *, repeat: int, warmup: int = WARMUP) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test import Client

    from lis.core.models import User

    results = []
    for persona, username in PERSONAS.items():
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        for page in PAGES:
            url = page.url(targets)
            page_repeat = min(repeat, page.max_repeat or repeat)
            for _ in range(min(warmup, page_repeat)):
                _body(client.get(url))
            gc.collect()
            times: list[float] = []
            sql_times: list[float] = []
            queries: list[int] = []
            statuses: set[int] = set()
            content_types: set[str] = set()
            size = 0
            for _ in range(page_repeat):
                timer = QueryTimer()
                with connection.execute_wrapper(timer):
                    began = time.perf_counter()
                    response = client.get(url)
                    body = _body(response)
                    elapsed = time.perf_counter() - began
                times.append(elapsed * 1000)
                sql_times.append(timer.seconds * 1000)
                queries.append(timer.count)
                statuses.add(response.status_code)
                content_types.add(_content_type(response))
                size = len(body)
            results.append(
                {
                    "page": page.label(targets),
                    "url": url,
                    "persona": persona,
                    "status": next(iter(statuses)) if len(statuses) == 1 else "/".join(map(str, sorted(statuses))),
                    "expected_status": page.expected_status(persona),
                    "content_type": "/".join(sorted(content_types)),
                    "expected_content_type": page.content_type,
                    "median_ms": statistics.median(times),
                    "p90_ms": _percentile(times, 0.9),
                    "sql_share": sum(sql_times) / sum(times) if sum(times) else 0.0,
                    "queries": max(queries),
                    "queries_min": min(queries),
                    "bytes": size,
                }
            )
    return results


def worker(args: argparse.Namespace) -> int:
    from bench.env import redact, setup_django

    setup_django(args.database_url, var_dir=Path(args.var_dir) if args.var_dir else None)

    from django.core.management import call_command
    from django.db import connection

    from bench.generate import generate

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    say(f"[{connection.vendor}, {args.units} units, {args.people} people] migrate")
    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrate_s = time.perf_counter() - began
    say("  generate")
    summary = generate(
        units=args.units,
        people=args.people,
        systems=args.systems,
        changelog=args.changelog,
        seed=args.seed,
        progress=say,
    )
    say(f"  measure ({len(PAGES)} pages × {len(PERSONAS)} personas × {args.repeat})")
    pages = measure(summary.targets, repeat=args.repeat, warmup=args.warmup)
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    result = {
        "database": {"vendor": connection.vendor, "version": version, "url": redact(args.database_url)},
        "size": {"units": args.units, "people": args.people, "systems": args.systems},
        "repeat": args.repeat,
        "warmup": args.warmup,
        "migrate_s": migrate_s,
        "generation": summary.as_dict(),
        "pages": pages,
    }
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    connection.close()
    return 0


# --- databases ------------------------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return urlsplit(url).scheme.startswith("postgres")


def _sqlite_path(url: str) -> Path:
    """The file of a sqlite:///relative or sqlite:////absolute URL."""
    return Path(url.split("sqlite:///", 1)[1])


@dataclass
class Database:
    """A database the benchmark creates before a run and removes after it."""

    label: str
    url: str

    @property
    def is_postgres(self) -> bool:
        return _is_postgres(self.url)

    def check_disposable(self) -> None:
        """The benchmark drops what it creates: never a database not named for it."""
        name = self.name if self.is_postgres else _sqlite_path(self.url).name
        if "bench" not in name:
            raise SystemExit(f"Refusing to recreate {name!r}: the benchmark's database name must contain 'bench'.")

    def with_name_suffix(self, suffix: str) -> Database:
        parts = urlsplit(self.url)
        if self.is_postgres:
            return Database(self.label, urlunsplit(parts._replace(path=f"{parts.path}{suffix}")))
        path = _sqlite_path(self.url)
        return Database(self.label, f"sqlite:///{path.with_name(f'{path.stem}{suffix}{path.suffix}')}")

    def _admin(self) -> psycopg.Connection:
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    @property
    def name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    def reachable(self) -> bool:
        if not self.is_postgres:
            return True
        try:
            with self._admin():
                return True
        except Exception:  # noqa: BLE001 - any failure means "not there"
            return False

    def create(self) -> None:
        self.check_disposable()
        if self.is_postgres:
            from psycopg import sql

            with self._admin() as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        else:
            path = _sqlite_path(self.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            for leftover in path.parent.glob(f"{path.name}*"):
                leftover.unlink()

    def drop(self) -> None:
        self.check_disposable()
        if self.is_postgres:
            from psycopg import sql

            with self._admin() as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        else:
            path = _sqlite_path(self.url)
            for leftover in path.parent.glob(f"{path.name}*"):
                leftover.unlink()


def plan_databases(args: argparse.Namespace, workdir: Path) -> list[Database]:
    """--database-url alone: that database. --both or BENCH_DATABASE_URL: SQLite, then PostgreSQL."""
    sqlite = Database("SQLite", f"sqlite:///{workdir / 'lis-bench.sqlite3'}")
    env_url = os.environ.get("BENCH_DATABASE_URL")
    if args.database_url and not args.both:
        url = args.database_url
        return [Database("PostgreSQL" if _is_postgres(url) else "SQLite", url)]
    if args.both or env_url:
        given = [url for url in (args.database_url, env_url) if url and _is_postgres(url)]
        return [sqlite, Database("PostgreSQL", given[0] if given else DEFAULT_POSTGRES_URL)]
    return [sqlite]


def run_worker(
    database: Database, *, units: int, people: int, systems: int, repeat: int, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    out = workdir / f"result-{os.getpid()}-{time.monotonic_ns()}.json"
    database.create()
    try:
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            "--database-url",
            database.url,
            "--var-dir",
            str(workdir),
            "--units",
            str(units),
            "--people",
            str(people),
            "--systems",
            str(systems),
            "--repeat",
            str(repeat),
            "--warmup",
            str(args.warmup),
            "--changelog",
            str(args.changelog),
            "--seed",
            str(args.seed),
            "--out",
            str(out),
        ]
        subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603 - our own interpreter and script
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        if not args.keep:
            database.drop()
        out.unlink(missing_ok=True)


# --- reporting ------------------------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _wrong_content_type(row: dict[str, Any]) -> bool:
    """A 200 answer of another type than the page's (an error page instead of the export)."""
    expected = row.get("expected_content_type", "text/html")
    return row["status"] == 200 and row.get("content_type", "text/html") != expected


def _unexpected(row: dict[str, Any]) -> bool:
    return str(row["status"]) != str(row["expected_status"]) or _wrong_content_type(row)


def _notes(row: dict[str, Any]) -> list[str]:
    notes = []
    if str(row["status"]) != str(row["expected_status"]):
        notes.append(f"expected {row['expected_status']}")
    elif _wrong_content_type(row):
        notes.append(f"content type {row['content_type'] or 'none'}, expected {row['expected_content_type']}")
    if row["median_ms"] > SLOW_MS:
        notes.append("SLOW")
    if row["queries_min"] != row["queries"]:
        notes.append(f"queries vary {row['queries_min']}–{row['queries']}")
    return notes


def load_baseline(path: str | None) -> dict[tuple[str, str, str], float]:
    """(database vendor, page, persona) → median ms of a saved `--json` run."""
    if not path:
        return {}
    if not Path(path).is_file():
        print(f"(no baseline at {path}: nothing to compare with)", flush=True)
        return {}
    saved = json.loads(Path(path).read_text(encoding="utf-8"))
    return {
        (entry["full"]["database"]["vendor"], row["page"], row["persona"]): row["median_ms"]
        for entry in saved
        for row in entry["full"]["pages"]
    }


def against(row: dict[str, Any], vendor: str, baseline: Mapping[tuple[str, str, str], float]) -> float | None:
    """The page's median as a multiple of the baseline's (None without one)."""
    was = baseline.get((vendor, row["page"], row["persona"]))
    return row["median_ms"] / was if was else None


def report(result: dict[str, Any], baseline: Mapping[tuple[str, str, str], float] | None = None) -> str:
    db = result["database"]
    gen = result["generation"]
    size = result["size"]
    title = (
        f"{'SQLite' if db['vendor'] == 'sqlite' else 'PostgreSQL'} {db['version']} · {size['units']} units, "
        f"{size['people']} people · {result['repeat']} timed request(s) per page after {result['warmup']} warm-up(s)"
    )
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in gen["step_seconds"].items())
    counts = gen["counts"]
    lines = [
        f"== {title}",
        f"migrate {result['migrate_s']:.1f} s; generation {gen['seconds']:.1f} s ({steps})",
        f"data: {counts['boards']} boards, {counts['units']} units, {counts['people']} people "
        f"({counts['protected_identities']} protected), {counts['role_assignments']} role assignments, "
        f"{counts.get('systems', 0)} systems, {counts.get('analyses', 0)} analyses, {counts.get('risks', 0)} risks, "
        f"{counts.get('measures', 0)} measures, "
        f"{counts['changelog_entries']} change-log entries, chain {'valid' if gen['chain_ok'] else 'BROKEN'}",
        "",
    ]
    rows = []
    for r in result["pages"]:
        ratio = against(r, db["vendor"], baseline or {})
        rows.append(
            [
                r["page"],
                r["persona"],
                str(r["status"]),
                f"{r['median_ms']:.1f}",
                f"{r['p90_ms']:.1f}",
                f"{100 * r.get('sql_share', 0):.0f}",
                "–" if ratio is None else f"{ratio:.2f}×",
                str(r["queries"]),
                f"{r['bytes'] / 1024:.0f}",
                ", ".join(_notes(r)),
            ]
        )
    headers = ["page", "persona", "status", "median ms", "p90 ms", "SQL %", "vs base", "queries", "kB", "notes"]
    lines.append(_table(headers, rows, right={2, 3, 4, 5, 6, 7, 8}))
    return "\n".join(lines)


def too_slow(result: dict[str, Any], baseline: Mapping[tuple[str, str, str], float], max_ratio: float) -> list[str]:
    """Pages whose median is more than `max_ratio` times the baseline's."""
    vendor = result["database"]["vendor"]
    found = []
    for r in result["pages"]:
        ratio = against(r, vendor, baseline)
        if ratio is not None and ratio > max_ratio:
            found.append(f"{r['page']} ({r['persona']}): {r['median_ms']:.1f} ms, {ratio:.1f}× the baseline")
    return found


def scaling(small: dict[str, Any], full: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    before = {(r["page"], r["persona"]): r["queries"] for r in small["pages"]}
    rows, grown = [], []
    for r in full["pages"]:
        key = (r["page"], r["persona"])
        was = before.get(key)
        # A query or two more can come from what happens to exist (a section shown only when it
        # has rows); a query per row shows as many more, since the kommuner differ five-fold.
        grows = was is not None and r["queries"] > was + QUERY_SLACK
        if grows:
            grown.append({"page": r["page"], "persona": r["persona"], "small": was, "full": r["queries"]})
        note = "GROWS" if grows else (f"+{r['queries'] - was}" if was is not None and r["queries"] > was else "")
        if str(r["status"]) != str(r["expected_status"]):
            note = f"{note} (status {r['status']}: not comparable)".strip()
        rows.append([r["page"], r["persona"], str(was if was is not None else "–"), str(r["queries"]), note])
    s, f = small["size"], full["size"]
    headers = ["page", "persona", f"{s['units']}u/{s['people']}p", f"{f['units']}u/{f['people']}p", ""]
    text = f"-- query counts by size ({'none grow' if not grown else f'{len(grown)} grow'})\n" + _table(
        headers, rows, right={2, 3}
    )
    return text, grown


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time LIS's key pages on a synthetic kommun.")
    parser.add_argument("--units", type=int, default=300, help="units of the full-size kommun (default 300)")
    parser.add_argument("--people", type=int, default=20000, help="people of the full-size kommun (default 20000)")
    parser.add_argument("--systems", type=int, default=10000, help="systems of the full-size kommun (default 10000)")
    parser.add_argument("--small-systems", type=int, default=100, help="systems of the scaling check's small kommun")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page and persona (default 15)")
    parser.add_argument("--warmup", type=int, default=WARMUP, help=f"untimed requests first (default {WARMUP})")
    parser.add_argument("--database-url", help="benchmark only this database (postgres://… or sqlite:///…)")
    parser.add_argument("--both", action="store_true", help="SQLite, then PostgreSQL (skipped if unreachable)")
    parser.add_argument("--json", metavar="FILE", help="write all results to FILE")
    parser.add_argument("--no-scaling", action="store_true", help="skip the small-kommun query-count comparison")
    parser.add_argument("--small-units", type=int, default=30, help="units of the scaling check's small kommun")
    parser.add_argument("--small-people", type=int, default=500, help="people of the scaling check's small kommun")
    parser.add_argument("--changelog", type=int, default=20000, help="change-log create entries to generate")
    parser.add_argument("--seed", type=int, default=1492)
    parser.add_argument("--keep", action="store_true", help="keep the generated databases (and print where)")
    parser.add_argument("--baseline", metavar="FILE", help="a saved --json run: show each page's median against it")
    parser.add_argument(
        "--max-ratio", type=float, metavar="X", help="fail when a page's median is over X times the baseline's"
    )
    parser.add_argument(
        "--ci",
        action="store_true",
        help=f"the CI guard: a kommun of {CI_SIZE['units']} units, {CI_SIZE['people']} people and "
        f"{CI_SIZE['systems']} systems against {CI_BASELINE}, failing at {CI_MAX_RATIO}× or a growing query count",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ci:
        for name, value in CI_SIZE.items():
            setattr(args, name, value)
        args.baseline = args.baseline or str(CI_BASELINE)
        args.max_ratio = args.max_ratio or CI_MAX_RATIO
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    baseline = load_baseline(args.baseline)
    workdir = Path(tempfile.mkdtemp(prefix="lis-bench-"))
    results: list[dict[str, Any]] = []
    failed = False
    try:
        for database in plan_databases(args, workdir):
            if not database.reachable():
                print(f"== {database.label}: {database.url} is not reachable, skipped.\n", flush=True)
                continue
            try:
                full = run_worker(
                    database,
                    units=args.units,
                    people=args.people,
                    systems=args.systems,
                    repeat=args.repeat,
                    args=args,
                    workdir=workdir,
                )
                print(report(full, baseline), flush=True)
                entry: dict[str, Any] = {"full": full}
                kept = [database.url]
                if not args.no_scaling:
                    small_database = database.with_name_suffix("_small")
                    kept.append(small_database.url)
                    small = run_worker(
                        small_database,
                        units=args.small_units,
                        people=args.small_people,
                        systems=args.small_systems,
                        repeat=1,  # only its query counts are compared
                        args=args,
                        workdir=workdir,
                    )
                    text, grown = scaling(small, full)
                    print("\n" + text, flush=True)
                    entry.update(small=small, grows=grown)
                    failed |= bool(grown)
                if args.max_ratio and baseline:
                    slow = too_slow(full, baseline, args.max_ratio)
                    if slow:
                        print(f"\n-- slower than {args.max_ratio:g}× the baseline:\n" + "\n".join(slow), flush=True)
                    failed |= bool(slow)
                if args.keep:
                    print("\nkept: " + ", ".join(kept), flush=True)
                print(flush=True)
                results.append(entry)
                failed |= any(_unexpected(r) for r in full["pages"])
            except subprocess.CalledProcessError as exc:
                print(f"== {database.label}: the benchmark failed (exit {exc.returncode}).\n", flush=True)
                failed = True
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
