"""Metadata questions answered from the report's page fields (rag/answering/extractive.py): several fields at
once, the page's posting date, issuer and addressee. The report is written for this test (甘肃 临泽)."""

from __future__ import annotations

import pytest

from rag.answering import extractive
from rag.question.understanding import understand
from rag.schema import Document

DOC = Document(doc_id="linze-2022", source="linze-2022.txt", sha256="0", title="临泽县2022年政府信息公开工作年度报告",
               region="临泽县", year=2022, issuer="临泽县人民政府办公室", addressee="张掖市人民政府",
               index_code="11620723MB1234567X/2023-00012", doc_number="临政办发〔2023〕5号",
               published="2023-01-30", kind="政府信息公开")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("临泽县2022年的报告是哪个机关发布的，索引号是多少", ["临泽县人民政府办公室", "11620723MB1234567X/2023-00012"]),
        ("临泽县2022年报告的文号是什么", ["临政办发〔2023〕5号"]),
        ("临泽那份报告啥时候发的", ["2023年1月30日"]),
        ("临泽县年度报告是谁向谁报告的", ["临泽县人民政府办公室", "张掖市人民政府"]),
        ("临泽县的报告是什么类型的报告", ["政府信息公开"]),
    ],
)
def test_page_fields_answer(question: str, expected: list[str]) -> None:
    q = understand(question, [DOC])
    assert q.route == "metadata"
    draft = extractive.metadata(q, {DOC.doc_id: DOC}, {})
    assert draft.answerable
    assert all(value in draft.answer for value in expected), draft.answer
