from rag.schema import Citation
from rag.store.feedback import Feedback
from rag.store.feedback_gold import gold_item

CITE = Citation(n=1, doc_id="r-2023", region="某县", year=2023, text="全县办结复议案件31件,纠错率6.5%。",
                quote="全县办结复议案件31件")


def _feedback(**kw: object) -> Feedback:
    base = {"id": 7, "created_at": "2026-01-01T00:00:00+00:00", "session_id": "s", "question": "办结多少件？",
            "answer": "某县2023年：全县办结复议案件31件[1]，纠错率6.5%[1]。", "rating": "up", "route": "lookup",
            "citations": [CITE]}
    return Feedback(**{**base, **kw})


def test_approved_answer_becomes_an_item_with_its_figures_and_evidence() -> None:
    item = gold_item(_feedback())
    assert item["id"] == "feedback-7" and item["kind"] == "lookup" and item["answerable"] is True
    assert item["must_include"] == ["2023", "31", "6.5%"]  # citation markers are not figures
    assert item["evidence"] == [{"doc": "r-2023", "quote": "全县办结复议案件31件"}]
    assert "needs_review" not in item


def test_approved_refusal_is_an_unanswerable_item() -> None:
    item = gold_item(_feedback(route="unanswerable", answer="报告中没有2019年的数据。", citations=[]))
    assert item["answerable"] is False and item["must_include"] == [] and item["kind"] == "unanswerable"


def test_rejected_answer_is_a_stub_for_a_reviewer() -> None:
    item = gold_item(_feedback(rating="down", comment="应为32件"))
    assert item["needs_review"] is True and item["answer"] == "" and item["must_include"] == []
    assert item["evidence"] == [] and item["bot_answer"].startswith("某县") and item["comment"] == "应为32件"
