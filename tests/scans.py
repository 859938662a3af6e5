"""Make image-only PDFs that look like scans of the signed, stamped paper copy of a report.

The text is typeset with a CJK font from Debian's packages (fonts-wqy-microhei) onto A4 pages at
200 dpi, with a running header and a page-number footer on every page and a red seal stamped over
the signature block on the last page; each page is then rotated slightly, blurred and speckled,
as a flat-bed scanner and a photocopier would leave it. Nothing here reads the text back: the
pages are pictures, and the loader must OCR them.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from tests.formats import HEADING_1, HEADING_2, paragraphs

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DPI = 200
_A4 = (round(8.27 * DPI), round(11.69 * DPI))
_MARGIN = round(0.9 * DPI)
_BODY_PT = 12
_SENTENCE_END = tuple("。！？；：!?;:”")
_NO_LINE_START = tuple("，。、；：？！）》」』”’%,.;:)")
RUNNING_HEADER = "法治政府建设年度报告"


def _px(points: float) -> int:
    return round(points * DPI / 72)


def _font(points: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), _px(points))


def _kind(index: int, line: str, count: int) -> str:
    plain = not line.endswith(_SENTENCE_END) and not HEADING_1.match(line) and not HEADING_2.match(line)
    if index == 0 and plain and len(line) <= 40:
        return "title"
    if index >= count - 2 and plain and len(line) <= 30:
        return "signature"
    return "body"


def _wrap(line: str, font: ImageFont.FreeTypeFont, width: float, indent: float) -> list[str]:
    pieces, current, available = [], "", width - indent
    for char in line:
        if current and font.getlength(current + char) > available and char not in _NO_LINE_START:
            pieces.append(current)
            current, available = "", width
        current += char
    pieces.append(current)
    return pieces


def typeset(text: str, *, header: str = RUNNING_HEADER) -> list[Image.Image]:
    """Clean A4 page images of the report: title centred, indented paragraphs, signature right-aligned."""
    body, small, big = _font(_BODY_PT), _font(9), _font(_BODY_PT * 4 / 3)
    width, height = _A4
    text_width = width - 2 * _MARGIN
    leading = _px(_BODY_PT * 1.75)
    pages: list[Image.Image] = []
    draw: ImageDraw.ImageDraw | None = None
    y = height

    def new_page() -> None:
        nonlocal draw, y
        page = Image.new("RGB", _A4, "white")
        pages.append(page)
        draw = ImageDraw.Draw(page)
        if header:
            draw.text((width - _MARGIN, _px(30)), header, font=small, fill="black", anchor="ra")
        draw.text((width / 2, height - _px(36)), f"- {len(pages)} -", font=small, fill="black", anchor="ms")
        y = _MARGIN

    lines = paragraphs(text)
    for index, line in enumerate(lines):
        kind = _kind(index, line, len(lines))
        font = big if kind == "title" else body
        indent = 2 * font.size if kind == "body" else 0
        for n, piece in enumerate(_wrap(line, font, text_width, indent)):
            if draw is None or y + leading > height - _MARGIN:
                new_page()
            assert draw is not None
            if kind == "title":
                draw.text((width / 2, y), piece, font=font, fill="black", anchor="ma")
            elif kind == "signature":
                draw.text((width - _MARGIN - 2 * font.size, y), piece, font=font, fill="black", anchor="ra")
            else:
                draw.text((_MARGIN + (indent if n == 0 else 0), y), piece, font=font, fill="black")
            y += round(leading * (1.5 if kind == "title" else 1.0))
    if pages:
        _stamp_seal(pages[-1], (width - _MARGIN - _px(90), min(y - _px(30), height - _MARGIN - _px(60))))
    return pages


def _stamp_seal(page: Image.Image, centre: tuple[float, float], issuer: str = "人民政府法治建设专用章") -> None:
    """A red round seal with ring text and a star, stamped over the signature: ink on ink, so the
    black print under it stays black (multiplied), as with a real stamp."""
    seal = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(seal)
    red = (215, 30, 40)
    cx, cy = centre
    radius = _px(58)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=_px(3))
    star = [
        (cx + (r * math.sin(a)), cy - (r * math.cos(a)))
        for i in range(10)
        for a, r in [(i * math.pi / 5, _px(20) if i % 2 == 0 else _px(8))]
    ]
    draw.polygon(star, fill=red)
    ring = _font(11)
    span = math.radians(240)
    for i, char in enumerate(issuer):
        angle = -span / 2 + span * i / max(len(issuer) - 1, 1)
        x = cx + (radius - _px(16)) * math.sin(angle)
        y = cy - (radius - _px(16)) * math.cos(angle)
        draw.text((x, y), char, font=ring, fill=red, anchor="mm")
    page.paste(ImageChops.multiply(page, seal))


def degrade(page: Image.Image, rng: random.Random, *, angle: float | None = None) -> Image.Image:
    """What a scanner does to a page: a slight skew, soft focus, grey paper and speckle."""
    angle = rng.uniform(-0.8, 0.8) if angle is None else angle
    scanned = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    scanned = scanned.filter(ImageFilter.GaussianBlur(0.7))
    pixels = scanned.load()
    width, height = scanned.size
    for _ in range(width * height // 1500):  # dust: dark specks
        x, y = rng.randrange(width), rng.randrange(height)
        shade = rng.randrange(0, 90)
        pixels[x, y] = (shade, shade, shade)
    for _ in range(width * height // 1500):  # dropout: light specks inside strokes
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = (235, 235, 235)
    return scanned


def save_image_pdf(pages: list[Image.Image], path: Path) -> Path:
    """An image-only PDF (no text layer at all), one JPEG page image per page, at the scan's dpi."""
    first, *rest = pages
    first.save(path, "PDF", resolution=float(DPI), save_all=True, append_images=rest, quality=85)
    return path


def make_scan(text: str, path: Path, *, seed: int = 0, header: str = RUNNING_HEADER) -> Path:
    """A scanned copy of the report `text` as an image-only PDF."""
    rng = random.Random(seed)
    return save_image_pdf([degrade(page, rng) for page in typeset(text, header=header)], path)


def blank_scan(path: Path) -> Path:
    """A scan of an empty sheet: paper grain and dust, no text."""
    page = Image.new("RGB", _A4, "white")
    return save_image_pdf([degrade(page, random.Random(1))], path)
