"""The tables of a 政府信息公开工作年度报告 read back from a run of cells.

Every government publishes this report in one national format (主动公开, 收到和处理政府信息公开申请,
行政复议和行政诉讼 tables). Web pages copied as text lose the markup: the cells come one per line, or
separated by tabs, "|" or spaces, header rows first, empty cells dropped or kept. The layout of each
table is data (rag/data/disclosure.yaml); this module finds a table's heading and reads the cells after
it into rows of a label and figures, which ingest/tables.py writes as row lines and table facts.
A row whose count of figures does not fit its columns is left as text: a figure under the wrong
column would be worse than none. Pure functions on lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_HEADING_CHARS = 40  # a heading line is short; a longer line is prose mentioning the table's subject
_PROSE_CHARS = 60
_CELL_SPLIT = re.compile(r"[\t|｜]+|[ \u3000]+")
_FIGURE = re.compile(r"[+\-]?\d+(?:,\d{3})*(?:\.\d+)?")


@dataclass(frozen=True)
class Layout:
    name: str
    heading: re.Pattern[str]
    mode: str  # "header_rows" | "columns"
    unit: str | None
    columns: tuple[str, ...] = ()
    header_words: frozenset[str] = frozenset()
    row_heads: frozenset[str] = frozenset()
    group: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Format:
    tables: tuple[Layout, ...]
    levels: tuple[re.Pattern[str], ...]
    note: re.Pattern[str]


@dataclass
class Block:
    """One table read from lines[start:end]: header cells, then rows of a label and figures."""

    start: int
    end: int
    caption: str
    header: list[str]
    rows: list[list[str]]
    unit: str | None


@lru_cache(maxsize=1)
def load_format() -> Format:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "disclosure.yaml").read_text(encoding="utf-8"))
    tables = tuple(
        Layout(name=t["name"], heading=re.compile(t["heading"]), mode=t["mode"], unit=t.get("unit"),
               columns=tuple(t.get("columns", ())), header_words=frozenset(t.get("header_words", ())),
               row_heads=frozenset(t.get("row_heads", ())),
               group=re.compile(t["group"]) if t.get("group") else None)
        for t in data["tables"])
    return Format(tables, tuple(re.compile(p) for p in data["levels"]), re.compile(data["note"]))


def _cells(line: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", line)
    return [c for c in _CELL_SPLIT.split(folded.strip()) if c]


def _is_figure(cell: str) -> bool:
    return _FIGURE.fullmatch(cell) is not None


def _heading(line: str, fmt: Format) -> Layout | None:
    stripped = line.strip()
    if not stripped or len(stripped) > _HEADING_CHARS:
        return None
    return next((t for t in fmt.tables if t.heading.search(stripped)), None)


def _is_prose(line: str) -> bool:
    stripped = line.strip()
    return "。" in stripped or (len(stripped) > _PROSE_CHARS and len(_cells(line)) == 1)


def disclosure_blocks(lines: list[str]) -> list[Block]:
    """The national-format tables found in the lines, in order; each block covers the lines after its heading."""
    fmt = load_format()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        layout = _heading(lines[i], fmt)
        if layout is None:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not _is_prose(lines[end]) and _heading(lines[end], fmt) is None:
            end += 1
        cells = [(n, c) for n in range(i + 1, end) for c in _cells(lines[n])]
        caption = layout.name
        found = _by_columns(cells, layout, fmt) if layout.mode == "columns" else _by_header_rows(cells, layout)
        start = i + 1  # the header cells before the first row go with it
        for block in found:
            blocks.append(Block(start, block.end, caption, block.header, block.rows, block.unit))
            caption = ""  # the first block of a table carries its name
            start = block.end
        i = end
    return blocks


def _by_columns(cells: list[tuple[int, str]], layout: Layout, fmt: Format) -> list[Block]:
    """Rows of labels then exactly one figure per column; labels keep their branch (三、… > （三）… > 1.…)."""
    width = len(layout.columns)
    rows: list[list[str]] = []
    branch: list[str] = []
    labels: list[str] = []
    last = None
    k = 0
    while k < len(cells):
        cell = cells[k][1]
        if not _is_figure(cell):
            if cell not in layout.header_words and cell not in layout.columns:
                labels.append(cell)
            k += 1
            continue
        run = k
        while run < len(cells) and _is_figure(cells[run][1]):
            run += 1
        if run - k == width:
            label = _label(branch, labels, fmt)
            rows.append([label, *(c for _, c in cells[k:run])])
            last = cells[run - 1][0]
        labels = []
        k = run
    if not rows or last is None:
        return []
    start = cells[0][0]
    return [Block(start, last + 1, "", ["", *layout.columns], rows, layout.unit)]


def _label(branch: list[str], labels: list[str], fmt: Format) -> str:
    """A row's label with its branch: a marked label takes its level and drops the deeper ones."""
    for text in labels:
        level = next((n for n, p in enumerate(fmt.levels) if p.match(text)), None)
        if level is None:
            text = fmt.note.sub("", text)
            if not text:
                continue
            if branch:
                branch[-1] = f"{branch[-1]}{text}"
            else:
                branch.append(text)
            continue
        del branch[level:]
        while len(branch) < level:
            branch.append("")
        branch.append(fmt.note.sub("", fmt.levels[level].sub("", text)))
    return " ".join(b for b in branch if b)


def _by_header_rows(cells: list[tuple[int, str]], layout: Layout) -> list[Block]:
    """Groups of a header run (opened by a row head such as 信息内容) and rows of a label and a figure per column."""
    blocks: list[Block] = []
    header: list[str] | None = None
    pending: list[str] = []
    block: Block | None = None
    k = 0
    while k < len(cells):
        line, cell = cells[k]
        if (layout.group is not None and layout.group.match(cell)) or cell in layout.row_heads:
            header, pending = None, []
            if cell in layout.row_heads:
                pending = [cell]
            block = None
            k += 1
            continue
        if not _is_figure(cell):
            pending.append(cell)
            k += 1
            continue
        run = k
        while run < len(cells) and _is_figure(cells[run][1]):
            run += 1
        if header is None and len(pending) >= 3 and pending[0] in layout.row_heads:
            header = pending[1:-1]
            pending = pending[-1:]
        if header is not None and pending and run - k == len(header):
            if block is None:
                block = Block(line, line + 1, "", ["", *header], [], layout.unit)
                blocks.append(block)
            block.rows.append(["".join(pending), *(c for _, c in cells[k:run])])
            block.end = cells[run - 1][0] + 1
        pending = []
        k = run
    return blocks
