"""A figure read from a scan below the OCR confidence threshold is flagged in the answer, not silently trusted."""

import pytest

from rag.answering.format import caveat
from rag.schema import MetricRow


@pytest.mark.parametrize(
    ("flag", "period", "want"),
    [
        (False, None, ""),
        (True, None, "（扫描件OCR识别置信度低，请核对原件）"),
        (True, "1-11月", "（1-11月，扫描件OCR识别置信度低，请核对原件）"),
    ],
)
def test_low_confidence_figures_carry_a_caveat(flag: bool, period: str | None, want: str) -> None:
    row = MetricRow(metric="m", label="办结复议案件", value=174, unit="件", doc_id="d", period=period,
                    ocr_low_confidence=flag)
    assert caveat(row) == want
