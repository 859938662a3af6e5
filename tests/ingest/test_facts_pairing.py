"""Each figure of a sentence with several figures keeps its own counted noun and words."""

from __future__ import annotations

import pytest

from ingest.facts import extract_metrics

# (sentence, figure, unit, words its measure must hold, words it must not hold)
CASES = [
    ("将全镇12个村(社区)的156项便民服务事项统一纳入便民服务中心办理。", 156, "项", "便民服务事项", "村"),
    ("将全镇12个村的156项便民服务事项统一纳入便民服务中心办理。", 12, "个", "村", "便民服务事项"),
    ("全年3宗案卷获评优秀行政执法案卷（全市仅7宗）。", 3, "宗", "获评优秀", "全市"),
    ("全年3宗案卷获评优秀行政执法案卷（全市仅7宗）。", 7, "宗", "", "获评优秀"),
    ("随机抽查市场主体1865户次（共开展37批次联合抽查），发现问题企业12家。", 1865, "户次", "抽查市场主体", "批次"),
    ("随机抽查市场主体1865户次（共开展37批次联合抽查），发现问题企业12家。", 37, "批次", "联合抽查", "市场主体"),
]


@pytest.mark.parametrize("sentence,value,unit,holds,lacks", CASES)
def test_each_figure_keeps_its_own_words(sentence, value, unit, holds, lacks):
    fact = next(f for f in extract_metrics(sentence) if f.value == value and f.unit == unit)
    assert holds in (fact.measure or "")
    assert lacks not in (fact.measure or "")
