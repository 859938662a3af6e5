"""Turn a file into report text: one loader per format, chosen by suffix.

Every loader returns the same shape, one paragraph per line with site chrome and PDF artefacts
removed, so everything downstream (sections, chunks, metrics) is format-blind. A file that cannot
be read raises `IngestError` with a reason a person can act on; nothing else escapes.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer
import docx
import lxml.html
import pypdf
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ingest.budget import DEFAULT_BUDGET, ParseBudget, Progress, run_within
from ingest.clean import (
    drop_reading_aids,
    fix_pdf_spacing,
    repair_pdf_text,
    strip_emphasis_markers,
    strip_markdown,
    strip_site_chrome,
)
from ingest.errors import IngestError
from ingest.ocr import OcrOptions, PageOcr, engine_available, needs_ocr, ocr_pages
from ingest.pages import find_spans, page_spans
from ingest.tables import TableText, docx_grid, html_grid, read_table, rows_grid, text_tables
from rag.stages import stage
from rag.text.characters import drop_format_characters, is_traditional, to_simplified


@dataclass(frozen=True)
class LoadedText:
    text: str  # the report: one paragraph per line, chrome and PDF artefacts removed, characters as found
    # but for invisible format characters (zero-width space, BOM, soft hyphen: rag/text/characters.py) and,
    # in a text, Markdown or HTML file written in traditional characters, those made simplified
    raw: str  # decoded text before chrome removal (html: all visible text), for metadata such as posting dates
    fmt: str  # "txt" | "md" | "html" | "pdf" | "docx"
    pages: int | None  # PDF page count, else None
    title_hint: str | None  # <h1>/<title>, the docx Title paragraph or core title, if any
    # PDF only: each page's [start, end) in `text`, and its OCR mean confidence (None: text layer).
    page_spans: tuple[tuple[int, int], ...] = ()
    ocr_confidence: tuple[float | None, ...] = ()
    low_confidence_spans: tuple[tuple[int, int], ...] = ()  # OCR text recognised below the threshold
    tables: tuple[TableText, ...] = ()  # statistics tables, each written into `text` as one line per row

    @property
    def ocr_pages(self) -> int:
        return sum(1 for c in self.ocr_confidence if c is not None)


Loader = Callable[[Path, bytes], LoadedText]


def load(path: Path, *, ocr: OcrOptions | None = None, budget: ParseBudget | None = DEFAULT_BUDGET) -> LoadedText:
    """Load one file with the loader its suffix names; raise IngestError when it cannot be read.

    `ocr` governs reading scanned PDF pages (default: on, with the default limits). PDF, DOCX and
    HTML are parsed in a worker process stopped at `budget` (None: parse here, unbounded).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(_LOADERS))
        raise IngestError(path, f"unsupported file type '{suffix or path.name}' (supported: {supported})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise IngestError(path, "empty file")
    if budget is None or loader not in _BUDGETED:
        return _load_pdf(path, data, ocr) if loader is _load_pdf else loader(path, data)
    if loader is not _load_pdf:
        return run_within(budget, path, loader, path, data)
    ocr = ocr or OcrOptions()
    # The worker reports OCR progress through the pipe; the caller's callback stays here.
    return run_within(budget, path, _load_pdf, path, data, replace(ocr, on_page=Progress() if ocr.on_page else None),
                      on_progress=ocr.on_page, extra_seconds=ocr.timeout_s if ocr.enabled else 0.0)


# ---------------------------------------------------------------------------------------------
# Decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: the UTF-32 LE BOM starts with it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Pages that say gb2312 or gbk routinely use characters only their superset GB18030 has.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936", "x-gbk", "euc-cn"}
# Short Chinese byte runs often also decode as Japanese or Korean; GB18030 is tried instead of these.
_OTHER_EAST_ASIAN = ("shift_jis", "cp932", "euc_j", "iso2022", "cp949", "euc_kr", "johab")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we recognise."""


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode report bytes: BOM, then UTF-8, then a verified `declared` charset, then detection.

    A declared charset is a claim, not a fact (GBK pages labelled UTF-8 are common), so it is used
    only when the bytes decode cleanly under it. Raises UndecodableError when nothing fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding) or _fail(f"bytes do not match their {encoding} byte-order mark")
    # Valid multi-byte UTF-8 is almost never produced by another encoding, whatever is declared.
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    for encoding in _candidate_encodings(data, declared):
        text = _strict(data, encoding)
        if text is not None:
            return text
    return _fail("not UTF-8, UTF-16 or GB18030/GBK text, and no other encoding fits")


def _candidate_encodings(data: bytes, declared: str | None) -> Iterator[str]:
    declared_name = _codec_name(declared)
    # A clean decode verifies a multi-byte charset; a single-byte one (latin-1) decodes any bytes, so
    # that label proves nothing and detection goes first.
    verifiable = declared_name is not None and _holds_han(declared_name)
    if verifiable and declared_name != "utf-8":
        yield declared_name
    matches = charset_normalizer.from_bytes(data)
    plausible = [_codec_name(match.encoding) or match.encoding for match in matches]
    # Mainland reports are GB-encoded; when GB18030 is among the plausible readings it wins over a
    # Big5/Japanese/Korean guess, which short byte runs produce easily.
    detected = "gb18030" if "gb18030" in plausible else next(iter(plausible), None)
    if detected and detected.startswith(_OTHER_EAST_ASIAN):
        detected = None
    if declared_name and not verifiable and detected and not _holds_han(detected):
        yield declared_name  # detection only guessed another single-byte charset: the label wins
    if detected:
        yield detected
    yield "gb18030"
    if declared_name:
        yield declared_name


def _holds_han(encoding: str) -> bool:
    try:
        "中".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(data: bytes, encoding: str) -> str | None:
    """`data` decoded, or None when it does not decode cleanly or decodes to binary junk."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if _CONTROL.search(text) else text


def _fail(reason: str) -> str:
    raise UndecodableError(reason)


def _decode(path: Path, data: bytes, declared: str | None = None) -> str:
    try:
        text = decode_bytes(data, declared)
    except UndecodableError as exc:
        raise IngestError(path, f"cannot decode text: {exc}") from exc
    text = drop_reading_aids(drop_format_characters(text).replace("\r\n", "\n").replace("\r", "\n"))
    # A page in traditional characters (a site's 繁体 view) is read in simplified ones, as questions are
    # (rag/question/understanding.py): its regions, terms and figures then meet the questions' words.
    return to_simplified(text) if is_traditional(text) else text


# ---------------------------------------------------------------------------------------------
# Plain text and Markdown


def _load_txt(path: Path, data: bytes) -> LoadedText:
    raw = _decode(path, data)
    with stage("clean"):
        text, tables = text_tables(raw)
        text = strip_site_chrome(strip_emphasis_markers(text))
    return LoadedText(text, raw, "txt", None, None, tables=_numbered(tables))


def _load_md(path: Path, data: bytes) -> LoadedText:
    raw = _decode(path, data)
    with stage("clean"):
        text, tables = text_tables(raw)
        text = strip_site_chrome(strip_markdown(text))
    return LoadedText(text, raw, "md", None, None, tables=_numbered(tables))


# ---------------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "svg", "canvas", "object", "embed")
_CHROME_TAGS = ("nav", "aside", "form", "iframe", "select", "button", "input", "textarea", "header", "footer")
# id/class words that mark site furniture; matched against the start of each word of the attribute.
_CHROME_CLASS = re.compile(r"^(?:nav|menu|breadcrumb|crumb|bread|footer|foot$|share|sidebar|aside|related|relate"
                           r"|copyright|toolbar|social)")
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "center", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
))
_CELL_TAGS = frozenset(("td", "th"))
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A container may take in its parent when the parent adds at most this many Han characters (a title,
# a posting line, a signature block kept outside the text container), not a menu.
_CLIMB_SLACK = 100


def _load_html(path: Path, data: bytes) -> LoadedText:
    match = _META_CHARSET.search(data[:4096])
    html = _XML_DECLARATION.sub("", _decode(path, data, match.group(1).decode("ascii") if match else None))
    root = _parse_html(path, html)
    page_title = _clean_inline(root.findtext(".//title") or "")
    for element in list(root.iter(*_INVISIBLE)):
        _remove(element)
    body = root.find("body") if root.find("body") is not None else root
    raw = "\n".join(_block_lines(body))

    _remove_chrome(body)
    main = _main_block(body)
    heading = _title_heading(body)
    tables: list[TableText] = []
    lines = _block_lines(main, drop_link_lines=True, tables=tables)
    if heading is not None and not _is_inside(heading, main):
        title = _clean_inline(heading.text_content())
        if not lines or lines[0] != title:
            lines.insert(0, title)
    title_hint = _clean_inline(heading.text_content()) if heading is not None else page_title
    # Character references (&#8203;) bring format characters back after decoding; table cells drop theirs.
    text = drop_format_characters(strip_site_chrome("\n".join(lines)))
    return LoadedText(text, drop_format_characters(raw), "html", None, drop_format_characters(title_hint) or None,
                      tables=_numbered(tables))


# libxml2 stops building the tree at 256 levels (2,048 with huge_tree) and silently drops the rest of
# the document, text after the deep part included. Deeper markup is flattened to this depth first.
_MAX_HTML_DEPTH = 200
_VOID_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                        "source", "track", "wbr"))


def _parse_html(path: Path, html: str) -> etree._Element:
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
        if any("depth" in e.message.lower() for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"):
            root = lxml.html.document_fromstring(_flatten_deep(html, _MAX_HTML_DEPTH))
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(path, f"not readable HTML: {exc}") from exc
    return root


class _Flattener(HTMLParser):
    """Re-writes HTML with elements deeper than `max_depth` unwrapped: their text stays, and a block
    element's line break stays as a <br>, but their nesting goes."""

    def __init__(self, max_depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.depth = 0
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self.out.append(self.get_starttag_text() or "")
            return
        self.depth += 1
        if self.depth <= self.max_depth:
            self.out.append(self.get_starttag_text() or "")
        elif tag in _BLOCK_TAGS or tag in _CELL_TAGS:
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        if self.depth <= self.max_depth:
            self.out.append(f"</{tag}>")
        elif tag in _BLOCK_TAGS or tag in _CELL_TAGS:
            self.out.append("<br>")
        self.depth = max(0, self.depth - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")


def _flatten_deep(html: str, max_depth: int) -> str:
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out)


def _remove(element: etree._Element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _remove_chrome(body: etree._Element) -> None:
    """Drop navigation, headers, footers, share bars and link lists, but never the bulk of the text."""
    totals = _han_totals(body)
    limit = totals.get(body, 0) / 2
    doomed: set[etree._Element] = set()
    for element in body.iter():
        if not isinstance(element.tag, str) or element is body:
            continue
        if element.tag in ("header", "footer") and any(a.tag in ("article", "main") for a in element.iterancestors()):
            continue  # an article's own header holds its title
        if (element.tag in _CHROME_TAGS or _has_chrome_class(element)) and totals.get(element, 0) <= limit:
            doomed.add(element)
    for element in doomed:
        if not any(a in doomed for a in element.iterancestors()):
            _remove(element)


def _has_chrome_class(element: etree._Element) -> bool:
    names = f"{element.get('id', '')} {element.get('class', '')}"
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", names).lower()
    return any(_CHROME_CLASS.match(word) for word in re.split(r"[^a-z0-9]+", words) if word)


def _han_totals(root: etree._Element) -> dict[etree._Element, int]:
    """Han characters inside each element (its text and its descendants', not its own tail)."""
    totals: dict[etree._Element, int] = {}
    for element in reversed(list(root.iter())):  # reversed pre-order: children before parents
        total = _han_count(element.text) if isinstance(element.tag, str) else 0
        for child in element:
            total += totals.get(child, 0) + _han_count(child.tail)
        totals[element] = total
    return totals


def _han_count(text: str | None) -> int:
    return len(_HAN.findall(text)) if text else 0


def _main_block(body: etree._Element) -> etree._Element:
    """The container of the article: the element whose own paragraphs hold the most Han text."""
    totals = _han_totals(body)
    best, best_score = body, 0
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        score = _han_count(element.text) + sum(_han_count(child.tail) for child in element)
        score += sum(totals.get(child, 0) for child in element if _is_paragraph(child))
        if score > best_score:
            best, best_score = element, score
    # Take in a parent that adds only a little: the title or signature kept beside the text container.
    while best is not body and (parent := best.getparent()) is not None:
        if totals.get(parent, 0) - totals.get(best, 0) > _CLIMB_SLACK:
            break
        best = parent
    return best


def _is_paragraph(element: etree._Element) -> bool:
    """A child that is one paragraph of text (not a container of further blocks)."""
    if not isinstance(element.tag, str) or element.tag in ("table", "ul", "ol", "section", "article"):
        return False
    return not any(isinstance(d.tag, str) and d.tag in ("p", "div", "table", "li") for d in element.iterdescendants())


def _title_heading(body: etree._Element) -> etree._Element | None:
    for tag in ("h1", "h2"):
        for heading in body.iter(tag):
            if _HAN.search(heading.text_content()):
                return heading
    return None


def _is_inside(element: etree._Element, container: etree._Element) -> bool:
    return element is container or any(a is container for a in element.iterancestors())


def _block_lines(root: etree._Element, *, drop_link_lines: bool = False,
                 tables: list[TableText] | None = None) -> list[str]:
    """Visible text with one line per block element (p, div, br, h1-h6, li, tr…); cells tab-separated.

    With `drop_link_lines`, lines that are mostly link text go: menus and link lists that carry
    no telling id or class. A report's paragraphs are plain text. With `tables`, a statistics table
    becomes one readable line per row (ingest/tables.py) and is collected there; a layout table is
    read as blocks.
    """
    lines: list[tuple[str, int]] = [("", 0)]  # (text, characters inside links)
    link_depth = 0

    def add(text: str) -> None:
        line, linked = lines[-1]
        lines[-1] = (line + text, linked + (len(text.strip()) if link_depth else 0))

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else None
        if event == "start" and tag == "table" and tables is not None and (grid := html_grid(element)) is not None:
            before = [text for text, _ in lines[-3:] if text.strip()]
            table = read_table(grid, before)
            tables.append(table)
            lines.extend((row.text, 0) for row in table.lines)
            lines.append(("", 0))
            walker.skip_subtree()
            if element.tail:
                add(_collapse(element.tail))
            continue
        if event == "start":
            if tag in _BLOCK_TAGS or tag == "br":
                lines.append(("", 0))
            elif tag in _CELL_TAGS:
                add("\t")
            if tag == "a":
                link_depth += 1
            if tag is not None and element.text:
                add(_collapse(element.text))
        else:
            if tag == "a":
                link_depth -= 1
            if tag in _BLOCK_TAGS:
                lines.append(("", 0))
            if element is not root and element.tail:
                add(_collapse(element.tail))
    kept = []
    for line, linked in lines:
        text = line.strip()
        if text and not (drop_link_lines and linked > len(re.sub(r"\s", "", text)) / 2):
            kept.append(text)
    return kept


def _collapse(text: str) -> str:
    # HTML collapses source whitespace (not &nbsp;) into one space.
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def _clean_inline(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------------------------
# PDF


def _load_pdf(path: Path, data: bytes, ocr: OcrOptions | None = None) -> LoadedText:
    if b"%PDF-" not in data[:1024]:
        raise IngestError(path, "not a PDF file (no %PDF header)")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt(path, reader):
            raise IngestError(path, "encrypted PDF: it needs a password to open")
        page_texts = [drop_format_characters(_page_text(page)) for page in reader.pages]
        if not page_texts:
            raise IngestError(path, "corrupt or unreadable PDF: no pages found")
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; all mean the same here
        raise IngestError(path, f"corrupt or unreadable PDF: {exc}") from exc
    scanned = [i for i, text in enumerate(page_texts) if needs_ocr(text) and _has_image(reader.pages[i])]
    ocr = ocr or OcrOptions()
    if not any(text.strip() for text in page_texts) and not (ocr.enabled and engine_available()):
        raise IngestError(
            path, f"PDF has no text layer ({len(page_texts)} pages, probably scanned images); OCR is not available"
        )
    if not any(text.strip() for text in page_texts) and not scanned:
        raise IngestError(path, f"PDF has no text layer and no page images to read ({len(page_texts)} pages)")
    read: dict[int, PageOcr] = {}
    if scanned and ocr.enabled and engine_available():
        read = {page.number - 1: page for page in ocr_pages(path, data, scanned, ocr)}
        page_texts = [read[i].text if i in read else text for i, text in enumerate(page_texts)]
    page_texts, tables = _pdf_tables(path, data, page_texts, set(read))
    raw = "\f".join(page_texts)
    title = _large_print_title(reader.pages[0]) if 0 not in read else None
    text = _merge_title_lines(repair_pdf_text(raw), title)
    if read and not text.strip():
        raise IngestError(path, f"OCR found no text on the {len(read)} scanned pages (blank or unreadable scan)")
    spans = tuple(page_spans(page_texts, text))
    return LoadedText(
        text, raw, "pdf", len(page_texts), title,
        page_spans=spans,
        ocr_confidence=tuple(read[i].confidence if i in read else None for i in range(len(page_texts))),
        low_confidence_spans=tuple(
            span for i, page in read.items() for span in find_spans(text, page.low_confidence, spans[i])
        ),
        tables=_numbered(tables),
    )


# A line of a PDF text layer that looks like a table row: three or more fields apart, one a number.
_TABULAR_LINE = re.compile(r"^\s*\S+(?:[ \t]{2,}\S+){2,}\s*$")
_MIN_TABULAR_LINES = 2


def _looks_tabular(page_text: str) -> bool:
    rows = [line for line in page_text.splitlines() if _TABULAR_LINE.match(line) and re.search(r"\d", line)]
    return len(rows) >= _MIN_TABULAR_LINES


def _pdf_tables(path: Path, data: bytes, page_texts: list[str], scanned: set[int]) -> tuple[list[str], list[TableText]]:
    """Statistics tables on text pages, read with pdfplumber; their rows replace the layout lines.

    pdfplumber is slow, so only pages whose text layer has table-like lines are opened with it. A row
    found as a layout line is replaced by the table's lines (once, at the first row); when no row is
    found the table's lines follow the page text.
    """
    candidates = [i for i, text in enumerate(page_texts) if i not in scanned and _looks_tabular(text)]
    if not candidates:
        return page_texts, []
    import pdfplumber  # only for pages that need it: importing and parsing cost more than pypdf

    out = list(page_texts)
    tables: list[TableText] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in candidates:
                found = False
                for rows in pdf.pages[i].extract_tables():
                    grid = rows_grid(rows)
                    if grid is None:
                        continue
                    table = read_table(grid, out[i].splitlines()[-40:])
                    tables.append(table)
                    out[i] = _replace_rows(out[i], grid.cells, [line.text for line in table.lines])
                    found = True
                if not found:  # a table drawn without rules: its columns are only aligned with spaces
                    out[i], aligned = text_tables(out[i])
                    tables.extend(aligned)
    except Exception:  # pdfplumber fails on odd files that pypdf reads: then the layout lines stay
        return page_texts, []
    return out, tables


def _replace_rows(page_text: str, cells: list[list[str]], table_lines: list[str]) -> str:
    """The page with the layout lines of the table's rows replaced by the table's readable lines."""
    lines = page_text.split("\n")
    squeezed = [re.sub(r"\s", "", line) for line in lines]
    keys = {re.sub(r"\s", "", "".join(dict.fromkeys(row))) for row in cells}
    keys.discard("")
    hits = [i for i, line in enumerate(squeezed) if line and line in keys]
    if not hits:
        return page_text.rstrip("\n") + "\n" + "\n".join(table_lines)
    first = hits[0]
    hit_set = set(hits)
    kept = [line for i, line in enumerate(lines) if i not in hit_set or i == first]
    at = kept.index(lines[first])
    kept[at:at + 1] = table_lines
    return "\n".join(kept)


def _has_image(page: pypdf.PageObject) -> bool:
    """Whether the page paints an image: a thin text layer over no image is a short page, not a scan."""
    try:
        xobjects = page["/Resources"].get_object().get("/XObject")
        return xobjects is not None and any(
            xobject.get_object().get("/Subtype") in ("/Image", "/Form") for xobject in xobjects.get_object().values()
        )
    except Exception:  # odd resources: when in doubt, a thin page is worth reading
        return True


def _decrypt(path: Path, reader: pypdf.PdfReader) -> bool:
    """Open a PDF encrypted only against editing (empty user password), as every viewer does."""
    try:
        return bool(reader.decrypt(""))
    except pypdf.errors.DependencyError as exc:
        raise IngestError(path, f"encrypted PDF: cannot decrypt it here ({exc})") from exc


_TITLE_SCALE = 1.15  # a title is set clearly larger than the body text
_TITLE_SEARCH_LINES = 8


def _large_print_title(page: pypdf.PageObject) -> str | None:
    """The longest stretch of text on the page set larger than the body: the title, however it wraps.

    The longest, not the first or the largest: a red-header document opens with its issuer's name
    (XX人民政府文件) in even larger type.
    """
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((text, size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a title is a hint; a page whose runs cannot be visited simply has none
        return None
    weight: dict[float, int] = {}
    for text, size in runs:
        weight[round(size, 1)] = weight.get(round(size, 1), 0) + len(text.strip())
    if not weight:
        return None
    body = max(weight, key=lambda size: weight[size])
    stretches: list[list[str]] = [[]]
    for text, size in runs:
        if size >= body * _TITLE_SCALE:
            stretches[-1].append(text.strip())
        elif stretches[-1]:
            stretches.append([])
    title = max((fix_pdf_spacing(" ".join(stretch)) for stretch in stretches), key=len)
    return title if 4 <= len(title) <= 120 else None


def _merge_title_lines(text: str, title: str | None) -> str:
    """Put a title that wrapped over several centred lines back on one line."""
    if not title:
        return text
    lines = text.split("\n")
    target = re.sub(r"\s", "", title)
    for start in range(min(_TITLE_SEARCH_LINES, len(lines))):
        joined = ""
        for end in range(start, min(start + _TITLE_SEARCH_LINES, len(lines))):
            joined += re.sub(r"\s", "", lines[end])
            if joined == target:
                if end > start:
                    lines[start : end + 1] = ["".join(lines[start : end + 1])]
                return "\n".join(lines)
            if not target.startswith(joined):
                break
    return text


def _page_text(page: pypdf.PageObject) -> str:
    # Layout mode keeps each line's indentation, which tells paragraph starts from wrapped lines.
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode fails on some odd fonts; plain mode still reads the text
        return page.extract_text()


# ---------------------------------------------------------------------------------------------
# DOCX

# A real report expands to a few MB; 64 MB of XML is no report, and parsing it would hold a core for minutes.
_MAX_DOCX_EXPANDED = 64 * 1024 * 1024


def _load_docx(path: Path, data: bytes) -> LoadedText:
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise IngestError(path, "not a valid .docx (not a zip archive; an old .doc or a password-protected file?)")
    try:
        with zipfile.ZipFile(buffer) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
        if expanded > _MAX_DOCX_EXPANDED:
            raise IngestError(path, f"docx expands to {expanded // 2**20} MB, over the "
                                    f"{_MAX_DOCX_EXPANDED // 2**20} MB limit (zip bomb?)")
        document = docx.Document(buffer)
        tables: list[TableText] = []
        lines, title = _docx_lines(document, tables)
    except IngestError:
        raise
    except Exception as exc:  # python-docx and zipfile raise many types for a damaged package
        raise IngestError(path, f"corrupt or unreadable .docx: {exc}") from exc
    text = "\n".join(lines)
    title_hint = title or drop_format_characters(document.core_properties.title or "").strip() or None
    return LoadedText(text, text, "docx", None, title_hint, tables=_numbered(tables))


def _docx_lines(document: DocxDocument, tables: list[TableText] | None = None) -> tuple[list[str], str | None]:
    """Paragraphs and table rows in document order, and the first Title-style paragraph.

    A statistics table becomes one readable line per row (collected in `tables`); another table one
    tab-separated line per row.
    """
    lines: list[str] = []
    title: str | None = None
    is_title = _title_style(document)
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = drop_format_characters(block.text).strip()
            if text and title is None and is_title(block):
                title = text
            lines.extend(line.strip() for line in text.split("\n"))
        elif isinstance(block, Table):
            grid = docx_grid(block) if tables is not None else None
            if grid is None:
                lines.extend(_table_rows(block))
                continue
            table = read_table(grid, [line for line in lines[-2:] if line])
            tables.append(table)  # type: ignore[union-attr]
            lines.extend(row.text for row in table.lines)
    return [line for line in lines if line], title


def _title_style(document: DocxDocument) -> Callable[[Paragraph], bool]:
    """Whether a paragraph has the Title style, from the styles read once per document.

    python-docx's `paragraph.style` scans every style of the document for each paragraph (5 MB of XML
    took 53 s); here a paragraph costs a set lookup. An unknown or missing style id means the default.
    """
    known: set[str] = set()
    titles: set[str | None] = set()
    default: str | None = None
    try:
        styles = document.styles.element.style_lst
    except (KeyError, AttributeError):  # a package without a styles part
        styles = []
    for style in styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        known.add(style.styleId)
        if style.default:
            default = style.styleId
        if (style.name_val or "").strip().lower() in ("title", "标题"):
            titles.add(style.styleId)

    def is_title(paragraph: Paragraph) -> bool:
        style_id = paragraph._p.style
        return (style_id if style_id in known else default) in titles

    return is_title


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):  # a merged cell is returned once per grid column it spans
                continue
            seen.append(cell._tc)
            text = drop_format_characters(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            if text:
                cells.append(text)
        if cells:
            yield "\t".join(cells)


def _numbered(tables: list[TableText]) -> tuple[TableText, ...]:
    for n, table in enumerate(tables, start=1):
        table.number = n
    return tuple(tables)


_LOADERS: dict[str, Loader] = {
    ".txt": _load_txt,
    ".md": _load_md,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
    ".docx": _load_docx,
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_LOADERS)
# Parsed by libraries whose time and memory a small file can blow up (lxml, pypdf, OCR): in a worker.
_BUDGETED = frozenset((_load_html, _load_pdf, _load_docx))
