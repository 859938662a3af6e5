"""The harness against a fake Answerer: sessions, errors, ranking metrics, thresholds, reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evals.harness import (
    THRESHOLDS,
    EvalReport,
    GoldError,
    KindStats,
    check_thresholds,
    internal_tokens,
    load_gold,
    load_thresholds,
    percentile,
    run,
    run_cli,
    write_reports,
)
from evals.scoring import normalize
from rag.schema import AskRequest, AskResponse, Citation
from tests.corpus import CORPUS

GOLD = Path(__file__).resolve().parents[2] / "evals" / "gold" / "dev.jsonl"
QUOTE = "直接纠错4件,纠错率2.3%"


def reply(answer: str, answerable: bool = True, cite: tuple[str, ...] = ()) -> AskResponse:
    return AskResponse(answer=answer, answerable=answerable, route="lookup" if answerable else "unanswerable",
                       citations=[Citation(n=i, doc_id="d", text=t) for i, t in enumerate(cite, start=1)])


class FakeAnswerer:
    """Answers from a script keyed by question; remembers every request, like a session store would."""

    def __init__(self, script: dict[str, Callable[[AskRequest, list[str]], tuple[AskResponse, list[str]]]]):
        self.script = script
        self.requests: list[AskRequest] = []
        self.sessions: dict[str, list[str]] = {}

    def ask_traced(self, request: AskRequest) -> tuple[AskResponse, list[str]]:
        self.requests.append(request)
        earlier = self.sessions.setdefault(request.session_id or "", [])
        result = self.script[request.question](request, list(earlier))
        earlier.append(request.question)
        return result


def fixed(answer: str, answerable: bool = True, ranked: list[str] | None = None, cite: tuple[str, ...] = ()):
    return lambda _req, _earlier: (reply(answer, answerable, cite), list(ranked or []))


def item(id_: str, question: str, must: list[Any], kind: str = "lookup", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "question": question, "kind": kind, "answerable": True, "answer": "ref",
            "must_include": must, **extra}


# --- sessions and history -----------------------------------------------------------------------


def test_history_is_asked_first_in_one_session_and_only_the_last_answer_is_scored() -> None:
    def follow_up(_req: AskRequest, earlier: list[str]) -> tuple[AskResponse, list[str]]:
        # Right only when the earlier question reached the same session first.
        return reply("4件" if earlier == ["earlier"] else "不知道"), []

    fake = FakeAnswerer({"earlier": fixed("174件"), "then?": follow_up, "alone": fixed("4件")})
    gold = [item("a", "then?", ["4"], kind="multi_turn", history=["earlier"]), item("b", "alone", ["4"])]
    report = run(fake, gold)

    assert [r.question for r in fake.requests] == ["earlier", "then?", "alone"]
    sessions = [r.session_id for r in fake.requests]
    assert sessions[0] and sessions[0] == sessions[1]
    assert sessions[2] and sessions[2] != sessions[0]
    # the history answer (174件) would fail must_include "4"; only the last answer counts
    assert report.correct == 2
    assert report.results[0].got == "4件"
    assert report.asks == 3


def test_session_ids_are_new_on_every_run() -> None:
    fake = FakeAnswerer({"q": fixed("x")})
    run(fake, [item("a", "q", [])])
    run(fake, [item("a", "q", [])])
    assert fake.requests[0].session_id != fake.requests[1].session_id


# --- errors -------------------------------------------------------------------------------------


def test_an_exception_is_a_wrong_answer_not_a_crash() -> None:
    def boom(_req: AskRequest, _earlier: list[str]) -> tuple[AskResponse, list[str]]:
        raise RuntimeError("store is closed")

    fake = FakeAnswerer({"bad": boom, "good": fixed("174件"), "hist-bad": fixed("x")})
    gold = [item("a", "bad", ["174"]), item("b", "good", ["174"]),
            item("c", "hist-bad", ["x"], history=["bad"])]
    report = run(fake, gold)

    assert report.items == 3
    assert report.correct == 1
    assert report.errors == 2
    failed = {f.id: f for f in report.failures}
    assert set(failed) == {"a", "c"}
    assert failed["a"].error == "question: RuntimeError: store is closed"
    assert failed["a"].got is None and failed["a"].missing == ["174"]
    assert failed["c"].error is not None and failed["c"].error.startswith("history question 1:")
    # the broken history stops that item: its own question is never asked
    assert [r.question for r in fake.requests] == ["bad", "good", "bad"]


def test_a_wrong_return_type_is_recorded_as_an_error() -> None:
    fake = FakeAnswerer({"q": lambda _r, _e: ({"answer": "x"}, [])})  # type: ignore[dict-item]
    report = run(fake, [item("a", "q", [])])
    assert report.errors == 1
    assert "TypeError" in (report.failures[0].error or "")


# --- metrics ------------------------------------------------------------------------------------


def test_hit_at_k_and_mrr_on_a_constructed_ranking() -> None:
    def ranked(rank: int | None) -> list[str]:
        passages = [f"无关{i}" for i in range(10)]
        if rank is not None:
            passages[rank - 1] = f"……{QUOTE}……"
        return passages

    ranks = [1, 2, 4, None]
    script = {f"q{i}": fixed("x", ranked=ranked(r)) for i, r in enumerate(ranks)}
    script["none"] = fixed("x", ranked=ranked(1))
    gold = [item(f"i{i}", f"q{i}", [], evidence=[{"doc": "d", "quote": QUOTE}]) for i in range(len(ranks))]
    gold.append(item("no-evidence", "none", []))  # must not count in the evidence metrics
    report = run(FakeAnswerer(script), gold)

    assert report.evidence_items == 4
    assert [r.score.evidence_rank for r in report.results] == [1, 2, 4, None, None]
    assert report.evidence_hit_at == {1: 0.25, 3: 0.5, 5: 0.75}
    assert report.evidence_mrr == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)


def test_evidence_recall_is_the_mean_over_items_with_evidence() -> None:
    two = [{"doc": "d", "quote": QUOTE}, {"doc": "d", "quote": "全县办结复议案件174件"}]
    script = {"half": fixed("x", cite=(QUOTE,)), "full": fixed("x", cite=(QUOTE, "全县办结复议案件174件")),
              "none": fixed("x", cite=(QUOTE,))}
    gold = [item("h", "half", [], evidence=two), item("f", "full", [], evidence=two), item("n", "none", [])]
    report = run(FakeAnswerer(script), gold)
    assert report.evidence_recall == pytest.approx(0.75)


def test_accuracy_by_kind() -> None:
    script = {"right": fixed("174件"), "wrong": fixed("17件")}
    gold = [item("1", "right", ["174"]), item("2", "wrong", ["174"]), item("3", "right", ["174"], kind="aggregate")]
    report = run(FakeAnswerer(script), gold)
    assert report.accuracy == pytest.approx(2 / 3)
    assert {k: (s.items, s.correct) for k, s in report.by_kind.items()} == {"aggregate": (1, 1), "lookup": (2, 1)}
    assert report.metrics()["accuracy.lookup"] == 0.5


def test_refusal_precision_and_recall() -> None:
    script = {"refuse": fixed("没有", answerable=False), "answer": fixed("174件"), "boom": _raise}
    unanswerable = {"kind": "unanswerable", "answerable": False}
    gold = [
        {**item("tp", "refuse", []), **unanswerable},
        {**item("fn", "answer", []), **unanswerable},
        {**item("fn-error", "boom", []), **unanswerable},  # no response is not a refusal
        item("fp", "refuse", ["174"]),
        item("tn", "answer", ["174"]),
    ]
    report = run(FakeAnswerer(script), gold)
    assert report.refusal_counts == {"true_positive": 1, "false_positive": 1, "false_negative": 2}
    assert report.refusal_precision == 0.5
    assert report.refusal_recall == pytest.approx(1 / 3)


def test_refusal_metrics_are_none_when_undefined() -> None:
    report = run(FakeAnswerer({"answer": fixed("174件")}), [item("a", "answer", ["174"])])
    assert report.refusal_precision is None
    assert report.refusal_recall is None


def _raise(_req: AskRequest, _earlier: list[str]) -> tuple[AskResponse, list[str]]:
    raise ValueError("boom")


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([], 50, None), ([7.0], 95, 7.0), ([1.0, 2.0, 3.0, 4.0], 50, 2.5), ([3.0, 1.0, 2.0], 50, 2.0),
     (list(map(float, range(1, 21))), 95, 19.05)],
)
def test_percentile(values: list[float], q: float, expected: float | None) -> None:
    assert percentile(values, q) == (pytest.approx(expected) if expected is not None else None)


def test_latency_is_measured_per_ask() -> None:
    report = run(FakeAnswerer({"q": fixed("x")}), [item("a", "q", [], history=["q"]), item("b", "q", [])])
    assert report.asks == 3
    assert report.latency_p50_ms is not None and report.latency_p50_ms >= 0
    assert report.latency_p95_ms is not None and report.latency_p95_ms >= report.latency_p50_ms
    assert all(r.latency_ms is not None for r in report.results)


# --- thresholds ---------------------------------------------------------------------------------


def _report() -> EvalReport:
    script = {"right": fixed("174件", ranked=[QUOTE]), "wrong": fixed("17件", ranked=["无关"])}
    gold = [item("1", "right", ["174"], evidence=[{"doc": "d", "quote": QUOTE}]),
            item("2", "wrong", ["174"], evidence=[{"doc": "d", "quote": QUOTE}])]
    return run(FakeAnswerer(script), gold)  # accuracy 0.5, hit@1 0.5, no refusals at all


@pytest.mark.parametrize(
    ("thresholds", "failing"),
    [
        ({"accuracy": {"overall": 0.5, "lookup": 0.5}, "evidence_hit_at_5": 0.5}, []),
        ({"accuracy": {"overall": 0.51}}, ["accuracy.overall"]),
        ({"accuracy": 0.6}, ["accuracy"]),
        ({"accuracy": {"lookup": 0.9}, "evidence_hit_at_1": 0.8}, ["accuracy.lookup", "evidence_hit_at_1"]),
        ({"accuracy": {"aggregate": 0.0}}, []),  # kind absent from gold, placeholder
        ({"accuracy": {"aggregate": 0.5}}, ["accuracy.aggregate"]),
        ({"refusal_recall": 0.0, "refusal_precision": 0.0}, []),  # unmeasurable, placeholder
        ({"refusal_recall": 0.5}, ["refusal_recall"]),
        ({"evidence_hit_at_50": 0.0}, ["evidence_hit_at_50"]),  # a typo must not pass silently
        ({"max": {"latency_p95_ms": 60_000.0}}, []),
        ({"max": {"latency_p95_ms": -1.0}}, ["max.latency_p95_ms"]),
        ({"evidence_mrr": "high"}, ["evidence_mrr"]),
    ],
)
def test_check_thresholds(thresholds: dict[str, Any], failing: list[str]) -> None:
    messages = check_thresholds(_report(), thresholds)
    assert [m.split(":")[0] for m in messages] == failing


def test_shipped_thresholds_name_known_metrics_and_gate_a_poor_run() -> None:
    report = _report()
    # every kind of the dev set present, so no accuracy key is skipped as absent
    for kind in {g["kind"] for g in load_gold(GOLD)}:
        report.by_kind.setdefault(kind, KindStats(items=1))
    failures = check_thresholds(report, load_thresholds(THRESHOLDS))
    assert failures, "an empty run must not pass the shipped gates"
    assert not [f for f in failures if "unknown metric" in f]


# --- gold file ----------------------------------------------------------------------------------


def test_dev_gold_loads_and_its_evidence_is_in_the_corpus() -> None:
    items = load_gold(GOLD)
    assert items and len({i["id"] for i in items}) == len(items)
    for gold_item in items:
        for evidence in gold_item.get("evidence") or []:
            text = normalize((CORPUS / f"{evidence['doc']}.txt").read_text(encoding="utf-8"))
            assert normalize(evidence["quote"]) in text, (gold_item["id"], evidence["quote"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"id": "a", "question": "q", "answerable": true}\n{not json\n', "line 2: not JSON"),
        ('{"id": "a", "question": "q"}\n', "line 1: `answerable`"),
        ('["a"]\n', "line 1: not a JSON object"),
        ('{"id": "a", "question": "q", "answerable": true}\n\n{"id": "a", "question": "r", "answerable": false}\n',
         "line 3: duplicate id a"),
    ],
)
def test_load_gold_rejects_malformed_files(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError, match=reason):
        load_gold(path)


# --- reports and the CLI entry ------------------------------------------------------------------


def _gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    rows = [item("g1", "right", ["174"], evidence=[{"doc": "d", "quote": QUOTE}]),
            item("g2", "wrong", ["174"], evidence=[{"doc": "d", "quote": QUOTE}])]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _cli_answerer() -> FakeAnswerer:
    return FakeAnswerer({"right": fixed("174件", ranked=[QUOTE]), "wrong": fixed("17件\n第二行", ranked=["无关"])})


def test_write_reports(tmp_path: Path) -> None:
    json_path, md_path = write_reports(_report(), tmp_path / "new" / "dir")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["accuracy"] == 0.5
    assert data["metrics"]["evidence_hit_at_1"] == 0.5
    assert [f["id"] for f in data["failures"]] == ["2"]
    assert data["failures"][0]["missing"] == ["174"]
    md = md_path.read_text(encoding="utf-8")
    assert "| lookup | 2 | 1 | 0.500 |" in md
    assert "| all | 2 | 1 | 0.500 |" in md
    assert "evidence hit@1/@3/@5: 0.500 / 0.500 / 0.500" in md
    assert "**2** (lookup) wrong" in md
    assert 'missing: ["174"]' in md


def test_run_cli_passes_with_met_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    limits = tmp_path / "t.toml"
    limits.write_text("evidence_hit_at_1 = 0.5\n[accuracy]\noverall = 0.5\n", encoding="utf-8")
    code = run_cli(_cli_answerer(), _gold_file(tmp_path), tmp_path / "out", False, thresholds=limits)
    out = capsys.readouterr().out
    assert code == 0
    assert "lookup" in out and "0.500" in out and "THRESHOLD FAILED" not in out
    assert (tmp_path / "out" / "latest.json").exists() and (tmp_path / "out" / "latest.md").exists()


def test_run_cli_fails_when_a_threshold_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    limits = tmp_path / "t.toml"
    limits.write_text("[accuracy]\nlookup = 0.8\n", encoding="utf-8")
    code = run_cli(_cli_answerer(), _gold_file(tmp_path), tmp_path / "out", False, thresholds=limits)
    assert code == 1
    assert "THRESHOLD FAILED accuracy.lookup: 0.500 < 0.8" in capsys.readouterr().out
    saved = json.loads((tmp_path / "out" / "latest.json").read_text(encoding="utf-8"))
    assert saved["threshold_failures"] == ["accuracy.lookup: 0.500 < 0.8"]


def test_run_cli_json_prints_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    limits = tmp_path / "t.toml"
    limits.write_text("[accuracy]\noverall = 0.9\n", encoding="utf-8")
    code = run_cli(_cli_answerer(), _gold_file(tmp_path), tmp_path / "out", True, thresholds=limits)
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == 1
    assert data["items"] == 2 and data["correct"] == 1
    assert data["threshold_failures"] == ["accuracy.overall: 0.500 < 0.9"]
    assert "threshold failed" in captured.err


def test_run_cli_unreadable_gold_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(_cli_answerer(), tmp_path / "missing.jsonl", tmp_path / "out", False)
    assert code == 2
    assert "missing.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_gold_folder_loads_every_file_and_rejects_ids_used_twice(tmp_path) -> None:
    from evals.harness import GoldError, load_gold_set

    line = '{{"id": "{}", "question": "q", "answerable": true}}\n'
    (tmp_path / "a.jsonl").write_text(line.format("x-1") + line.format("x-2"), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(line.format("y-1"), encoding="utf-8")
    assert [i["id"] for i in load_gold_set(tmp_path)] == ["x-1", "x-2", "y-1"]
    (tmp_path / "c.jsonl").write_text(line.format("x-2"), encoding="utf-8")
    with pytest.raises(GoldError, match="already used"):
        load_gold_set(tmp_path)


@pytest.mark.parametrize(("answer", "leak"), [
    ("报告未披露该项数据（行政复议 案件 县 公职 政务）", "行政复议 案件 县 公职 政务"),
    ("the measure is reconsideration_closed", "reconsideration_closed"),
    ("泗阳县2023年：全县办结复议案件174件[1]。", None),
    ("Siyang County (泗阳县), 2023 report: 174 cases[1] (the report: “办结 复议 案件”)", None),
    ("石景山区2023年报告“一、主要举措 > (六)化解”部分", None),
])
def test_an_answer_showing_internal_tokens_is_caught(answer: str, leak: str | None) -> None:
    assert internal_tokens(answer) == leak


def test_a_run_whose_answers_show_internal_tokens_fails_its_gate() -> None:
    leaky = FakeAnswerer({"q": fixed("报告未披露该项数据（行政复议 案件 县 公职 政务）", answerable=False)})
    report = run(leaky, [{"id": "x", "question": "q", "kind": "lookup", "answerable": False}])
    assert report.leaks == {"x": "行政复议 案件 县 公职 政务"}
    assert check_thresholds(report, {"max": {"internal_token_answers": 0}})
