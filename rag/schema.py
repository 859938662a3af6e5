"""Pydantic models of the shapes fixed in CONTRACT.md (add fields freely; never rename)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Route = Literal["lookup", "aggregate", "metadata", "summary", "unanswerable", "chitchat"]


class Filters(BaseModel):
    region: str | None = Field(default=None, max_length=50)
    year: int | None = Field(default=None, ge=1900, le=2100)


# A session id is a handle, not data: ours are 32 hex digits; longer ones are refused (422), not stored.
MAX_SESSION_ID = 128


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    session_id: str | None = Field(default=None, max_length=MAX_SESSION_ID)
    filters: Filters | None = None


class Citation(BaseModel):
    n: int
    doc_id: str
    title: str | None = None
    region: str | None = None
    year: int | None = None
    section: str = ""
    text: str
    quote: str = ""
    page: int | None = None  # PDF page the passage starts on
    ocr: bool = False  # the passage was read from a scanned page by OCR
    ocr_confidence: float | None = None  # mean OCR confidence of its pages


class TableRow(BaseModel):
    region: str
    year: int | None = None
    value: float | None = None
    display: str = "未披露"
    period: str | None = None
    scope: str | None = None
    derived: bool = False
    citation: int | None = None


class Table(BaseModel):
    metric: str
    unit: str = ""
    rows: list[TableRow] = Field(default_factory=list)


class AskResponse(BaseModel):
    answer: str
    answerable: bool
    route: Route
    citations: list[Citation] = Field(default_factory=list)
    session_id: str | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    table: Table | None = None


class Document(BaseModel):
    doc_id: str
    title: str | None = None
    region: str | None = None
    level: str | None = None
    city: str | None = None
    province: str | None = None
    year: int | None = None
    issuer: str | None = None
    date: str | None = None
    published: str | None = None  # web posting date, when the page states one
    addressee: str | None = None  # whom the report is submitted to (主送)
    kind: str | None = None  # 法治政府建设 | 政府信息公开 | 其他
    issuer_level: str | None = None  # government | department | sub_district | town | party
    index_code: str | None = None  # the page's 索引号
    doc_number: str | None = None  # 文号
    # Where each detected field came from (title, chrome, addressee, opening, body, filename, index_code,
    # signature) and how far it is trusted, 0-1: {"region": {"source": "body", "confidence": 0.6}}.
    provenance: dict[str, dict[str, str | float]] = Field(default_factory=dict)
    source: str
    sha256: str
    chunks: int = 0
    metrics: int = 0
    pages: int | None = None
    ocr_pages: int = 0
    manual: list[str] = Field(default_factory=list)
    ingested_at: str | None = None
    # What detection found for the editable fields, so a console can show manual and detected side by side.
    detected: dict[str, str | int | None] = Field(default_factory=dict)
    embedded: int = 0  # chunks with a vector; fewer than `chunks` while embedding is still pending
    # What a person should correct: "no_region" = left out of rankings until a region is set;
    # "check_<field>" = detected from a weak signal (low confidence) and not yet set by hand.
    needs_correction: list[str] = Field(default_factory=list)


class MetricRow(BaseModel):
    metric: str
    label: str
    value: float
    unit: str | None = None
    written: str | None = None  # the figure as the report writes it ("7800余份"); display this
    region: str | None = None
    year: int | None = None
    period: str | None = None
    scope: str | None = None
    approx: str | None = None
    derived: bool = False
    formula: str | None = None
    doc_id: str
    section: str = ""
    sentence: str = ""
    span: tuple[int, int] | None = None
    ocr_low_confidence: bool = False  # the figure was read by OCR below the confidence threshold: check it
    value_max: float | None = None  # a range's upper bound (3至5个工作日: value 3, value_max 5)
    measure: str | None = None  # what the figure counts, as the report words it (行政执法人员培训)
    kind: Literal["level", "change"] = "level"  # change: 同比增长12.6%, 下降3.5个百分点
    scope_kind: Literal["region", "government", "subunit"] | None = None  # whose figure; None: not stated
    fact_year: int | None = None  # the year the figure is about when the report states one (a 2022 column)
    source: Literal["text", "table"] = "text"
    table_cell: dict[str, str | int] | None = None  # {"table": n, "row": row label, "column": column header}
