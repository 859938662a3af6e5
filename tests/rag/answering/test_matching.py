"""Hard rules of the facts matcher, on rows as ingest writes them (a change carries kind="change")."""

import pytest

from rag.answering.matching import make_fact, reject_reason
from rag.question.quantities import Asked
from rag.retrieval.tokenizer import default_tokenizer
from rag.schema import MetricRow


def _row(sentence: str, written: str, unit: str, value: float, **kw) -> MetricRow:
    return MetricRow(metric="other", label=sentence[:10], value=value, unit=unit, written=written,
                     doc_id="d", sentence=sentence, **kw)


def _fact(row: MetricRow, level: str | None = "县"):
    return make_fact(row, default_tokenizer(), level)


@pytest.mark.parametrize(("asked", "row", "reason"), [
    (Asked("多少人", "法律援助", units=["人"]), _row("办理法律援助案件520件。", "520件", "件", 520), "unit"),
    (Asked("纠错率", "纠错率", wants_rate=True), _row("直接纠错2件。", "2件", "件", 2), "not a rate"),
    (Asked("出庭应诉率", "出庭应诉率", wants_rate=True),
     _row("出庭应诉率同比提高5个百分点。", "5个百分点", "个百分点", 5, kind="change"), "change for a level"),
    (Asked("增长率", "增长", wants_rate=True),
     _row("案件同比增长12.6%。", "12.6%", "%", 12.6, kind="change"), "change for a level"),
    (Asked("出庭率", "出庭应诉率", wants_rate=True),
     _row("所有区县的出庭应诉率都是99%。", "99%", "%", 99), "wider area"),
    (Asked("调解", "调解纠纷", units=["件"], subunit="武康街道"),
     _row("全县调解纠纷300件。", "300件", "件", 300), "other scope"),
])
def test_reject_reasons(asked: Asked, row: MetricRow, reason: str) -> None:
    assert reject_reason(asked, _fact(row), 2023) == reason


def test_a_change_answers_a_change_question() -> None:
    fact = _fact(_row("案件同比增长12.6%。", "12.6%", "%", 12.6, kind="change"))
    assert fact.kind == "change"
    assert reject_reason(Asked("增长了多少", "案件", operation="change"), fact, 2023) is None


def test_a_level_answers_a_level_question_of_the_same_unit_family() -> None:
    fact = _fact(_row("接待来访群众640人次。", "640人次", "人次", 640))
    assert reject_reason(Asked("多少人", "接待来访群众", units=["人"]), fact, 2023) is None


class _FactRow(MetricRow):
    """A row with the fields the facts issue adds (fact_year, kind), as the matcher reads them."""

    fact_year: int | None = None
    kind: str | None = None


def test_a_figure_of_another_years_column_is_refused() -> None:
    row = _FactRow(metric="other", label="新收行政复议案件", value=236, unit="件", written="236件", doc_id="d",
                   sentence="2022年 新收行政复议案件 236件", fact_year=2022)
    asked = Asked("新收多少件", "新收行政复议案件", units=["件"])
    assert reject_reason(asked, _fact(row), 2023) == "other year"
    this_year = row.model_copy(update={"fact_year": 2023, "value": 281, "written": "281件"})
    assert reject_reason(asked, _fact(this_year), 2023) is None


def test_the_facts_kind_field_wins_over_the_words_around_the_figure() -> None:
    row = _FactRow(metric="other", label="案件", value=5, unit="件", written="5件", doc_id="d",
                   sentence="案件增加5件", kind="level")
    assert _fact(row).kind == "level"


def test_without_a_column_year_the_reports_year_must_be_the_one_asked() -> None:
    row = _row("新收行政复议案件281件。", "281件", "件", 281)
    asked = Asked("2022年新收多少件", "新收行政复议案件", years=[2022], units=["件"])
    assert reject_reason(asked, _fact(row), 2023) == "other year"
    assert reject_reason(asked, _fact(row), 2022) is None


# Kinds of case never each other's figure; the same kind, or a figure naming both, may answer.
@pytest.mark.parametrize(("asked", "sentence", "written", "reason"), [
    (Asked("被起诉了几次", "被起诉", units=["次"]), "因政府信息公开被申请行政复议4件。", "4件", "other kind"),
    (Asked("复议多少件", "行政复议", units=["件"]), "全年发生行政诉讼案件17件。", "17件", "other kind"),
    (Asked("被起诉了几次", "被起诉", units=["次"]), "因政府信息公开被提起行政诉讼2件。", "2件", None),
    (Asked("lawsuits", "诉讼", said="lawsuits", terms=("诉讼",), units=["件"]),
     "因政府信息公开被申请行政复议4件。", "4件", "other kind"),
    (Asked("复议后起诉多少件", "复议后起诉", units=["件"]), "经复议后提起行政诉讼3件。", "3件", None),
])
def test_a_figure_of_another_kind_of_case_is_refused(asked: Asked, sentence: str, written: str,
                                                     reason: str | None) -> None:
    value = float(written[:-1])
    assert reject_reason(asked, _fact(_row(sentence, written, "件", value)), 2023) == reason


# A bare noun ("学员") is read with the clause before it: the class it belongs to tells two such figures apart.
def test_a_bare_measure_reads_the_clause_before_it() -> None:
    sentence = "区委党校举办青年干部培训班2期，学员83人；举办妇女干部培训班1期，学员41人。"
    young = _fact(MetricRow(metric="other", label="学员", measure="学员", value=83, unit="人", written="83人",
                            doc_id="d", sentence=sentence))
    women = _fact(MetricRow(metric="other", label="学员", measure="学员", value=41, unit="人", written="41人",
                            doc_id="d", sentence=sentence))
    assert "青年干部培训班" in young.lead and "妇女" not in young.lead
    assert "妇女干部培训班" in women.lead and "青年" not in women.lead


# Plain speech cuts the report's words short: the characters of a word found together in the figure's words.
# Words alone then clear the facts threshold.
@pytest.mark.parametrize(("measure", "sentence", "written"), [
    ("微信发 信息", "政务微信发布信息3301条。", "3301条"),
    ("网站发 信息", "门户网站发布政务信息5120条。", "5120条"),
])
def test_plain_speech_words_are_found_inside_the_reports_words(measure: str, sentence: str, written: str) -> None:
    from rag.answering.facts import THRESHOLD
    from rag.answering.matching import lexical_score

    fact = _fact(_row(sentence, written, "条", float(written[:-1])))
    assert lexical_score(Asked(measure, measure, units=["条"]), fact, default_tokenizer(), {}) >= THRESHOLD


# --- English asks: the lead rule's evidence (rag/answering/matching.py, English parts) ---------------------

def test_a_requests_count_in_例_is_a_count_of_cases() -> None:
    fact = _fact(_row("全年收到政府信息公开申请31例。", "31例", "例", 31))
    assert reject_reason(Asked("多少 申请", "申请", units=["件"]), fact, 2023) is None


@pytest.mark.parametrize(("terms", "row", "said"), [
    (("败诉",), _row("新收一审行政诉讼案件41件。", "41件", "件", 41), False),  # the report gives only those filed
    (("处罚案件",), _row("镇综合行政执法队办理案件210件。", "210件", "件", 210), True),  # said by its parts
    (("司法建议",), _row("收到政府信息公开申请31例。", "31例", "例", 31), False),
    (("检察建议",), _row("收到检察建议4件，均已整改回复。", "4件", "件", 4), True),
])
def test_a_measure_term_the_report_never_says_is_not_said(terms: tuple[str, ...], row: MetricRow,
                                                          said: bool) -> None:
    from rag.answering.matching import _terms_in_report

    assert _terms_in_report(terms, [_fact(row)]) is said


@pytest.mark.parametrize(("text", "terms", "counted"), [
    ("多少   法律意见  did Qixian's  法律顾问  issue in 2023?", ("法律顾问", "法律意见"), ("法律意见",)),
    ("多少 纠纷 did the  人民调解  resolve successfully?", ("调解成功", "人民调解", "纠纷"), ("纠纷",)),
    ("多少  法律顾问  does Qixian retain?", ("法律顾问",), ("法律顾问",)),
    ("What was the total?", ("法律顾问",), ()),
])
def test_the_counted_nouns_terms(text: str, terms: tuple[str, ...], counted: tuple[str, ...]) -> None:
    from rag.answering.matching import _counted_terms

    assert _counted_terms(Asked(text, "", terms=terms)) == counted


def test_a_word_most_of_the_reports_sentences_say_weighs_little() -> None:
    from rag.answering.matching import EMPTY_SLOT, _specificity

    sentences = [f"民警开展第{i}项工作{i}次。" for i in range(9)] + ["办理刑事案件418起。"]
    assert _specificity((("刑事",),), sentences) == 1.0
    assert _specificity((("民警",),), sentences) == EMPTY_SLOT


# --- English asks: requests in the report's own unit, channels apart (session 10) ---------------------------

_REQUESTS = "依申请公开 信息公开申请 政府信息申请"


@pytest.mark.parametrize(("text", "terms", "row", "names"), [
    # the noun counted is the glossary's term, and the figure's own words say it: 条 counts requests here
    (f"多少   {_REQUESTS}  did Pingli receive?", (_REQUESTS,),
     _row("全年共收到依申请公开23条。", "23条", "条", 23), True),
    # an English noun whose phrase goes on to terms: the items published are no requests
    ("多少 requests to  公开   政府信息  on application did Pingli take in?", ("公开", "政府信息"),
     _row("区政府网站主动公开政府信息6422条。", "6422条", "条", 6422), False),
    # a figure that does not name the requests
    (f"多少   {_REQUESTS}  did Pingli receive?", (_REQUESTS,),
     _row("召开新闻发布会4场。", "4场", "场", 4), False),
])
def test_requests_counted_in_the_reports_own_unit(text: str, terms: tuple[str, ...], row: MetricRow,
                                                 names: bool) -> None:
    from rag.answering.matching import _names_counted

    asked = Asked(text, " ".join(terms), units=["件"], said="requests", terms=terms)
    assert _names_counted(asked, _fact(row)) is names


@pytest.mark.parametrize(("terms", "sentence", "fit"), [
    (("微博",), "开设政务微博1个，发布信息215条。", True),
    (("抖音",), "通过区政府网站街道专栏公开信息408条。", False),
    (("发布 公开",), "开通微信公众号1个，全年推送信息133条。", None),  # a part: the ask names no channel
    (("发布 公开",), "通过区政府网站街道专栏公开信息408条。", True),
])
def test_a_channel_asked_or_not(terms: tuple[str, ...], sentence: str, fit: bool | None) -> None:
    from rag.answering.matching import _channel_fit

    written = sentence.rstrip("。").split("，")[-1][-4:]
    written = written[next(i for i, c in enumerate(written) if c.isdigit()):]
    row = _row(sentence, written, written[-1], float(written[:-1]))
    assert _channel_fit(Asked("q", "m", said="q", terms=terms), _fact(row)) is fit
