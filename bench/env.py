"""Starting Django for the benchmark tools, against the database they are given."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "bench.settings"


def setup_django(database_url: str | None = None, *, var_dir: Path | None = None) -> None:
    """Point DATABASE_URL (and LIS_VAR_DIR) at the benchmark's database, then django.setup().
    Must run before any model is imported; settings are read once per process."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if var_dir is not None:
        os.environ["LIS_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    # WhiteNoise warns that STATIC_ROOT does not exist: nothing is collected for a benchmark.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    import django

    django.setup()


def setup_django_from_argv(argv: list[str]) -> None:
    """setup_django() with the --database-url of a command line (the rest is parsed later)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--database-url")
    known, _rest = parser.parse_known_args(argv)
    setup_django(known.database_url)


def redact(url: str) -> str:
    """A database URL without its password, for printing."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
