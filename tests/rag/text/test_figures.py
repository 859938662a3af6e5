import pytest

from rag.text.figures import figures, number_occurs, numbers_in


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("1-11月,全县办结复议案件174件,直接纠错4件,纠错率2.3%", ["11月", "174件", "4件", "2.3%"]),
        ("已成立20支(612人)的县乡两级应急救援队伍", ["20支", "612人"]),
        ("发放宣传材料7800余份", ["7800余份"]),
        ("好评率 99%以上", ["99%以上"]),
        ("全年接待群众法律咨询38,253人次", ["38253人次"]),
        # A list item's number is not a figure; a decimal or a counted number at the start is.
        ("1.完善落实行政复议制度", []),
        ("（2）健全调解机制，化解纠纷35件", ["35件"]),
        ("3、建立4项制度", ["4项"]),
        ("1.5%的案件当场化解", ["1.5%"]),
        ("12件行政复议案件全部办结", ["12件"]),
        # A document number's year and serial are no figures.
        ("依照《通知》(国办公开办函〔2021〕30号)的规定,共收到申请12件", ["12件"]),
        # A decree's serial counts nothing.
        ("依照《条例》(国务院令第711号)的规定,共收到申请12件", ["12件"]),
        # A hotline's or a telephone's number is a line to call, never a count; the counts beside it stay.
        ("畅通12315投诉举报热线，受理群众咨询", []),
        ("设立12345政务服务便民热线，全年接听来电3200个", ["3200个"]),
        ("12315热线受理投诉举报860件", ["860件"]),
        ("开通咨询电话0915-2521234", []),
        ("联系电话：0915-2521234", []),
        ("全年发布信息12345条", ["12345条"]),
    ],
)
def test_figures_with_units(sentence: str, expected: list[str]) -> None:
    assert [f.text.replace(",", "") for f in figures(sentence)] == expected


def test_clause_start_is_after_the_last_break() -> None:
    s = "全县办结复议案件174件,直接纠错4件"
    fig = figures(s)[1]
    assert s[fig.clause_start : fig.end] == "直接纠错4件"


def test_calendar_figures_are_flagged() -> None:
    assert [f.is_calendar() for f in figures("2023年全区受理9件")] == [True, False]


@pytest.mark.parametrize(
    ("number", "text", "found"),
    [("4", "办结174件", False), ("174", "办结174件", True), ("2.3%", "纠错率12.3%", False),
     ("2.3%", "纠错率 2.3%", True), ("4.62", "4.621", False), ("38253", "38,253人次", True)],
)
def test_number_occurs_stands_alone(number: str, text: str, found: bool) -> None:
    assert number_occurs(number, text) is found


def test_numbers_in_answer() -> None:
    assert numbers_in("泗阳县：174件，纠错率2.3%") == ["174", "2.3%"]
