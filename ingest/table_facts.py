"""Facts from table cells: each value cell with its row label, column header, unit, year and scope.

A cell's measure is what its row label and column header say once the year, the unit, the change
words and a sub-unit's name are taken out ("行政复议 新收案件"); its catalogue metric is the one the
text extractor would give that measure written before the figure. Spans point into the table's row
line in the report text (ingest/tables.py), so a cell is cited like a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import cn2an

from ingest.facts import OTHER, MetricFact, extract_metrics
from ingest.tables import TableText, header_unit, value_match
from rag.domain.catalogue import Catalogue, FactRules, load_catalogue

_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
# A report's statistics table holds tens to hundreds of figures. A table of more value cells is a
# data dump laid out as a page (a 200k-cell table took minutes to read and its largest cell won every
# ranking): its rows stay text, searchable and quotable, but give no facts.
MAX_TABLE_CELLS = 2_000
_NEGATIVE = ("-", "－", "−", "﹣", "减少", "下降", "降低")


def table_facts(text: str, tables: Sequence[TableText]) -> list[MetricFact]:
    """Every value cell of the located tables as a fact, in text order."""
    catalogue = load_catalogue()
    rules = catalogue.rules.facts or FactRules()
    facts: list[MetricFact] = []
    for table in tables:
        if sum(len(line.cells) for line in table.lines) > MAX_TABLE_CELLS:
            continue
        placed = [(line, pos) for line, pos in zip(table.lines, table.located, strict=False) if pos is not None]
        if not placed:
            continue
        table_span = (placed[0][1], placed[-1][1] + len(placed[-1][0].text))
        for line, pos in placed:
            for cell in line.cells:
                fact = _cell_fact(text, table, cell.row, cell.column, cell.row_label, cell.column_header,
                                  cell.unit, (pos + cell.start, pos + cell.end), (pos, pos + len(line.text)),
                                  table_span, rules, catalogue)
                if fact is not None:
                    facts.append(fact)
    return facts


def _cell_fact(text: str, table: TableText, row: int, column: int, row_label: str, column_header: str,
               cell_unit: str | None, span: tuple[int, int], line_span: tuple[int, int], table_span: tuple[int, int],
               rules: FactRules, catalogue: Catalogue) -> MetricFact | None:
    raw = table.grid.cells[row][column]
    m = value_match(raw)
    if m is None:
        return None
    value = _value(m.group("pnum") or m.group("num"))
    if value is None:
        return None
    parts = [*row_label.split(" "), *column_header.split(" ")]
    unit = m.group("unit")
    if m.group("pct"):
        unit = "%"
    mult = m.group("mult")
    if mult:
        money = f"{mult}{unit or ''}"
        if money in catalogue.rules.money_units:
            unit = money
        else:
            value *= catalogue.rules.multipliers[mult]
    if unit is None:
        unit = cell_unit
    sign = m.group("sign") or ""
    changing = bool(sign) or any(rules.change_headers.search(p) for p in parts if p)
    if sign.startswith(_NEGATIVE):
        value = -value
    fact_year, offset, period = _when(parts, rules, catalogue)
    scope, scope_kind, measure_parts = _whose(parts, rules)
    measure_parts = [header_unit(p, rules)[0] for p in measure_parts]
    measure = " ".join(p for p in dict.fromkeys(measure_parts) if p and not rules.generic_headers.fullmatch(p))
    if not measure:
        measure = table.grid.caption or row_label or column_header
    approx_word = m.group("pre") or m.group("a1") or m.group("post")
    approx = None
    if approx_word:
        approx = catalogue.rules.approx_before.get(approx_word) or catalogue.rules.approx_after.get(approx_word)
    metric_key, label = _metric(measure, value, unit, catalogue) if table.catalogued else (OTHER, measure)
    return MetricFact(
        metric=metric_key, label=label, value=round(value, 6), unit=unit, period=period, scope=scope,
        approx=approx, sentence=text[line_span[0]:line_span[1]], span=span, sentence_span=line_span,
        written=text[span[0]:span[1]], paragraph_span=table_span, measure=measure,
        kind="change" if changing or unit in rules.change_units else "level",
        scope_kind=scope_kind, fact_year=fact_year, year_offset=offset, source="table",
        table_cell={"table": table.number, "row": row_label, "column": column_header},
    )


def _value(raw: str | None) -> float | None:
    if not raw:
        return None
    if raw[0].isdigit():
        return float(raw.replace(",", ""))
    if raw[0] in "百千万亿":
        raw = "一" + raw
    try:
        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _when(parts: list[str], rules: FactRules, catalogue: Catalogue) -> tuple[int | None, int | None, str | None]:
    """(year, offset from the report's year, period) that a header or row label states."""
    year = offset = period = None
    for part in parts:
        compact = part.replace(" ", "")
        if (m := rules.year_header.fullmatch(compact)) is not None:
            year = int(m.group("year"))
        elif rules.year_word.fullmatch(compact):
            offset = rules.year_words[compact]
        for pattern in catalogue.rules.periods:
            if (p := pattern.search(compact)) is not None and period is None:
                period = p.group(0)
    return year, offset, period


def _whose(parts: list[str], rules: FactRules) -> tuple[str | None, str | None, list[str]]:
    """A sub-unit or total named in the row label or header, and the parts left to name the measure."""
    scope = kind = None
    rest = []
    for part in parts:
        compact = part.replace(" ", "")
        if not compact:
            continue
        if rules.year_header.fullmatch(compact) or rules.year_word.fullmatch(compact):
            continue
        if rules.total_labels.fullmatch(compact):
            scope, kind = compact, "region"
            continue
        named = rules.subunit.match(compact + "，")  # the pattern wants to see what follows a name
        if named and named.end() == len(compact) and not rules.not_named.search(compact):
            scope, kind = compact, "subunit"
            continue
        if rules.change_headers.fullmatch(compact):
            continue
        rest.append(part)
    return scope, kind, rest


def _metric(measure: str, value: float, unit: str | None, catalogue: Catalogue) -> tuple[str, str]:
    """The catalogue metric the text extractor gives the measure written before the figure."""
    written = f"{value:g}{unit or ''}"
    if unit is None or (unit == "%" and not re.search(catalogue.rules.rate_words.pattern, measure)):
        return OTHER, measure
    probe = f"{measure.replace(' ', '')}{written}。"
    for fact in extract_metrics(probe):
        if fact.span[1] == len(probe) - 1 and fact.metric != OTHER:
            return fact.metric, fact.label
    return OTHER, measure
