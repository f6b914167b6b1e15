"""Typst templates to PDF: tagged for accessibility (PDF/UA-1), or archival and tagged (PDF/A-3a
and PDF/UA-1 together). The report of an analysis with 1,000 risks takes some fifteen times less
than with WeasyPrint, which LIS used before (issue 16). Every PDF of LIS is made here.

A template is a .typ file in its app's `typst` directory, named like a Django template:
"reports/analysis_report.typ" is lis/reports/typst/analysis_report.typ. What it prints comes as
JSON through `sys.inputs` and is read with `json(bytes(sys.inputs.data))`: every value is data
to the template, never markup, so a user's `#panic()`, `*`, `$`, `<b>` or `]` prints as written.
Never build Typst source from user text, and never `eval` a value in a template.

Besides `data`, `sys.inputs.lang` is the active language ("sv"), for `set text(lang: ...)`. A
template sets the document's title (PDF/UA-1 requires one) and its author.

The only font is DejaVu Sans from Debian's fonts-dejavu-core (regular and bold, no italics),
embedded in the PDF; system fonts and Typst's own are ignored, so the output is the same on
every machine. A character the font cannot show is printed as U+FFFD: PDF/A forbids text
without a glyph, and one such character must not stop the whole report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

# fonts-dejavu-core; the directory may also hold fonts-dejavu-extra's, which templates don't use.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FAMILY = "DejaVu Sans"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
LIS_DIR = Path(__file__).resolve().parents[1]
REPLACEMENT = "\ufffd"
COMPILE_TIMEOUT = 300  # seconds; a report of 1,000 risks takes 2 or 3


class TypstError(RuntimeError):
    """The template could not be compiled: a fault in the template, never in the data."""


def render_typst(template_name: str, data: dict[str, Any], *, archival: bool) -> bytes:
    """The PDF of the template `template_name` ("app_label/file.typ") with `data` (JSON-ready:
    str, numbers, bool, None, lists and dicts; lazy translations are allowed)."""
    job = {
        "template": str(template_path(template_name)),
        "root": str(LIS_DIR),  # a template may import from any app; nothing outside lis/ can be read
        "font_dir": str(FONT_DIR),
        "family": FONT_FAMILY,
        "inputs": {"data": json.dumps(_printable(data), default=_lazy), "lang": _language()},
        "standards": ["a-3a", "ua-1"] if archival else ["ua-1"],
        "timestamp": int(time.time()),  # the PDF's dates; Typst takes whole seconds
    }
    # In a process of its own: Typst keeps what it laid out in a process-wide cache (about
    # 2 GB after ten reports of 1,000 risks), and a fresh interpreter costs some 30 ms.
    try:
        done = subprocess.run(  # noqa: S603 (our interpreter and program; the data goes in on stdin)
            [sys.executable, "-I", "-c", _COMPILE],
            input=json.dumps(job).encode(),
            capture_output=True,
            timeout=COMPILE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise TypstError(f"{template_name}: not done in {COMPILE_TIMEOUT} s") from error
    if done.returncode != 0:
        raise TypstError(f"{template_name}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


_COMPILE = """
import json, sys, typst
job = json.load(sys.stdin.buffer)
fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[job["font_dir"]])
if job["family"] not in fonts.families():
    sys.exit(f"{job['family']} is missing from {job['font_dir']}: install fonts-dejavu-core")
try:
    pdf = typst.compile(
        job["template"],
        root=job["root"],
        font_paths=fonts,
        ignore_system_fonts=True,
        sys_inputs=job["inputs"],
        pdf_standards=job["standards"],
        timestamp=job["timestamp"],
    )
except typst.TypstError as error:
    sys.exit("\\n".join([error.message, error.diagnostic, *error.hints]))
sys.stdout.buffer.write(pdf)
"""


def template_path(template_name: str) -> Path:
    """Where "app_label/file.typ" is: lis/<app>/typst/file.typ (ValueError if it is not)."""
    app_label, _, file_name = template_name.partition("/")
    try:
        path = Path(apps.get_app_config(app_label).path) / "typst" / file_name
    except LookupError:
        raise ValueError(f"no Typst template {template_name!r}") from None
    if not file_name or "/" in file_name or not path.is_file():
        raise ValueError(f"no Typst template {template_name!r}")
    return path


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _lazy(value: object) -> str:
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"not JSON-ready for a Typst template: {type(value).__name__}")


@cache
def _unprintable() -> re.Pattern[str]:
    """A control character (but a line break) or one the regular or the bold face has no glyph for."""
    from fontTools.ttLib import TTFont

    covered = set.intersection(*(set(TTFont(FONT_DIR / name).getBestCmap()) for name in FONT_FILES))
    covered -= {*range(0x20), *range(0x7F, 0xA0)}  # control characters
    covered.add(ord("\n"))
    ranges: list[list[int]] = []
    for code in sorted(covered):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    ranges_class = "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in ranges)
    return re.compile(f"[^{ranges_class}]")


def _printable(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
        return _unprintable().sub(REPLACEMENT, text)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value
