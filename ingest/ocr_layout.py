"""OCR boxes → the physical lines of a page, laid out as a PDF text layer would give them.

An OCR engine returns text boxes with corner points and a confidence each. This module orders them
into lines (after undoing the page's skew), and writes each line with leading spaces that show its
indent in display columns (a Han character is two), exactly the shape `pypdf`'s layout mode gives
for a text PDF. The PDF repair in `ingest.clean` then drops page numbers and running headers and
footers and joins wrapped lines into paragraphs, so a scanned report and a typeset one go through
the same paragraph logic and come out with the same headings, sections and metrics.

Pure functions only: no engine, no images.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

# Speckle on a scan is read as a dot or a mark beside real punctuation, or at the start of a line,
# where Chinese typesetting never puts a comma, full stop or colon (禁则).
_LINE_START_NOISE = re.compile(r"^[，。、；：？！·•.,;:'`]+")
_STRAY_MARK = re.compile(r"(?<=[、，。；：！？])[·•.'`]+|[·•'`]+(?=[、，。；：！？])")


@dataclass(frozen=True)
class Box:
    """One recognised text box: corners clockwise from top-left, its text, the engine's confidence."""

    points: tuple[Point, Point, Point, Point]
    text: str
    score: float

    @property
    def left(self) -> float:
        return min(p[0] for p in self.points)

    @property
    def right(self) -> float:
        return max(p[0] for p in self.points)

    @property
    def top(self) -> float:
        return min(p[1] for p in self.points)

    @property
    def bottom(self) -> float:
        return max(p[1] for p in self.points)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Line:
    """A physical line: its boxes left to right, and the text with its indent as leading spaces."""

    boxes: tuple[Box, ...]
    text: str  # indent spaces + the boxes' text

    @property
    def score(self) -> float:
        return min(box.score for box in self.boxes)


def display_width(text: str) -> int:
    # As ingest.clean counts it: Han and ambiguous-width punctuation take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def skew_angle(boxes: Sequence[Box]) -> float:
    """The page's skew in radians: the median slope of the top edges of wide boxes."""
    slopes = [
        math.atan2(b.points[1][1] - b.points[0][1], b.points[1][0] - b.points[0][0])
        for b in boxes
        if b.points[1][0] - b.points[0][0] > 4 * max(b.height, 1)
    ]
    return statistics.median(slopes) if slopes else 0.0


def deskew(boxes: Sequence[Box]) -> list[Box]:
    """Boxes rotated about the origin by minus the page's skew, so lines run level."""
    angle = skew_angle(boxes)
    if abs(angle) < 1e-4:
        return list(boxes)
    cos, sin = math.cos(-angle), math.sin(-angle)

    def turn(p: Point) -> Point:
        return (p[0] * cos - p[1] * sin, p[0] * sin + p[1] * cos)

    return [Box(tuple(turn(p) for p in b.points), b.text, b.score) for b in boxes]  # type: ignore[arg-type]


def group_lines(boxes: Sequence[Box]) -> list[list[Box]]:
    """Boxes grouped into lines top to bottom, each left to right.

    A box joins a line when its vertical middle lies within half a line height of the line's:
    detectors split a line at wide gaps (a signature's date, a table row), never across lines.
    """
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.middle):
        if lines:
            current = lines[-1]
            middle = statistics.fmean(b.middle for b in current)
            height = statistics.fmean(b.height for b in current)
            if abs(box.middle - middle) < max(height, box.height) / 2:
                current.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.left) for line in lines]


def column_width(boxes: Sequence[Box]) -> float:
    """Pixels per display column, from how wide the boxes are for the text they hold."""
    ratios = [(b.right - b.left) / display_width(b.text) for b in boxes if display_width(b.text) >= 6]
    if ratios:
        return statistics.median(ratios)
    return statistics.median([max(b.height, 1.0) for b in boxes]) / 2 if boxes else 1.0


def clean_line(text: str) -> str:
    """Drop marks that speckle adds: punctuation opening a line, a dot glued to a comma or 、."""
    return _STRAY_MARK.sub("", _LINE_START_NOISE.sub("", text))


def _join(boxes: Sequence[Box], column: float) -> str:
    """The text of one line; a gap of several columns between boxes stays a gap (signature blocks)."""
    text = boxes[0].text.strip()
    for before, box in itertools.pairwise(boxes):
        gap = round((box.left - before.right) / column)
        latin = text[-1:].isascii() and text[-1:].isalnum() and box.text[:1].isascii() and box.text[:1].isalnum()
        text += " " * gap if gap >= 2 else (" " if latin else "")
        text += box.text.strip()
    return text


def page_lines(boxes: Sequence[Box]) -> list[Line]:
    """The page's lines with indents in display columns measured from the text's left edge."""
    boxes = [b for b in deskew(boxes) if b.text.strip()]
    if not boxes:
        return []
    column = column_width(boxes)
    grouped = group_lines(boxes)
    # The text's left edge: where most long lines start (the wrapped lines of body paragraphs).
    lefts = sorted(line[0].left for line in grouped if sum(display_width(b.text) for b in line) >= 20)
    margin = lefts[len(lefts) // 10] if lefts else min(line[0].left for line in grouped)
    out = []
    for line in grouped:
        indent = max(0, round((line[0].left - margin) / column))
        text = clean_line(_join(line, column))
        if text:
            out.append(Line(tuple(line), " " * indent + text))
    return out


def page_text(boxes: Sequence[Box]) -> str:
    """One page in the shape of a PDF text layer extracted in layout mode."""
    return "\n".join(line.text for line in page_lines(boxes))
