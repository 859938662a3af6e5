"""Offline OCR of scanned PDF pages: which pages need it, rendering them, and the engine.

A page whose text layer holds fewer than a few dozen letters is a picture (a scan of the signed
and stamped paper copy); only those pages are rendered (pypdfium2, at `dpi`, ≥ 200: at 72 dpi whole
lines of a 200 dpi scan are lost) and read by RapidOCR, whose PP-OCRv4 Chinese models ship inside
its PyPI wheel, so nothing is downloaded. Red ink (the seal and any red signature stamp) is removed
before recognition, so a seal's ring text never becomes body text. The engine is loaded lazily,
once per process, with its onnxruntime threads capped so a running server keeps a core for
`/api/ask`.
"""

from __future__ import annotations

import io
import re
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ingest.errors import IngestError
from ingest.ocr_layout import Box, page_text
from rag.settings import Settings

# A page with fewer letters than this in its text layer is treated as a scan ("a few stray
# characters": a scanner's OCR-less text layer often holds just a page number or a file name).
MIN_TEXT_LAYER_CHARS = 30
_LETTER = re.compile(r"[\w\u3400-\u9fff]")


@dataclass(frozen=True)
class OcrOptions:
    """OCR knobs for one ingest, built from settings by the doors (CLI, HTTP)."""

    enabled: bool = True
    dpi: int = 200
    max_pages: int = 200  # a scan longer than this is refused rather than tying up the worker
    timeout_s: float = 1800.0  # per file
    threads: int = 1  # onnxruntime intra-op threads
    low_confidence: float = 0.9  # a box recognised below this is flagged, and numbers in it too
    on_page: Callable[[int, int], None] | None = field(default=None, compare=False)  # (done, total)

    @classmethod
    def from_settings(cls, settings: Settings, on_page: Callable[[int, int], None] | None = None) -> OcrOptions:
        return cls(
            enabled=settings.ocr_enabled, dpi=settings.ocr_dpi, max_pages=settings.ocr_max_pages,
            timeout_s=settings.ocr_timeout_s, threads=settings.ocr_threads,
            low_confidence=settings.ocr_low_confidence, on_page=on_page,
        )


@dataclass(frozen=True)
class PageOcr:
    number: int  # 1-based page number in the PDF
    text: str  # the page as layout text (see ingest.ocr_layout)
    confidence: float  # mean box confidence, 0 for a page with no text
    low_confidence: tuple[str, ...]  # texts of boxes recognised below the threshold
    seconds: float


class OcrEngine(Protocol):
    def __call__(self, image: Any) -> Sequence[Box]: ...


def needs_ocr(text_layer: str) -> bool:
    """Whether a page's text layer is too thin to be the page's text."""
    return len(_LETTER.findall(text_layer)) < MIN_TEXT_LAYER_CHARS


def engine_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


_ENGINES: dict[int, OcrEngine] = {}
_ENGINE_LOCK = threading.Lock()


def get_engine(threads: int = 1) -> OcrEngine:
    """The RapidOCR engine, created on first use and kept for the life of the process."""
    with _ENGINE_LOCK:
        if threads not in _ENGINES:
            _ENGINES[threads] = _RapidOcr(threads)
        return _ENGINES[threads]


class _RapidOcr:
    def __init__(self, threads: int) -> None:
        from rapidocr_onnxruntime import RapidOCR

        # Models come from the wheel's own folder; the threads cap applies to det and rec. The 0/180°
        # line classifier is off: on upright scans it turned whole lines upside down (recognised as
        # nothing, measured on the test scans), and reports are scanned upright.
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False)
        self._lock = threading.Lock()  # one onnxruntime session set: one page at a time

    def __call__(self, image: Any) -> list[Box]:
        with self._lock:
            result, _ = self._ocr(image)
        return [
            Box(tuple((float(x), float(y)) for x, y in points), str(text), float(score))  # type: ignore[arg-type]
            for points, text, score in (result or [])
        ]


def render_page(data: bytes, index: int, dpi: int) -> Any:
    """Page `index` (0-based) as an RGB numpy array at `dpi`, with red ink turned to paper white."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(io.BytesIO(data))
    try:
        page = document[index]
        image = np.array(page.render(scale=dpi / 72).to_pil().convert("RGB"))
        page.close()
    finally:
        document.close()
    return drop_red_ink(image)


def drop_red_ink(image: Any) -> Any:
    """Seals and signature stamps are red; body text is black. Whiten pixels clearly redder than grey.

    Where the seal's ink lies over a grey stroke edge it is dark red, and must go too (a ratio test),
    or the seal's ring text comes back as stray characters.
    """
    import numpy as np

    rgb = image.astype(np.int16)
    others = np.maximum(rgb[:, :, 1], rgb[:, :, 2])
    light_red = (rgb[:, :, 0] > 140) & (rgb[:, :, 0] - others > 25)  # the seal and its pink blurred, JPEG'd halo
    dark_red = (rgb[:, :, 0] > 60) & (rgb[:, :, 0] > others * 8 // 5 + 20)
    faint_red = (others > 150) & (rgb[:, :, 0] - others > 12)  # the last pink ghost of the ring text
    red = light_red | dark_red | faint_red
    out = image.copy()
    out[red] = 255
    return out


def ocr_pages(
    path: Path, data: bytes, indexes: Sequence[int], options: OcrOptions, engine: OcrEngine | None = None
) -> list[PageOcr]:
    """OCR the given 0-based pages of a PDF, within the options' page and time limits."""
    if len(indexes) > options.max_pages:
        raise IngestError(
            path, f"scanned PDF has {len(indexes)} pages without text, over the OCR limit of {options.max_pages} "
            "(GOVQA_OCR_MAX_PAGES)"
        )
    engine = engine or get_engine(options.threads)
    started = time.monotonic()
    pages = []
    for done, index in enumerate(indexes):
        elapsed = time.monotonic() - started
        if elapsed > options.timeout_s:
            raise IngestError(
                path, f"OCR stopped after {elapsed:.0f} s at page {index + 1} of {len(indexes)} scanned pages "
                f"(limit {options.timeout_s:.0f} s, GOVQA_OCR_TIMEOUT_S)"
            )
        page_started = time.monotonic()
        boxes = list(engine(render_page(data, index, options.dpi)))
        confidence = statistics.fmean(b.score for b in boxes) if boxes else 0.0
        low = tuple(b.text for b in boxes if b.score < options.low_confidence)
        pages.append(PageOcr(index + 1, page_text(boxes), confidence, low, time.monotonic() - page_started))
        if options.on_page:
            options.on_page(done + 1, len(indexes))
    return pages
