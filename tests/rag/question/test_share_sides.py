"""The part and the whole a share question names (rag/question/quantities.py `share_sides`, wording in
rag/data/shares.yaml): Chinese and English shapes, a rate named by its word, and questions that name none."""

import pytest

from rag.question.quantities import asked_quantities
from rag.question.understanding import understand
from rag.schema import Document

DOCS = [Document(doc_id=f"d{i}", region=r, year=y, source=f"{i}.txt", sha256="x")
        for i, (r, y) in enumerate([("德清县", 2023), ("兰考县", 2022)])]


def sides(text: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    share = asked_quantities(understand(text, DOCS))[0].share
    if share is None:
        return None
    part = share.part.said or share.part.measure
    whole = None if share.whole is None else share.whole.said or share.whole.measure
    return part, whole, share.part.stems


@pytest.mark.parametrize(("text", "part", "whole"), [
    ("德清县2023年电话申请占申请总数的百分之几", "电话申请", "申请"),
    ("德清县2023年收到的申请里头同意公开的占多少", "同意公开", "收到的申请"),
    ("德清县2023年主动公开的信息中政策解读类占多大比例", "政策解读类", "主动公开"),
    ("德清县2023年微信公众号发布的占多少比例", "微信公众号发布", None),
    ("What share of Deqing's 2023 disclosures were policy briefings?", "policy briefings", "disclosures"),
    ("What proportion of the lawsuits Deqing faced in 2023 ended in a loss?", "ended in a loss", "lawsuits faced"),
    ("How many of Lankao's 2022 mediation cases were settled, in percent?", "settled", "mediation cases"),
    ("Fax applications as a share of all requests in Deqing in 2023?", "fax applications", "requests"),
])
def test_a_share_names_its_part_and_whole(text: str, part: str, whole: str | None) -> None:
    got = sides(text)
    assert got is not None and got[0] == part and got[1] == whole, got


@pytest.mark.parametrize(("text", "stem_word", "whole"), [
    ("德清县2023年行政复议结案率大概多少", "审结", "行政复议"),  # the rate's stem, said in the report's words
    ("兰考县2022年申请的办结率是多少", "办理完成", "申请"),
    ("What share of Deqing's 2023 requests were closed by year end?", "办结", "requests"),
    ("What share of Deqing's 2023 requests were granted?", "予以公开", "requests"),
])
def test_a_part_said_by_a_rate_word_or_a_stage_has_its_report_words(text: str, stem_word: str, whole: str) -> None:
    got = sides(text)
    assert got is not None and stem_word in got[2] and got[1] == whole, got


@pytest.mark.parametrize("text", [
    "德清县2023年受理了多少件行政复议案件",  # a count, not a share
    "德清县2023年调解成功率是多少",  # a rate whose stem the wording does not know: the ask as a whole
    "What was Deqing's correction rate in 2023?",  # a rate named, no part and whole
])
def test_no_sides_where_the_question_names_none(text: str) -> None:
    assert sides(text) is None
