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


# "X、Y分别为a、b": the n-th figure counts the n-th item named before 分别 (sentences written for the test).
RESPECTIVELY = [
    ("政务微信、政务微博发布信息分别为2210条、7043条。", 2210, "微信", "微博"),
    ("政务微信、政务微博发布信息分别为2210条、7043条。", 7043, "微博", "微信"),
    ("全年新收、审结行政复议案件分别为58件和51件。", 58, "新收", "审结"),
    ("全年新收、审结行政复议案件分别为58件和51件。", 51, "审结", "新收"),
    ("网站、客户端和公众号分别推送信息1200条、860条、430条。", 860, "客户端", "公众号"),
    ("网站、客户端和公众号分别推送信息1200条、860条、430条。", 430, "公众号", "客户端"),
]


@pytest.mark.parametrize("sentence,value,holds,lacks", RESPECTIVELY)
def test_a_figure_listed_after_respectively_counts_its_own_item(sentence, value, holds, lacks):
    fact = next(f for f in extract_metrics(sentence) if f.value == value)
    assert holds in (fact.measure or ""), fact.measure
    assert lacks not in (fact.measure or ""), fact.measure


# Two items named and three figures: no pairing is guessed (the measures stay as they were read).
def test_respectively_with_a_count_mismatch_pairs_nothing():
    facts = extract_metrics("微信、微博分别发布信息12条、30条、7条。")
    assert [f.value for f in facts] == [12, 30, 7]
    assert all("、" not in (f.measure or "") for f in facts)


# A count of requests received or accepted is a request count, however the sentence words the information.
REQUESTS = [
    ("本办全年收到的公开政府信息申请共9件，均按期答复。", 9, "info_requests"),
    ("县财政局受理公民提出的政府信息公开申请14件。", 14, "info_requests"),
    ("主动公开政府信息3120条。", 3120, "info_disclosed"),
    ("通过门户网站公开政府信息845条，其中政策文件66条。", 845, "info_disclosed"),
]


@pytest.mark.parametrize("sentence,value,metric", REQUESTS)
def test_a_request_count_is_not_information_disclosed(sentence, value, metric):
    fact = next(f for f in extract_metrics(sentence) if f.value == value)
    assert fact.metric == metric, (fact.metric, fact.measure)
