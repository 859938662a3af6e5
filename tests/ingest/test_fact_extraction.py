"""Numeric fact extraction, measured against facts checked by hand in the five corpus reports.

How the figures are computed (printed by `test_corpus_precision_and_recall`, run with -s to see them):

* A fixture fact and an extracted fact are the *same mention* when they are in the same report, have
  the same value and unit, and the fixture's quote lies inside the extracted fact's sentence. The quote
  tells apart two mentions with the same value (the five "100%" of one report).
* Recall: share of fixture facts that have a same-mention extracted fact with the same metric.
* Precision: among extracted facts that are a same mention of some fixture fact (that is, figures a
  person has labelled), the share whose metric is the labelled one. This measures wrong labels; a
  figure the fixture does not list is counted separately as an "extra" and printed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

from ingest.facts import MetricFact, derive_metrics, extract_metrics
from ingest.loaders import load
from rag.domain.catalogue import load_catalogue
from tests.corpus import REPORTS, report_text

FIXTURE = Path(__file__).with_name("metric_facts.yaml")
MIN_PRECISION = 0.95
MIN_RECALL = 0.90
MAX_EXTRA_SHARE = 0.05


@dataclass(frozen=True)
class Expected:
    doc: str
    metric: str
    value: float
    unit: str | None
    quote: str
    period: str | None = None
    scope: str | None = None
    approx: str | None = None


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def expected_facts() -> tuple[Expected, ...]:
    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return tuple(
        Expected(doc, e["metric"], float(e["value"]), e.get("unit"), str(e["quote"]), e.get("period"),
                 e.get("scope"), e.get("approx"))
        for doc, entries in data.items()
        for e in entries
    )


@cache
def corpus_texts() -> dict[str, str]:
    """Each report as the pipeline sees it (loaded and cleaned)."""
    return {p.stem: load(p).text for p in REPORTS}


@cache
def corpus_facts() -> dict[str, list[MetricFact]]:
    return {stem: extract_metrics(text) for stem, text in corpus_texts().items()}


def _same_mention(e: Expected, f: MetricFact) -> bool:
    return f.value == pytest.approx(e.value) and f.unit == e.unit and _norm(e.quote) in _norm(f.sentence)


# --- the fixture itself ------------------------------------------------------------------------


def test_fixture_is_large_and_quotes_come_from_the_reports() -> None:
    facts = expected_facts()
    assert len(facts) >= 70
    catalogue = load_catalogue()
    texts = {stem: _norm(text) for stem, text in corpus_texts().items()}
    for e in facts:
        assert e.doc in texts, e
        assert _norm(e.quote) in texts[e.doc], f"quote not in {e.doc}: {e.quote}"
        assert e.metric == "other" or e.metric in catalogue.metrics, e.metric


# --- the corpus --------------------------------------------------------------------------------


def test_corpus_precision_and_recall() -> None:
    facts = corpus_facts()
    expected = expected_facts()
    found = 0
    misses: list[str] = []
    for e in expected:
        if any(_same_mention(e, f) and f.metric == e.metric for f in facts[e.doc]):
            found += 1
        else:
            got = [f.metric for f in facts[e.doc] if _same_mention(e, f)]
            misses.append(f"{e.doc}: {e.quote} → expected {e.metric}, got {got or 'nothing'}")
    judged = correct = 0
    extras: list[str] = []
    wrong: list[str] = []
    total = 0
    for doc, doc_facts in facts.items():
        for f in doc_facts:
            total += 1
            mentions = [e for e in expected if e.doc == doc and _same_mention(e, f)]
            if not mentions:
                extras.append(f"{doc}: {f.written} {f.metric} «{f.sentence[:40]}»")
                continue
            judged += 1
            if any(e.metric == f.metric for e in mentions):
                correct += 1
            else:
                wrong.append(f"{doc}: {f.written} labelled {f.metric}, expected {[e.metric for e in mentions]}")
    precision = correct / judged
    recall = found / len(expected)
    print(f"\nmetric facts: {len(expected)} expected, {total} extracted, {judged} judged")
    print(f"precision {precision:.1%} ({correct}/{judged}), recall {recall:.1%} ({found}/{len(expected)}), "
          f"extras {len(extras)}")
    for line in misses + wrong + extras:
        print("  " + line)
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
    assert len(extras) <= MAX_EXTRA_SHARE * total


def test_corpus_period_scope_and_approx_where_the_fixture_states_them() -> None:
    facts = corpus_facts()
    problems = []
    for e in expected_facts():
        match = next((f for f in facts[e.doc] if _same_mention(e, f) and f.metric == e.metric), None)
        if match is None:
            continue
        for field in ("period", "scope", "approx"):
            want = getattr(e, field)
            if want is not None and getattr(match, field) != want:
                problems.append(f"{e.doc} {e.quote}: {field} {getattr(match, field)!r} != {want!r}")
        if e.approx is None and match.approx is not None:
            problems.append(f"{e.doc} {e.quote}: approx {match.approx!r} where the text is exact")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("source", ["loaded", "raw"])
def test_span_invariants_hold_for_every_fact(source: str) -> None:
    for path in REPORTS:
        text = corpus_texts()[path.stem] if source == "loaded" else report_text(path.stem)
        facts = extract_metrics(text)
        assert facts, path.stem
        for f in facts + derive_metrics(facts):
            s, e = f.span
            assert 0 <= s < e <= len(text)
            ss, se = f.sentence_span
            assert (ss <= s and e <= se and f.sentence == text[ss:se]) or f.derived, f
            if f.derived:
                assert f.formula is not None
                for number in re.findall(r"\d+(?:\.\d+)?", f.formula):
                    assert number in _norm(text[s:e]), (f.formula, text[s:e])
                continue
            assert text[s:e] == f.written
            digits = re.findall(r"\d+(?:\.\d+)?", _norm(f.written).replace(",", ""))
            assert digits or f.written in "无零" or re.search(r"[二两三四五六七八九十]", f.written), f


def test_years_dates_and_codes_are_not_facts_in_the_corpus() -> None:
    for doc, facts in corpus_facts().items():
        for f in facts:
            assert f.unit not in {"年", "月", "日", None}, (doc, f)
            assert not re.fullmatch(r"(?:19|20)\d{2}", f"{f.value:g}") or f.unit, (doc, f)


# --- real and made-up sentences, table-driven --------------------------------------------------

CASES = [
    # (text, [(metric, value, unit, approx)])
    ("1-11月,全县办结复议案件174件,直接纠错4件,纠错率2.3%。",
     [("reconsideration_closed", 174, "件", None), ("reconsideration_corrected", 4, "件", None),
      ("reconsideration_correction_rate", 2.3, "%", None)]),
    ("全县发生一审行政诉讼案件114件,审结案件65件,败诉3件,败诉率4.62%。",
     [("litigation_cases", 114, "件", None), ("litigation_closed", 65, "件", None),
      ("litigation_lost", 3, "件", None), ("litigation_loss_rate", 4.62, "%", None)]),
    ("共办理行政复议、应诉案件530件,在市政府行政复议案件中无纠错案件。",
     [("reconsideration_litigation_total", 530, "件", None), ("reconsideration_corrected", 0, "件", None)]),
    ("目前我区已成立20支(612人)的县乡两级应急救援队伍。",
     [("emergency_teams", 20, "支", None), ("emergency_team_members", 612, "人", None)]),
    ("办理市、区人大代表建议120件和政协委员提案225件。",
     [("npc_suggestions", 120, "件", None), ("cppcc_proposals", 225, "件", None)]),
    ("发放宣传材料7800余份,点击阅读超170万次。",
     [("publicity_materials", 7800, "份", "余"), ("other", 1_700_000, "次", "超")]),
    ("全年共受理审批服务事项30,328件,办结30,316件,办结率99.9%。",
     [("approvals_received", 30328, "件", None), ("approvals_closed", 30316, "件", None),
      ("approvals_closing_rate", 99.9, "%", None)]),
    ("受理行政复议案件１２３件，办结率为９８．５％。",  # full-width digits: parsed, spans stay in the original
     [("reconsideration_received", 123, "件", None), ("other", 98.5, "%", None)]),
    ("召开专题会议三次,开展督查两次,实行“一次性告知”。", [("other", 3, "次", None), ("other", 2, "次", None)]),
    ("累计签章7.99万次,审减金额1628万元。",
     [("e_signatures", 79900, "次", None), ("audit_savings", 1628, "万元", None)]),
    ("审批时限压缩至3-5个工作日。", [("other", 3, "个工作日", None)]),  # a range: lower bound, value_max 5
    ("全年共收到行政复议申请156件，受理142件，审结138件，其中撤销12件，综合纠错率16.7%。",
     [("reconsideration_applications", 156, "件", None), ("reconsideration_received", 142, "件", None),
      ("reconsideration_closed", 138, "件", None), ("other", 12, "件", None),
      ("reconsideration_overall_correction_rate", 16.7, "%", None)]),  # another definition: its own metric
    ("全县行政诉讼案件败诉8件，败诉率同比下降3.2个百分点。",
     [("litigation_lost", 8, "件", None), ("other", 3.2, "个百分点", None)]),
    ("全年新增市场主体7611户,好评率99%以上。",
     [("market_entities_new", 7611, "户", None), ("service_positive_rate", 99, "%", "以上")]),
    # The report's outline counts its own parts: no fact; a figure beside it still is.
    ("年报由总体情况、主动公开情况、其他需要报告的事项等6部分构成。全年主动公开信息6条。",
     [("info_disclosed", 6, "条", None)]),
    ("本报告共分为六个部分。全年开展培训3期，分为2个部分进行。",
     [("other", 3, "期", None), ("other", 2, "个", None)]),
]


@pytest.mark.parametrize(("text", "want"), CASES, ids=[c[0][:12] for c in CASES])
def test_sentences(text: str, want: list[tuple[str, float, str, str | None]]) -> None:
    facts = extract_metrics(text)
    got = [(f.metric, f.value, f.unit, f.approx) for f in facts]
    assert got == [(m, pytest.approx(v), u, a) for m, v, u, a in want]
    for f in facts:
        assert text[f.span[0]:f.span[1]] == f.written


def test_no_facts_in_years_dates_ordinals_slogans_and_codes() -> None:
    text = ("根据《法治政府建设实施纲要(2021-2025年)》，截止2023年4月24日，印发第3批指导案例，学习党的二十大精神，"
            "深入推进“八五”普法，实行窗口服务“5S”管理和5S管理，公布举报电话0412-2222222和“12345”热线，"
            "备案号鄂ICP备17000626号，发布日期2024-02-08。\n1.法治建设主体责任落实到位。\n一是深入学习。")
    assert extract_metrics(text) == []


def test_period_carries_over_semicolons_but_not_full_stops() -> None:
    text = "1-11月,全县办结复议案件174件;全县发生一审行政诉讼案件114件。新成立企业调解组织7个。"
    periods = {f.value: f.period for f in extract_metrics(text)}
    assert periods == {174: "1-11月", 114: "1-11月", 7: None}


def test_scope_and_sentence() -> None:
    text = ("(六)社会矛盾纠纷有效化解。1-11月,全县办结复议案件174件,直接纠错4件,纠错率2.3%;"
            "全县发生一审行政诉讼案件114件。")
    fact = extract_metrics(text)[0]
    assert (fact.metric, fact.scope, fact.period) == ("reconsideration_closed", "全县", "1-11月")
    assert fact.label == "办结行政复议案件"
    assert fact.sentence == "1-11月,全县办结复议案件174件,直接纠错4件,纠错率2.3%"
    assert text[fact.sentence_span[0]:fact.sentence_span[1]] == fact.sentence


def test_a_metric_the_catalogue_does_not_know_is_kept_as_other() -> None:
    text = "2025年工作报告\n全年办理公证事项1234件,受理仲裁案件56件,审批材料精简80%以上。"
    facts = extract_metrics(text)
    assert [(f.metric, f.value, f.unit, f.label) for f in facts] == [
        ("other", 1234, "件", "办理公证事项"),
        ("other", 56, "件", "受理仲裁案件"),
        ("other", 80, "%", "审批材料精简"),
    ]
    assert facts[0].period == "全年"
    assert facts[2].approx == "以上"


# --- derivation --------------------------------------------------------------------------------


def test_mediation_success_rate_is_derived_from_the_two_counts() -> None:
    text = "全区共接到调解案件3471件,成功调解3383件,有效防止了简单纠纷向疑难复杂转化。"
    derived = derive_metrics(extract_metrics(text))
    assert len(derived) == 1
    rate = derived[0]
    assert (rate.metric, rate.value, rate.unit, rate.derived, rate.formula) == (
        "mediation_success_rate", 97.46, "%", True, "3383/3471")
    assert text[rate.span[0]:rate.span[1]].startswith("3471件")


def test_a_stated_rate_is_never_derived() -> None:
    text = "全年共排查矛盾纠纷2411次,调解矛盾纠纷2052件,成功调解2000件,调成率100%。"
    assert [f.metric for f in derive_metrics(extract_metrics(text))] == []


def test_corpus_derivations() -> None:
    derived = {doc: derive_metrics(facts) for doc, facts in corpus_facts().items()}
    rows = {(doc, f.metric, f.value, f.formula) for doc, fs in derived.items() for f in fs}
    assert ("zhangwan-2019", "mediation_success_rate", 97.46, "3383/3471") in rows
    assert ("zhangwan-2019", "npc_cppcc_total", 345, "120+225") in rows
    stated = {(doc, f.metric) for doc, fs in corpus_facts().items() for f in fs}
    assert all((doc, metric) not in stated for doc, metric, _, _ in rows)


# --- the catalogue -----------------------------------------------------------------------------


def test_catalogue_is_complete_data() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.metrics) >= 40
    for key, m in catalogue.metrics.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", key)
        assert m.label and m.units and m.synonyms and m.english and m.cues is not None, key
        if m.kind == "rate":
            assert m.units == ("%",), key
    assert "调解成功率" in catalogue.terms()


@pytest.mark.parametrize(("question", "metric"), [
    ("被纠错的比例", "reconsideration_correction_rate"),
    ("correction rate", "reconsideration_correction_rate"),
    ("哪个地区办结的行政复议案件最多？", "reconsideration_closed"),
    ("共办理行政复议、应诉案件多少件？", "reconsideration_litigation_total"),
    ("一审行政诉讼的败诉率是多少？", "litigation_loss_rate"),
    ("办理人大建议和政协提案最多的是哪个地区？", "npc_cppcc_total"),
    ("哪个组建的应急救援队伍人数更多？", "emergency_team_members"),
    ("保留了多少个证明事项？", "certificates_retained"),
    ("other approval rating", "service_positive_rate"),
])
def test_match_phrase(question: str, metric: str) -> None:
    matches = load_catalogue().match_phrase(question)
    assert matches and matches[0][0].key == metric and matches[0][1] >= 0.6, matches[:3]


def test_match_phrase_finds_nothing_in_small_talk() -> None:
    assert load_catalogue().match_phrase("今天天气怎么样") == []
