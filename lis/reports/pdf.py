"""HTML to PDF with WeasyPrint: tagged for accessibility (PDF/UA-1), or archival (PDF/A-3u, also
tagged). Styles are inline in the templates; nothing is ever fetched, not even from LIS itself."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(html: str, *, archival: bool = False) -> bytes:
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf(
        pdf_variant="pdf/a-3u" if archival else "pdf/ua-1",
        pdf_tags=True,
        custom_metadata=True,
    )
