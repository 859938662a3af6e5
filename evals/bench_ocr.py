"""OCR throughput and memory: pages per second and peak RSS on generated scans of a bundled report.

`bench_ocr()` makes image-only scans with the test generator (tests/scans.py: Debian CJK font,
skew, blur, speckle, seal), OCRs every page through the loader's own path (render at the configured
dpi, red ink removed, RapidOCR, layout), and reports seconds per page, pages per second, the peak
resident memory of the process and how much it grew while OCR ran, and the character agreement of
the recognised text with the text that was printed. Run: `python -m evals.bench_ocr`.
"""

from __future__ import annotations

import difflib
import json
import resource
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from ingest.loaders import load
from ingest.ocr import OcrOptions, get_engine

CORPUS = Path(__file__).resolve().parent / "corpus"


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def bench_ocr(report: str = "siyang-2023", *, dpi: int = 200, threads: int = 2) -> dict[str, Any]:
    """OCR every page of a scan of `report` through the loader; returns the figures as a dict."""
    from tests.scans import make_scan  # the scan generator lives with the tests; only the bench reuses it

    text = load(CORPUS / f"{report}.txt").text
    marks: list[float] = []
    options = OcrOptions(dpi=dpi, threads=threads, on_page=lambda done, total: marks.append(time.perf_counter()))
    with tempfile.TemporaryDirectory() as tmp:
        scan = make_scan(text, Path(tmp) / f"{report}.pdf")
        started = time.perf_counter()
        get_engine(threads)
        load_s = time.perf_counter() - started
        rss_before = _peak_rss_mb()
        started = time.perf_counter()
        loaded = load(scan, ocr=options)
        seconds = time.perf_counter() - started
    pages = loaded.ocr_pages
    page_s = [b - a for a, b in zip([started, *marks], marks, strict=False)]
    confidences = [c for c in loaded.ocr_confidence if c is not None]
    agreement = difflib.SequenceMatcher(None, _key(text), _key(loaded.text), autojunk=False).ratio()
    return {
        "report": report, "dpi": dpi, "threads": threads, "pages": pages,
        "engine_load_s": round(load_s, 2),
        "s_per_page": round(seconds / pages, 2), "pages_per_s": round(pages / seconds, 3),
        "page_s": [round(s, 2) for s in page_s],
        "mean_confidence": round(sum(confidences) / len(confidences), 4),
        "peak_rss_mb": round(_peak_rss_mb(), 1), "rss_growth_mb": round(_peak_rss_mb() - rss_before, 1),
        "char_agreement_nfkc": round(agreement, 4),
    }


def main() -> None:
    json.dump(bench_ocr(*sys.argv[1:2]), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
