import pytest

from rag.question.understanding import Context, RegionMatcher, normalise, translate_english, understand
from rag.schema import Document

DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("邓州市", 2022), ("黟县", 2022), ("铁东区", 2023)])]


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("邓州市办结了多少件行政复议案件？", "lookup"),
        ("哪个地区的纠错率最高？", "aggregate"),
        ("邓州市和黟县相比，哪个调解成功率更高？", "aggregate"),
        ("黟县报告的落款日期是哪天？", "metadata"),
        ("目前收录了哪些地区的报告？", "metadata"),
        ("黟县报告中列出了哪些存在的问题？", "summary"),
    ],
)
def test_routes(question: str, route: str) -> None:
    assert understand(question, DOCS).route == route


# Words of the reports' vocabulary the dictionary offers for "issue", "print", "provided": 出具 and 发文 are
# also field words of a question about the report's issuer.
_VOCABULARY = {"出具", "发文", "签发", "发布", "印发", "编印", "印刷", "提供", "作出", "监督", "意见书", "报告"}


@pytest.mark.parametrize(
    ("question", "route"),
    [
        ("How many supervision notices did the Dengzhou justice bureau issue in 2022?", "lookup"),
        ("How many review opinions did Yi County issue?", "lookup"),
        ("And how many copies of the handbook did it print?", "lookup"),
        ("How many requests could not be provided by Yi County?", "lookup"),
        ("Who issued the Yi County report?", "metadata"),
        ("Which body published the Dengzhou report?", "metadata"),
        ("Who compiled the report of Yi County?", "metadata"),
        ("Which authority put out the Dengzhou report?", "metadata"),
        ("Which department drafted the Yi County report?", "metadata"),
        ("To whom was the Dengzhou report submitted?", "metadata"),
        ("Which department issued the most penalty decisions in Dengzhou?", "lookup"),
    ],
)
def test_english_how_many_issued_is_a_lookup_who_issued_is_metadata(question: str, route: str) -> None:
    assert understand(question, DOCS, vocabulary=_VOCABULARY.__contains__).route == route


def test_regions_by_full_short_and_pinyin_names() -> None:
    assert understand("邓州办结了多少件", DOCS).regions == ["邓州市"]
    assert understand("How many cases did Dengzhou close?", DOCS).regions == ["邓州市"]
    assert understand("邓州市和黟县相比", DOCS).regions == ["邓州市", "黟县"]


def test_unknown_real_division_is_reported_not_guessed() -> None:
    q = understand("海淀区2023年法治政府建设情况如何？", DOCS)
    assert q.regions == [] and q.unknown_regions == ["海淀区"] and q.years == [2023]


def test_traditional_fullwidth_and_colloquial_are_normalised() -> None:
    assert normalise("鄧州市２０２２年打官司輸了的比例") == "邓州市2022年败诉率"
    assert "行政复议" in translate_english("administrative reconsideration cases")


@pytest.mark.parametrize("hidden", ["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"])
def test_zero_width_characters_inside_a_region_name_do_not_make_it_another_regions_answer(hidden: str) -> None:
    # Invisible format characters (Unicode Cf) must not hide the region, nor let the conversation's
    # previous region answer in its place.
    ctx = Context(question="黟县2022年办结了多少件行政复议案件？", regions=["黟县"], years=[2022])
    q = understand(f"邓{hidden}州市2022年办结了多少件行政复议案件？", DOCS, ctx)
    assert q.regions == ["邓州市"] and "region" not in q.carried
    assert normalise(f"{hidden}邓州{hidden}市") == "邓州市"


def test_units_and_metric_found() -> None:
    q = understand("邓州市接待法律咨询多少人次？", DOCS)
    assert q.units == ["人次"] and q.wants_number
    assert understand("哪个地区被纠错的比例最高？", DOCS).metrics[0].endswith("correction_rate")


def test_elliptical_follow_up_reasks_previous_question_for_new_region() -> None:
    ctx = Context(question="邓州市2022年办结了多少件行政复议案件？", regions=["邓州市"], years=[2022])
    q = understand("那黟县呢？", DOCS, ctx)
    assert q.regions == ["黟县"] and "办结" in q.text and q.carried == ["question"]


def test_follow_up_carries_region_and_year() -> None:
    ctx = Context(question="邓州市2022年办结了多少件行政复议案件？", regions=["邓州市"], years=[2022])
    q = understand("其中直接纠错了几件？", DOCS, ctx)
    assert q.regions == ["邓州市"] and q.years == [2022] and "region" in q.carried


@pytest.mark.parametrize(
    ("question", "regions"),
    [
        ("新华乡那份2022年的报告啥时候发的", []),
        ("新华镇人民政府2022年报告的文号是什么", []),
        ("新华街道办事处是哪个区的", []),
        ("新华区2022年的报告啥时候发的", ["新华区"]),
        ("新华2022年行政复议多少件", ["新华区"]),
    ],
)
def test_a_town_named_like_a_district_is_not_that_district(question: str, regions: list[str]) -> None:
    assert RegionMatcher(("新华区", "临泽县")).find(question) == regions
