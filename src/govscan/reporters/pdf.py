"""The PDF report for auditors: the page of :mod:`govscan.reporters.pdf_document`
printed by WeasyPrint (the optional ``govscan[pdf]`` extra).

WeasyPrint is imported only when a PDF is rendered (or asked for), so the rest
of govscan starts without it.  The page would otherwise let WeasyPrint fetch
any URL it names; :class:`_LocalOnly` refuses everything except ``data:`` URLs
and govscan's own template files, so a hostile input cannot make a CI runner
reach the network or read a file.  The PDF's creation and modification dates
are the run's finished time, so a bundle re-renders to the same bytes.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, ClassVar

from govscan.errors import UsageError
from govscan.model import ScanResult
from govscan.reporters.interface import Reporter, ReportOptions
from govscan.reporters.pdf_document import page_html, print_css, template_dir

MISSING = "the pdf format needs WeasyPrint: pip install 'govscan[pdf]'"


def _weasyprint() -> Any:
    try:
        # By name: WeasyPrint ships no type hints, and it is optional.
        return importlib.import_module("weasyprint")
    except (ImportError, OSError):
        # OSError: the package is there but Pango, its native library, is not.
        return None


def _fetcher_class(weasyprint: Any) -> type:
    from urllib.parse import unquote, urlsplit

    base = weasyprint.urls.URLFetcher
    own = template_dir().resolve()

    class _LocalOnly(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if own in path.parents and path.is_file():
                    return weasyprint.urls.URLFetcherResponse(url, path.read_bytes())
            raise ValueError(f"the PDF report fetches nothing from outside govscan: {url}")

    return _LocalOnly


class PdfReporter(Reporter):
    format: ClassVar[str] = "pdf"
    filename: ClassVar[str] = "report.pdf"

    @classmethod
    def unavailable(cls) -> str | None:
        return MISSING if _weasyprint() is None else None

    def render(self, scan: ScanResult, options: ReportOptions) -> bytes:
        from govscan.catalog.frameworks import load_frameworks
        from govscan.evidence.files import results_sha256

        weasyprint = _weasyprint()
        if weasyprint is None:
            raise UsageError(MISSING)
        page = page_html(
            scan,
            options.lang,
            load_frameworks(),
            results_sha256=options.results_sha256 or results_sha256(scan),
            manifest_hash=options.manifest_hash,
            attestations=options.attestations,
        )
        fetcher = _fetcher_class(weasyprint)(allowed_protocols=("data",))
        document = weasyprint.HTML(
            string=page, base_url=template_dir().as_uri() + "/", url_fetcher=fetcher
        )
        css = weasyprint.CSS(string=print_css(options.lang), url_fetcher=fetcher)
        pdf: bytes = document.write_pdf(stylesheets=[css])
        return pdf
