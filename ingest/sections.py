"""Parse a report's own heading hierarchy (一、 / （一） / 1. / 一是) into section paths.

Reports put headings either on their own line (`二、存在问题`) or as a lead-in at the start of a
paragraph (`(一)政府职能深刻转变。有序开展…`). Both become a section; a lead-in's title is the text
up to its first full stop. Levels are not fixed per pattern: a report that starts at `(一)` has it as
its top level. Each kind of marker has a rank, and a heading closes every open heading of equal or
deeper rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CN_NUM = "一二三四五六七八九十百零〇两"

# (rank, pattern). Rank orders marker kinds from outermost to innermost.
_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^[{_CN_NUM}]+[、．.](?![{_CN_NUM}\d]*[是要])")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    (3, re.compile(r"^[（(]\d{1,2}[）)]")),
    (4, re.compile(rf"^(?:第?[{_CN_NUM}]+是|首先|其次|再次|最后)[,，:：]?")),
]
_ENUM_RANK = 4
_INLINE_SECOND = re.compile(r"[;；。，,]\s*(?:第?二是|其次)")
_TITLE_END = re.compile(r"[。！？；;:：]")
_MAX_TITLE = 40


@dataclass(frozen=True)
class Paragraph:
    """One line of the report with its character span and the section it sits in."""

    text: str
    start: int
    end: int
    path: tuple[str, ...]


@dataclass
class Section:
    title: str
    rank: int
    start: int
    path: tuple[str, ...]
    children: list[Section] = field(default_factory=list)


def heading_rank(line: str) -> int | None:
    """The marker rank of a line that opens a section, or None for body text."""
    for rank, pattern in _MARKERS:
        if pattern.match(line):
            # A paragraph that runs 一是…二是… inline is one enumerating paragraph, not a heading.
            if rank == _ENUM_RANK and _INLINE_SECOND.search(line, 2):
                return None
            return rank
    return None


def heading_title(line: str) -> str:
    """A heading's title: the whole line if short, else the lead-in up to its first full stop."""
    stripped = line.strip()
    if len(stripped) <= _MAX_TITLE and not _TITLE_END.search(stripped[:-1]):
        return stripped.rstrip("。；;:：")
    match = _TITLE_END.search(stripped)
    if match and match.start() <= _MAX_TITLE:
        return stripped[: match.start()]
    # A long lead-in with no stop (一是…，…): cut at the first comma so the path stays readable.
    comma = re.search(r"[,，]", stripped)
    if comma and comma.start() <= _MAX_TITLE:
        return stripped[: comma.start()]
    return stripped[:_MAX_TITLE]


def parse_sections(text: str) -> tuple[list[Paragraph], list[Section]]:
    """Split `text` into paragraphs tagged with their section path, and return the heading tree."""
    paragraphs: list[Paragraph] = []
    roots: list[Section] = []
    stack: list[Section] = []
    offset = 0
    for raw_line in text.splitlines(keepends=True):
        line = raw_line.strip()
        lead = len(raw_line) - len(raw_line.lstrip())
        start = offset + lead
        offset += len(raw_line)
        if not line:
            continue
        rank = heading_rank(line)
        if rank is not None:
            while stack and stack[-1].rank >= rank:
                stack.pop()
            parent_path = stack[-1].path if stack else ()
            section = Section(heading_title(line), rank, start, (*parent_path, heading_title(line)))
            (stack[-1].children if stack else roots).append(section)
            stack.append(section)
        path = stack[-1].path if stack else ()
        paragraphs.append(Paragraph(line, start, start + len(line), path))
    return paragraphs, roots


def format_path(path: tuple[str, ...]) -> str:
    return " > ".join(path)
