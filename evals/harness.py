"""The gold Q&A harness: ask every gold item through the public `ask_traced`, score it, report.

Measures the system from outside, through the same call the doors use. Exit codes of `run_cli`:
0 all thresholds met, 1 a threshold failed, 2 the gold or thresholds file could not be read.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
import tomllib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from evals.scoring import ItemScore, score_item
from rag.schema import AskRequest, AskResponse

THRESHOLDS = Path(__file__).with_name("thresholds.toml")
HIT_AT = (1, 3, 5)


class Answerer(Protocol):
    def ask_traced(self, request: AskRequest) -> tuple[AskResponse, list[str]]:
        """The response plus the texts of the ranked retrieved passages (best first, up to 10)."""
        ...


class GoldError(Exception):
    """A gold or thresholds file that cannot be used; the CLI turns it into a message and exit 2."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold items from a JSONL file, checked for the fields the harness cannot do without."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(Path(path), f"cannot read: {exc.strerror or exc}") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(Path(path), f"line {lineno}: not JSON ({exc.msg})") from exc
        if not isinstance(item, dict):
            raise GoldError(Path(path), f"line {lineno}: not a JSON object")
        for key, kind in (("id", str), ("question", str), ("answerable", bool)):
            if not isinstance(item.get(key), kind):
                raise GoldError(Path(path), f"line {lineno}: `{key}` missing or not a {kind.__name__}")
        if item["id"] in seen:
            raise GoldError(Path(path), f"line {lineno}: duplicate id {item['id']}")
        seen.add(item["id"])
        items.append(item)
    return items


def load_gold_set(path: Path) -> list[dict[str, Any]]:
    """Items of one JSONL file, or of every *.jsonl file in a folder (ids unique across files)."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise GoldError(path, "no *.jsonl gold files in this folder")
    items: list[dict[str, Any]] = []
    seen: dict[str, Path] = {}
    for file in files:
        for item in load_gold(file):
            if item["id"] in seen:
                raise GoldError(file, f"id {item['id']} already used in {seen[item['id']].name}")
            seen[item["id"]] = file
            items.append(item)
    return items


@dataclass
class ItemResult:
    """One gold item's outcome with what a reader needs to see why it failed."""

    score: ItemScore
    question: str
    expected: str
    got: str | None  # None: no response (see error)
    route: str | None = None
    error: str | None = None
    latency_ms: float | None = None  # of the scored (last) ask
    leak: str | None = None  # an internal token list or code name the answer shows
    # Optional labels of a gold item (sets written by language and kind of wording): reported per label.
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Failure:
    id: str
    kind: str
    question: str
    expected: str
    got: str | None
    missing: list[Any]
    forbidden: list[Any]
    evidence_rank: int | None
    refused: bool | None
    expected_refusal: bool
    error: str | None


@dataclass
class KindStats:
    items: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.items if self.items else 0.0


@dataclass
class EvalReport:
    """Everything one run measured; `metrics()` is the flat view thresholds are checked against."""

    items: int
    correct: int
    errors: int
    accuracy: float
    by_kind: dict[str, KindStats]
    evidence_items: int
    evidence_recall: float | None
    evidence_hit_at: dict[int, float | None]
    evidence_mrr: float | None
    refusal_precision: float | None  # None: the system never refused
    refusal_recall: float | None  # None: no gold item expects a refusal
    refusal_counts: dict[str, int]
    asks: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    failures: list[Failure]
    results: list[ItemResult] = field(default_factory=list)
    gold: str | None = None
    threshold_failures: list[str] = field(default_factory=list)
    # Accuracy per value of an optional item label: {"lang": {"en": KindStats}, "category": {…}}.
    by_label: dict[str, dict[str, KindStats]] = field(default_factory=dict)
    leaks: dict[str, str] = field(default_factory=dict)  # item id → the internal tokens its answer showed

    def metrics(self) -> dict[str, float | None]:
        """Flat metric names as thresholds.toml spells them (`accuracy.lookup`, `evidence_hit_at_5`)."""
        flat: dict[str, float | None] = {"accuracy.overall": self.accuracy}
        flat.update({f"accuracy.{kind}": stats.accuracy for kind, stats in self.by_kind.items()})
        for label, groups in self.by_label.items():
            flat.update({f"{label}.{value}": stats.accuracy for value, stats in groups.items()})
        flat["evidence_recall"] = self.evidence_recall
        flat.update({f"evidence_hit_at_{k}": v for k, v in self.evidence_hit_at.items()})
        flat["evidence_mrr"] = self.evidence_mrr
        flat["refusal_precision"] = self.refusal_precision
        flat["refusal_recall"] = self.refusal_recall
        flat["latency_p50_ms"] = self.latency_p50_ms
        flat["latency_p95_ms"] = self.latency_p95_ms
        flat["internal_token_answers"] = float(len(self.leaks))
        return flat

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["by_kind"] = {k: {"items": s.items, "correct": s.correct, "accuracy": s.accuracy}
                           for k, s in self.by_kind.items()}
        data["evidence_hit_at"] = {str(k): v for k, v in self.evidence_hit_at.items()}
        data["by_label"] = {label: {v: {"items": s.items, "correct": s.correct, "accuracy": s.accuracy}
                                    for v, s in groups.items()} for label, groups in self.by_label.items()}
        data["metrics"] = self.metrics()
        return data


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), so p95 of a small run is not just the max."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _ask(answerer: Answerer, question: str, session_id: str, latencies: list[float]) -> tuple[AskResponse, list[str]]:
    request = AskRequest(question=question, session_id=session_id)
    t0 = time.perf_counter()
    response, passages = answerer.ask_traced(request)
    latencies.append((time.perf_counter() - t0) * 1000)
    if not isinstance(response, AskResponse):
        raise TypeError(f"ask_traced returned {type(response).__name__}, not AskResponse")
    return response, list(passages or [])


LABELS = ("lang", "category")  # optional gold fields reported per value

# What must never reach a user: a run of bare Chinese terms separated by spaces (a candidate list from the
# English bridge or a tokenizer: "（行政复议 案件 县 公职 政务）"), or a code name (reconsideration_closed).
# Text inside quotation marks is the report's own and may hold spaced table cells.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_TOKEN_LIST = re.compile(r"[\u4e00-\u9fff]{1,6}(?: [\u4e00-\u9fff]{1,6}){2,}")
_CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def internal_tokens(answer: str) -> str | None:
    """The internal token list or code name an answer shows, if any."""
    text = _QUOTED.sub("", answer)
    found = _TOKEN_LIST.search(text) or _CODE_NAME.search(text)
    return found.group(0) if found else None


def run_item(answerer: Answerer, item: Mapping[str, Any], latencies: list[float]) -> ItemResult:
    """Ask the history then the question in one fresh session; score only the last answer.

    The session id is new on every run so that a persistent session store cannot carry context from
    an earlier run into this one. Any exception is recorded as this item's wrong answer.
    """
    session_id = f"eval-{item.get('id', '')}-{uuid.uuid4().hex[:12]}"
    question = str(item.get("question", ""))
    expected = str(item.get("answer", ""))
    history = [str(q) for q in item.get("history") or []]
    labels = {k: str(item[k]) for k in LABELS if item.get(k)}
    step = "question"
    try:
        for n, earlier in enumerate(history, start=1):
            step = f"history question {n}"
            _ask(answerer, earlier, session_id, latencies)
        step = "question"
        response, passages = _ask(answerer, question, session_id, latencies)
    except Exception as exc:  # one broken item must not stop the run
        return ItemResult(score=score_item(item, None, []), question=question, expected=expected, got=None,
                          error=f"{step}: {type(exc).__name__}: {exc}", labels=labels)
    return ItemResult(score=score_item(item, response, passages), question=question, expected=expected,
                      got=response.answer, route=response.route, latency_ms=latencies[-1], labels=labels,
                      leak=internal_tokens(response.answer))


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def summarize(results: Sequence[ItemResult], latencies: Sequence[float], gold: str | None = None) -> EvalReport:
    """Aggregate item results into the report's metrics."""
    scores = [r.score for r in results]
    by_kind: dict[str, KindStats] = defaultdict(KindStats)
    for s in scores:
        by_kind[s.kind].items += 1
        by_kind[s.kind].correct += s.correct
    with_evidence = [s for s in scores if s.has_evidence]
    ranks = [s.evidence_rank for s in with_evidence]
    # Positive class: the system refused (answerable false); an item without a response did not refuse.
    tp = sum(1 for s in scores if s.refused is True and s.expected_refusal)
    fp = sum(1 for s in scores if s.refused is True and not s.expected_refusal)
    fn = sum(1 for s in scores if s.refused is not True and s.expected_refusal)
    correct = sum(s.correct for s in scores)
    by_label: dict[str, dict[str, KindStats]] = {}
    for r in results:
        for label, value in r.labels.items():
            stats = by_label.setdefault(label, {}).setdefault(value, KindStats())
            stats.items += 1
            stats.correct += r.score.correct
    failures = [
        Failure(id=r.score.id, kind=r.score.kind, question=r.question, expected=r.expected, got=r.got,
                missing=r.score.missing, forbidden=r.score.forbidden, evidence_rank=r.score.evidence_rank,
                refused=r.score.refused, expected_refusal=r.score.expected_refusal, error=r.error)
        for r in results if not r.score.correct
    ]
    return EvalReport(
        items=len(scores), correct=correct, errors=sum(r.error is not None for r in results),
        accuracy=correct / len(scores) if scores else 0.0,
        by_kind=dict(sorted(by_kind.items())),
        evidence_items=len(with_evidence),
        evidence_recall=(sum(s.evidence_recall or 0.0 for s in with_evidence) / len(with_evidence)
                         if with_evidence else None),
        evidence_hit_at={k: _ratio(sum(1 for r in ranks if r is not None and r <= k), len(ranks)) for k in HIT_AT},
        evidence_mrr=sum(1 / r for r in ranks if r is not None) / len(ranks) if ranks else None,
        refusal_precision=_ratio(tp, tp + fp), refusal_recall=_ratio(tp, tp + fn),
        refusal_counts={"true_positive": tp, "false_positive": fp, "false_negative": fn},
        asks=len(latencies), latency_p50_ms=percentile(latencies, 50), latency_p95_ms=percentile(latencies, 95),
        failures=failures, results=list(results), gold=gold,
        by_label={k: dict(sorted(v.items())) for k, v in sorted(by_label.items())},
        leaks={r.score.id: r.leak for r in results if r.leak},
    )


def run(answerer: Answerer, gold_items: Iterable[Mapping[str, Any]], gold: str | None = None) -> EvalReport:
    """Ask and score every gold item; latency covers every ask, history questions included."""
    latencies: list[float] = []
    results = [run_item(answerer, item, latencies) for item in gold_items]
    return summarize(results, latencies, gold)


# --- thresholds -------------------------------------------------------------------------------


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise GoldError(Path(path), f"cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise GoldError(Path(path), f"not TOML ({exc})") from exc


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def check_thresholds(report: EvalReport, thresholds: Mapping[str, Any]) -> list[str]:
    """Failure messages, empty when every threshold holds (format: see thresholds.toml).

    A misspelt key fails rather than passing silently; a metric the run could not measure (None)
    fails only when its threshold asks for something (a minimum above 0), so placeholders pass.
    """
    metrics = report.metrics()
    failures: list[str] = []
    for key, limit in _flatten(thresholds).items():
        upper = key.startswith("max.")
        name = key.removeprefix("max.") if upper else key
        name = "accuracy.overall" if name == "accuracy" else name
        if isinstance(limit, bool) or not isinstance(limit, int | float):
            failures.append(f"{key}: threshold {limit!r} is not a number")
            continue
        if name not in metrics:
            if name.startswith("accuracy."):
                if limit > 0 and not upper:
                    failures.append(f"{key}: no gold items of kind {name.removeprefix('accuracy.')!r}")
                continue
            failures.append(f"{key}: unknown metric (known: {', '.join(sorted(metrics))})")
            continue
        value = metrics[name]
        if value is None:
            if not upper and limit > 0:
                failures.append(f"{key}: could not be measured on this gold set (needs >= {limit})")
        elif upper and value > limit:
            failures.append(f"{key}: {value:.1f} > {limit}")
        elif not upper and value < limit:
            failures.append(f"{key}: {value:.3f} < {limit}")
    return failures


# --- reports ----------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _one_line(text: str | None, limit: int = 200) -> str:
    if text is None:
        return "—"
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _kind_rows(report: EvalReport) -> list[tuple[str, int, int, str]]:
    rows = [(kind, s.items, s.correct, _fmt(s.accuracy)) for kind, s in report.by_kind.items()]
    rows.append(("all", report.items, report.correct, _fmt(report.accuracy)))
    return rows


def _metric_lines(report: EvalReport) -> list[str]:
    hits = " / ".join(_fmt(report.evidence_hit_at[k]) for k in HIT_AT)
    c = report.refusal_counts
    return [
        f"evidence recall: {_fmt(report.evidence_recall)} (items with evidence: {report.evidence_items})",
        f"evidence hit@{'/@'.join(map(str, HIT_AT))}: {hits}; MRR {_fmt(report.evidence_mrr)}",
        f"refusal precision: {_fmt(report.refusal_precision)}; recall: {_fmt(report.refusal_recall)} "
        f"(tp {c['true_positive']}, fp {c['false_positive']}, fn {c['false_negative']})",
        f"latency p50: {_fmt(report.latency_p50_ms, 1)} ms; p95: {_fmt(report.latency_p95_ms, 1)} ms "
        f"({report.asks} asks)",
        f"errors: {report.errors}",
        f"answers showing internal tokens: {len(report.leaks)}"
        + (f" ({'; '.join(f'{k}: {v}' for k, v in list(report.leaks.items())[:5])})" if report.leaks else ""),
    ]


def to_markdown(report: EvalReport) -> str:
    lines = [f"# govqa eval{f' — {report.gold}' if report.gold else ''}", "",
             "| kind | items | correct | accuracy |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {kind} | {n} | {ok} | {acc} |" for kind, n, ok, acc in _kind_rows(report)]
    for label, groups in report.by_label.items():
        lines += ["", f"| {label} | items | correct | accuracy |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {v} | {s.items} | {s.correct} | {_fmt(s.accuracy)} |" for v, s in groups.items()]
    lines += ["", *(f"- {line}" for line in _metric_lines(report))]
    if report.threshold_failures:
        lines += ["", "## Threshold failures", "", *(f"- {m}" for m in report.threshold_failures)]
    lines += ["", f"## Failures ({len(report.failures)})", ""]
    for f in report.failures:
        detail = [f"expected: {_one_line(f.expected)}", f"got: {_one_line(f.got)}"]
        if f.missing:
            detail.append(f"missing: {json.dumps(f.missing, ensure_ascii=False)}")
        if f.forbidden:
            detail.append(f"forbidden: {json.dumps(f.forbidden, ensure_ascii=False)}")
        if f.refused != f.expected_refusal and f.refused is not None:
            detail.append(f"answerable: {not f.refused} (gold {not f.expected_refusal})")
        detail.append(f"evidence rank: {f.evidence_rank if f.evidence_rank is not None else '—'}")
        if f.error:
            detail.append(f"error: {_one_line(f.error)}")
        lines.append(f"- **{f.id}** ({f.kind}) {_one_line(f.question)}")
        lines += [f"  - {d}" for d in detail]
    return "\n".join(lines) + "\n"


def write_reports(report: EvalReport, out_dir: Path) -> tuple[Path, Path]:
    """Write `latest.json` (everything, per item) and `latest.md` (for a human); return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "latest.json", out_dir / "latest.md"
    json_path.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(to_markdown(report), encoding="utf-8")
    return json_path, md_path


def to_text(report: EvalReport) -> str:
    """The short table the CLI prints."""
    width = max(len("kind"), *(len(kind) for kind, *_ in _kind_rows(report)))
    lines = [f"{'kind':<{width}}  items  correct  accuracy"]
    lines += [f"{kind:<{width}}  {n:>5}  {ok:>7}  {acc:>8}" for kind, n, ok, acc in _kind_rows(report)]
    lines += ["", *_metric_lines(report)]
    if report.threshold_failures:
        lines += ["", *(f"THRESHOLD FAILED {m}" for m in report.threshold_failures)]
    return "\n".join(lines)


def run_cli(answerer: Answerer, gold: Path, out: Path, as_json: bool, *, thresholds: Path = THRESHOLDS) -> int:
    """`govqa eval`: run, write reports, print a table (or the JSON report); exit code as documented above."""
    try:
        items = load_gold_set(gold)
        limits = load_thresholds(thresholds)
    except GoldError as exc:
        print(f"govqa eval: {exc}", file=sys.stderr)
        return 2
    report = run(answerer, items, gold=str(gold))
    report.threshold_failures = check_thresholds(report, limits)
    json_path, md_path = write_reports(report, out)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        for message in report.threshold_failures:
            print(f"threshold failed: {message}", file=sys.stderr)
    else:
        print(to_text(report))
        print(f"\nreports: {json_path} {md_path}")
        correct = sum(1 for r in report.results if r.score.correct)
        verdict = "thresholds met" if not report.threshold_failures else "THRESHOLDS FAILED: " + "; ".join(
            report.threshold_failures)
        print(f"eval: {correct}/{len(report.results)} gold items correct; {verdict}")
    return 1 if report.threshold_failures else 0
