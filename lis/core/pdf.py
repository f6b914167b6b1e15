"""HTML to PDF with WeasyPrint: tagged for accessibility (PDF/UA-1), or archival (PDF/A-3u, also
tagged). Styles are inline in the templates; nothing is ever fetched, not even from LIS itself.

Every document also gets PRINT_RULES: a table row or a list item is never split across two pages
(a row taller than a page still breaks, as it must)."""

from __future__ import annotations

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PRINT_RULES = CSS(string="tr, li { break-inside: avoid; }")


def render_pdf(html: str, *, archival: bool = False) -> bytes:
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(
        stylesheets=[PRINT_RULES],
        pdf_variant="pdf/a-3u" if archival else "pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )
