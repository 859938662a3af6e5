"""Tables read as tables: a grid of cells from HTML, DOCX or PDF, and one readable line per row.

A loader turns each statistics table into a `TableText`: the grid (merged cells expanded, so every
slot knows its row label and column header), the header rows, a caption, and the lines that stand for
the table in the report text ("新收行政复议案件：2022年为236件，2023年为281件。"). Those lines are what
retrieval indexes and citations quote; `ingest/table_facts.py` turns the cells into facts whose spans
point into them. Pure functions apart from reading the library objects handed in, and `locate`, which
records on each table where its lines stand in the final text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml import etree

from ingest.disclosure import Block, disclosure_blocks
from rag.domain.catalogue import FactRules, load_catalogue
from rag.text.characters import drop_format_characters

_MAX_HEADER_ROWS = 3
_MAX_CELL_CHARS = 120  # a cell longer than this is prose: the "table" lays out a page, it holds no figures
_SPACES = re.compile(r"\s+")
# A cell that holds a figure: optional approximation, sign, a number (Arabic or Chinese), unit words.
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"


@dataclass
class Grid:
    """Rows × columns of cell text; a merged cell's text fills every slot it covers (`origin` says which)."""

    cells: list[list[str]]
    origin: list[list[int]]  # id of the source cell in each slot: the slots of one merged cell share it
    header_rows: int | None = None  # known from <th>/<thead>; None: detect from the cells
    caption: str = ""


@dataclass(frozen=True)
class CellRef:
    """One value cell of a table, where it stands in its row line."""

    row: int
    column: int
    row_label: str
    column_header: str
    text: str  # the cell as shown in the line (unit added when the header or caption gives it)
    start: int  # offset of `text` in the line
    end: int
    unit: str | None = None  # the cell's unit: its own, else its row's, column's, table's or its neighbours'


@dataclass
class RowLine:
    text: str
    cells: list[CellRef] = field(default_factory=list)


@dataclass
class TableText:
    """A table as read: its grid, its layout (header rows, label columns, unit) and its lines."""

    grid: Grid
    header_rows: int
    label_columns: int
    unit: str | None  # from the caption or a 单位：… line
    lines: list[RowLine]
    number: int = 0  # the table's place in the document, from 1
    located: list[int | None] = field(default_factory=list)  # where each line starts in the final text
    # False for the 政府信息公开 tables: their 行政复议/行政诉讼 columns count cases about disclosure, not
    # the region's cases the catalogue's metrics rank, so their cells stay labelled by their own words
    catalogued: bool = True


# --- grids from each format ---------------------------------------------------------------------


def html_grid(table: etree._Element) -> Grid | None:
    """The grid of an HTML <table> (rowspan/colspan expanded), or None for a layout table."""
    if any(True for _ in table.iterdescendants("table")):
        return None
    rows: list[list[tuple[str, int, int, bool]]] = []
    for tr in table.iter("tr"):
        row = []
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            row.append((_clean(cell.text_content()), _span(cell.get("rowspan")), _span(cell.get("colspan")),
                        cell.tag == "th" or any(a.tag == "thead" for a in cell.iterancestors())))
        if row:
            rows.append(row)
    caption_el = table.find("caption")
    caption = _clean(caption_el.text_content()) if caption_el is not None else ""
    grid = _expand(rows)
    if grid is None:
        return None
    header = 0
    for flags in _header_flags(rows):
        if not flags:
            break
        header += 1
    grid.header_rows = header or None
    grid.caption = caption
    return grid if _is_data(grid) else None


def _header_flags(rows: list[list[tuple[str, int, int, bool]]]) -> list[bool]:
    return [bool(row) and all(is_th for _, _, _, is_th in row) for row in rows]


def docx_grid(table: Any) -> Grid | None:
    """The grid of a python-docx table: merged cells (gridSpan, vMerge) come back as one cell object."""
    cells: list[list[str]] = []
    origin: list[list[int]] = []
    ids: dict[int, int] = {}
    for row in table.rows:
        texts, owners = [], []
        for cell in row.cells:
            key = id(cell._tc)
            ids.setdefault(key, len(ids))
            texts.append(_clean(" ".join(p.text for p in cell.paragraphs)))
            owners.append(ids[key])
        cells.append(texts)
        origin.append(owners)
    grid = _rectangular(cells, origin)
    return grid if grid is not None and _is_data(grid) else None


def rows_grid(rows: Sequence[Sequence[str | None]]) -> Grid | None:
    """The grid of a pdfplumber table: None marks a slot covered by the merged cell to its left or above."""
    cells: list[list[str]] = []
    origin: list[list[int]] = []
    next_id = 0
    for r, row in enumerate(rows):
        texts, owners = [], []
        for c, value in enumerate(row):
            if value is None:
                if c > 0 and owners:
                    texts.append(texts[-1])
                    owners.append(owners[-1])
                elif r > 0 and c < len(cells[-1]):
                    texts.append(cells[-1][c])
                    owners.append(origin[-1][c])
                else:
                    texts.append("")
                    owners.append(next_id)
                    next_id += 1
                continue
            texts.append(_clean(value))
            owners.append(next_id)
            next_id += 1
        cells.append(texts)
        origin.append(owners)
    grid = _rectangular(cells, origin)
    return grid if grid is not None and _is_data(grid) else None


def _expand(rows: list[list[tuple[str, int, int, bool]]]) -> Grid | None:
    """Place cells with rowspan/colspan on a grid."""
    placed: dict[tuple[int, int], tuple[str, int]] = {}
    cell_id = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan, _ in row:
            while (r, c) in placed:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed.setdefault((r + dr, c + dc), (text, cell_id))
            cell_id += 1
            c += colspan
    if not placed:
        return None
    height = max(r for r, _ in placed) + 1
    width = max(c for _, c in placed) + 1
    cells = [[placed.get((r, c), ("", -1 - r * width - c))[0] for c in range(width)] for r in range(height)]
    origin = [[placed.get((r, c), ("", -1 - r * width - c))[1] for c in range(width)] for r in range(height)]
    return Grid(cells, origin)


def _rectangular(cells: list[list[str]], origin: list[list[int]]) -> Grid | None:
    if not cells:
        return None
    width = max(len(row) for row in cells)
    for r, row in enumerate(cells):
        while len(row) < width:
            row.append("")
            origin[r].append(-1 - r * width - len(row))
    return Grid(cells, origin)


def _is_data(grid: Grid) -> bool:
    """A table of figures: at least two columns, short cells, and some cell holding a number."""
    if not grid.cells or max(len(r) for r in grid.cells) < 2:
        return False
    if any(len(text) > _MAX_CELL_CHARS for row in grid.cells for text in row):
        return False
    return any(re.search(r"\d|[一二两三四五六七八九十]", text) for row in grid.cells for text in row)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _clean(text: str) -> str:
    return _SPACES.sub(" ", drop_format_characters(text).replace("\u3000", " ")).strip()


# --- layout: header rows, label columns, unit ------------------------------------------------------


def is_value(text: str, rules: FactRules) -> bool:
    """Whether a cell holds a figure (not a year heading, not a word)."""
    compact = text.replace(" ", "")
    if not compact or rules.year_header.fullmatch(compact):
        return False
    return _value_pattern().fullmatch(compact) is not None


@lru_cache(maxsize=1)
def _value_pattern() -> re.Pattern[str]:
    """A whole cell that is one figure; the units and approximation words are the catalogue's."""
    rules = load_catalogue().rules
    units = "|".join(re.escape(u) for u in rules.units)
    before = "|".join(re.escape(a) for a in sorted(rules.approx_before, key=len, reverse=True))
    after = "|".join(re.escape(a) for a in sorted(rules.approx_after, key=len, reverse=True))
    return re.compile(
        rf"(?P<pre>{before})?(?P<sign>[+\-－−﹢﹣]|增加|减少|增长|下降|提高|降低|上升)?"
        rf"(?:(?P<pct>百分之)(?P<pnum>{_NUMBER})|(?P<num>{_NUMBER}))(?P<a1>余|多)?(?P<mult>[万亿])?(?P<unit>{units})?"
        rf"(?P<post>{after})?"
    )


def value_match(text: str) -> re.Match[str] | None:
    return _value_pattern().fullmatch(text.replace(" ", "").replace("％", "%"))


def layout(grid: Grid, rules: FactRules) -> tuple[int, int]:
    """(header rows, label columns): leading rows holding no figure; leading columns mostly words."""
    width = len(grid.cells[0])
    if grid.header_rows is not None:
        header = grid.header_rows
    else:
        header = 0
        for row in grid.cells[:_MAX_HEADER_ROWS]:
            if any(is_value(text, rules) for text in row[1:]):
                break
            header += 1
        if header == len(grid.cells):
            header = min(1, len(grid.cells) - 1)
    body = grid.cells[header:] or grid.cells
    labels = 0
    for c in range(width - 1):
        column = [row[c] for row in body if row[c]]
        heading = " ".join(grid.cells[r][c] for r in range(header))
        values = sum(1 for text in column if is_value(text, rules))
        if rules.index_headers.fullmatch(heading.replace(" ", "")) or (column and values * 2 < len(column)):
            labels += 1
        else:
            break
    return header, labels


def table_unit(caption: str, lines_around: Sequence[str], rules: FactRules) -> str | None:
    """The unit a caption or a 单位：… line next to the table gives every cell."""
    for text in (caption, *lines_around):
        m = rules.unit_line.search(text)
        if m:
            return m.group("unit")
    return None


def header_unit(text: str, rules: FactRules) -> tuple[str, str | None]:
    """A header without its unit suffix, and the unit: "收案数(件)" → ("收案数", "件")."""
    m = rules.unit_suffix.search(text)
    if m and m.group("unit") in load_catalogue().rules.units:
        return text[:m.start()].strip(), m.group("unit")
    m = rules.unit_line.search(text)
    if m:
        return (text[:m.start()] + text[m.end():]).strip(" ()（）"), m.group("unit")
    return text, None


# --- lines ------------------------------------------------------------------------------------------


def read_table(grid: Grid, lines_around: Sequence[str] = ()) -> TableText:
    """Lay the table out and write one line per body row, recording where each value cell stands."""
    rules = load_catalogue().rules.facts or FactRules()
    header, labels = layout(grid, rules)
    unit = table_unit(grid.caption, lines_around, rules)
    width = len(grid.cells[0])
    column_headers = [_join_distinct(grid.cells[r][c] for r in range(header)) for c in range(width)]
    out: list[RowLine] = []
    if grid.caption:
        out.append(RowLine(grid.caption))
    for r in range(header, len(grid.cells)):
        row = grid.cells[r]
        label_parts = [row[c] for c in range(labels)
                       if not rules.index_headers.fullmatch(column_headers[c].replace(" ", ""))]
        row_label = _join_distinct(label_parts)
        text = f"{row_label.replace(' ', '')}：" if row_label else ""
        parts: list[tuple[str, int, str, str, str | None]] = []  # (header, column, shown, full header, unit)
        seen: set[int] = set()
        for c in range(labels, width):
            cell = row[c]
            if not cell or grid.origin[r][c] in seen:
                continue  # a merged cell is read once
            seen.add(grid.origin[r][c])
            head, _ = header_unit(column_headers[c], rules)
            m = value_match(cell)
            own = "%" if m and m.group("pct") else m.group("unit") if m else None
            parts.append((head, c, cell.replace(" ", ""), column_headers[c],
                          own or (cell_unit(row_label, column_headers[c], unit, rules) if m else None)))
        # A count column with no unit anywhere takes the unit its neighbours in the row share ("调解成功").
        known = [u for *_, u in parts if u and u != "%"]
        shared = known[0] if known and all(u == known[0] for u in known) else None
        parts = [(h, c, shown, fh, u or (shared if value_match(row[c]) and not rules.change_headers.search(fh)
                                          else None)) for h, c, shown, fh, u in parts]
        if not parts and not row_label:
            continue
        line = RowLine("")
        for i, (head, c, shown, full_head, cell_u) in enumerate(parts):
            m = value_match(row[c])
            if m and cell_u and not m.group("unit") and not m.group("pct"):
                shown += cell_u
            if i:
                text += "，"
            words = [w for w in head.split(" ") if w and not rules.generic_headers.fullmatch(w)]
            last = words[-1] if words else ""
            joiner = "为" if rules.year_header.fullmatch(last) or rules.year_word.fullmatch(last) else ""
            if words and not last.endswith(("：", ":")):
                text += "".join(words) + joiner
            start = len(text)
            text += shown
            if m:
                line.cells.append(CellRef(r, c, row_label, full_head, shown, start, len(text), cell_u))
        line.text = text.rstrip("：") + "。"
        out.append(line)
    return TableText(grid, header, labels, unit, out)


def cell_unit(row_label: str, column_header: str, table_unit: str | None, rules: FactRules) -> str | None:
    """The unit a cell's row label or column header states ("收案数(件)"), else the table's, else the one
    its words imply ("案件" → 件, "率" → %)."""
    parts = [*row_label.split(" "), *column_header.split(" ")]
    for part in parts:
        _, unit = header_unit(part, rules)
        if unit:
            return unit
    if table_unit:
        return table_unit
    for pattern, unit in rules.unit_words:
        if any(pattern.search(p) for p in parts if p):
            return unit
    return None


def _join_distinct(parts: Sequence[str] | Any) -> str:
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)


def locate(text: str, tables: Sequence[TableText]) -> None:
    """Record on each table (`located`) where its lines stand in the final report text (cleaning may
    drop a table; order is kept)."""
    cursor = 0
    for table in tables:
        table.located = []
        for line in table.lines:
            pos = text.find(line.text, cursor)
            table.located.append(pos if pos >= 0 else None)
            if pos >= 0:
                cursor = pos + len(line.text)


def spans(tables: Sequence[TableText]) -> list[tuple[int, int]]:
    """Where the located table lines stand in the text: the text extractor leaves them to the table reader."""
    return [(pos, pos + len(line.text)) for t in tables for line, pos in zip(t.lines, t.located, strict=False)
            if pos is not None]


# --- tables written as text: Markdown pipes, tabs, or columns aligned with spaces ---------------------

_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_FIELD_GAP = re.compile(r"\t+|[ \u3000]{2,}")
_MIN_ROWS = 2


def _fields(line: str) -> list[str] | None:
    """A line's cells when it reads as a table row: pipes, tabs, or runs of two or more spaces."""
    stripped = line.strip()
    if stripped.count("|") >= 2:
        return [_clean(c) for c in stripped.strip("|").split("|")]
    parts = [_clean(p) for p in _FIELD_GAP.split(stripped) if p.strip()]
    return parts if len(parts) >= 2 else None


def text_tables(text: str) -> tuple[str, list[TableText]]:
    """Blocks of consecutive table-like lines replaced by their row lines, and the tables read.

    A block is kept as a table only when it has two or more rows of one width and figures in the cells
    after the first column, so an indented paragraph or a list of names stays text.
    """
    rules = load_catalogue().rules.facts or FactRules()
    lines = text.split("\n")
    out: list[str] = []
    tables: list[TableText] = []
    known = {block.start: block for block in disclosure_blocks(lines)}
    i = 0
    while i < len(lines):
        if (block := known.get(i)) is not None and (grid := _block_grid(block, rules)) is not None:
            table = read_table(grid)
            table.catalogued = False
            tables.append(table)
            out.extend(line.text for line in table.lines)
            i = block.end
            continue
        fields = _fields(lines[i])
        if fields is None:
            out.append(lines[i])
            i += 1
            continue
        block: list[list[str]] = []
        j = i
        while j < len(lines):
            if _PIPE_RULE.match(lines[j]):
                j += 1
                continue
            row = _fields(lines[j])
            if row is None or (block and len(row) != len(block[0])):
                break
            block.append(row)
            j += 1
        values = sum(1 for row in block for cell in row[1:] if is_value(cell, rules))
        grid = rows_grid(block) if len(block) >= _MIN_ROWS and values >= len(block) - 1 else None
        if grid is None:
            out.extend(lines[i:max(j, i + 1)])
            i = max(j, i + 1)
            continue
        table = read_table(grid, out[-2:])
        tables.append(table)
        out.extend(line.text for line in table.lines)
        i = j
    return "\n".join(out), tables


def _block_grid(block: Block, rules: FactRules) -> Grid | None:
    """A 政府信息公开 table read from its cells (ingest/disclosure.py) as a grid; each figure carries the unit
    its column header names, else the unit its words imply, else the table's."""
    units = []
    for head in block.header:
        _, unit = header_unit(head, rules)
        units.append(unit or cell_unit("", head, None, rules) or block.unit)
    rows = [list(block.header)]
    for row in block.rows:
        rows.append([row[0], *(f"{cell}{units[c]}" if units[c] and value_match(cell) and not value_match(cell)
                               .group("unit") else cell for c, cell in enumerate(row[1:], start=1))])
    width = max(len(r) for r in rows)
    grid = rows_grid([r + [""] * (width - len(r)) for r in rows])
    if grid is None:
        return None
    grid.header_rows = 1
    grid.caption = block.caption
    return grid
