"""A figure's own phrase: its clause, narrowed so that another figure's counted noun is not its."""

import pytest

from rag.answering.picking import figure_phrase, scoring_phrase
from rag.text.figures import figures

CASES = [
    # sentence, figure value, what its phrase holds, what it must not hold
    ("全县27个部门单位的278项行政许可事项统一划入审批中心办理", "27", "部门单位", "行政许可"),
    ("全县27个部门单位的278项行政许可事项统一划入审批中心办理", "278", "行政许可事项", None),
    ("全市9个乡镇的146个行政村实现法律顾问全覆盖", "9", "乡镇", "行政村"),
    ("共有5个镇街的32名专职调解员参加轮训", "5", "镇街", "调解员"),
    # a list joined by 和 is narrowed at the joint, as before
    ("细化为党委24项职责和政府29项职责", "24", "党委", "政府"),
    # a date after the figure does not end its phrase
    ("建成调解组织30个于2023年12月投入使用", "30", "调解组织", None),
]


@pytest.mark.parametrize(("sentence", "value", "holds", "lacks"), CASES)
def test_a_figure_phrase_ends_after_its_own_noun(sentence: str, value: str, holds: str, lacks: str | None) -> None:
    fig = next(f for f in figures(sentence) if f.value == value)
    for phrase in (figure_phrase(sentence, fig), scoring_phrase(sentence, fig)):
        assert holds in phrase, phrase
        if lacks:
            assert lacks not in phrase, phrase
