"""Benchmark of the reminders (issue 15, item 7): every person's digest for one day at a large
kommun, with the time it takes and the queries each batch of people costs.

Runs `lis.compliance.reminders.run(dry_run=True)` – what the scheduled job computes and renders,
without writing or sending – on a kommun from bench/generate.py, at the pack's digest hour on a
weekday that is not the weekly summary's (and once more with the weekly summaries). It reports:

- collecting: every module's deadlines for the whole kommun and whom each is for
  (`lis.compliance.deadlines.recipients`, cold cache), its time and query count;
- digests: the time to compute and render every person's digest, per 1 000 people, and the
  number of queries of each batch of people, for batches of 500 and of 2 000 people: the count
  per batch must be the same whatever the number of people in it (flat), otherwise `GROWS`.

    .venv/bin/python bench/reminders.py                                  # generates 20 000 people in a temp SQLite file
    .venv/bin/python bench/reminders.py --people 2000 --units 60 --systems 1000
    .venv/bin/python bench/reminders.py --database-url sqlite:////tmp/kommun.sqlite3   # an existing generated kommun
"""

# ruff: noqa: E402 - run as a script, Django is set up (with --database-url) before the models are imported.
from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TZ = ZoneInfo("Europe/Stockholm")


class QueryCounter:
    """Counts every query on the default connection (without DEBUG's query log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _moment(days_ahead: int, *, weekly: bool) -> datetime.datetime:
    """Noon (after the digest hour) on a day that is (or, with `weekly`, is not) the summaries' day."""
    from lis.core.pack import get_pack

    pack = get_pack()
    day = datetime.datetime.now(TZ).date() + datetime.timedelta(days=days_ahead)
    while (day.isoweekday() == pack.reminder_weekly_weekday) != weekly:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(max(12, pack.reminder_digest_hour + 1)), TZ)


def measure(batch_size: int, *, now: datetime.datetime, counter: QueryCounter) -> dict:
    """One dry run with batches of `batch_size` people: the query count of each batch."""
    from lis.compliance import reminders

    marks: list[int] = []
    summaries_at: list[int] = []
    original, original_summaries = reminders._load_states, reminders._summaries

    def load_states(person_ids, keys, periods):
        if not summaries_at:
            marks.append(counter.count)
        return original(person_ids, keys, periods)

    def summaries(*args, **kwargs):
        summaries_at.append(counter.count)
        return original_summaries(*args, **kwargs)

    reminders.BATCH_SIZE, reminders._load_states, reminders._summaries = batch_size, load_states, summaries
    try:
        start_count = counter.count
        started = time.perf_counter()
        report = reminders.run(now=now, dry_run=True)
        seconds = time.perf_counter() - started
        end_count = counter.count
    finally:
        reminders.BATCH_SIZE, reminders._load_states, reminders._summaries = 500, original, original_summaries
    people = len({planned.person.pk for planned in report.planned if planned.kind == "digest"})
    # Batches are the calls of _load_states before the weekly summaries' one (if any).
    from lis.compliance import deadlines as due

    until = now.date() + datetime.timedelta(days=reminders.get_pack().reminder_horizon_days)
    with_deadlines = len(due.recipients(until))
    batches = -(-with_deadlines // batch_size)
    bounds = marks[:batches] + [summaries_at[0] if summaries_at else end_count]
    per_batch = [later - earlier for earlier, later in zip(bounds, bounds[1:], strict=False)]
    return {
        "batch_size": batch_size,
        "seconds": round(seconds, 2),
        "queries": end_count - start_count,
        "people_with_deadlines": with_deadlines,
        "digests": people,
        "emails": len(report.planned),
        "items": sum(len(planned.items) for planned in report.planned),
        "queries_per_batch": per_batch,
        "queries_before_batches": marks[0] - start_count if marks else None,
        "queries_weekly_summaries": end_count - summaries_at[0] if summaries_at else None,
        "batch_people": [min(batch_size, with_deadlines - i * batch_size) for i in range(batches)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time every person's reminder digest for a day.")
    parser.add_argument("--database-url", help="an existing generated kommun; default: generate one in a temp file")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--systems", type=int, default=10000)
    parser.add_argument("--batches", default="500,2000", help="batch sizes to compare (default 500,2000)")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)

    from bench.env import redact, setup_django

    tmp = None
    url = args.database_url
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="lis-bench-reminders-")
        url = f"sqlite:///{tmp.name}/kommun.sqlite3"
    setup_django(url)

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    if args.database_url is None:
        from bench.generate import generate

        call_command("migrate", interactive=False, verbosity=0)
        summary = generate(
            units=args.units, people=args.people, systems=args.systems, changelog=2000, seed=1492, progress=print
        )
        print(f"Generated in {summary.seconds:.1f} s: " + ", ".join(f"{v} {k}" for k, v in summary.counts.items()))

    from lis.compliance import deadlines as due
    from lis.compliance import reminders
    from lis.core import deadlines as registry
    from lis.organisation.models import Person

    counter = QueryCounter()
    results: dict = {"database": redact(url), "people_in_kommun": Person.objects.count()}
    with connection.execute_wrapper(counter):
        now = _moment(0, weekly=False)
        cache.clear()
        due.forget()
        until = now.date() + datetime.timedelta(days=reminders.get_pack().reminder_horizon_days)
        before, started = counter.count, time.perf_counter()
        import time_machine

        with time_machine.travel(now, tick=True):
            found = due.recipients(until)
            collect = {"seconds": round(time.perf_counter() - started, 2), "queries": counter.count - before}
            kinds: dict[str, int] = {}
            for items in found.values():
                for deadline in items:
                    kinds[deadline.kind] = kinds.get(deadline.kind, 0) + 1
            collect["people"] = len(found)
            collect["deadlines_per_kind"] = dict(sorted(kinds.items(), key=lambda kv: -kv[1]))
            collect["registered_kinds"] = sorted(kind.key for kind in registry.kinds())
            results["collect"] = collect
            runs = []
            for size in [int(part) for part in args.batches.split(",") if part.strip()]:
                runs.append(measure(size, now=now, counter=counter))
            results["digests"] = runs
        weekly_now = _moment(0, weekly=True)
        with time_machine.travel(weekly_now, tick=True):
            cache.clear()
            due.forget()
            results["with_weekly_summaries"] = measure(500, now=weekly_now, counter=counter)

    print(f"\nKommun: {results['people_in_kommun']} people ({results['database']}), day {now.date()}")
    print(
        f"Collecting deadlines (cold cache): {collect['seconds']} s, {collect['queries']} queries, "
        f"{collect['people']} people with deadlines"
    )
    print("  per kind: " + ", ".join(f"{k} {v}" for k, v in collect["deadlines_per_kind"].items()))
    for run in [*runs, results["with_weekly_summaries"]]:
        per_thousand = run["seconds"] / max(run["people_with_deadlines"], 1) * 1000
        counts = sorted(set(run["queries_per_batch"]))
        verdict = "flat" if len(counts) <= 1 else "GROWS"
        print(
            f"Batches of {run['batch_size']}: {run['seconds']} s for {run['people_with_deadlines']} people "
            f"({per_thousand:.2f} s per 1 000), {run['digests']} digests, {run['emails']} e-mails, "
            f"{run['items']} items, {run['queries']} queries; per batch {run['queries_per_batch']} "
            f"(people {run['batch_people']}): {verdict}"
            + (
                f"; weekly summaries {run['queries_weekly_summaries']} queries"
                if run["queries_weekly_summaries"] is not None
                else ""
            )
        )
        run["seconds_per_1000_people"] = round(per_thousand, 3)
        run["flat"] = verdict == "flat"
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()
    return 0 if all(run["flat"] for run in [*runs, results["with_weekly_summaries"]]) else 1


if __name__ == "__main__":
    sys.exit(main())
