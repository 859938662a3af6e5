"""Rates as the report words them (ingest/facts.py): a share said bare after a count carries the count's
noun, and rates listed before one figure are one fact each. Sentences written for these tests."""

import pytest

from ingest.facts import extract_metrics


@pytest.mark.parametrize(("text", "measures"), [
    ("全年收到申请80件，其中电话申请20件，占25%。", {"电话申请占比": 25.0}),
    ("受理投诉300件，其中网上投诉210件，约占70%。", {"网上投诉占比": 70.0}),
    ("行政复议决定履行率、群众满意率均为99%。", {"行政复议决定履行率": 99.0, "行政复议决定群众满意率": 99.0}),
    ("全县矛盾纠纷化解率和当事人回访率都达到96.5%。", {"全县矛盾纠纷化解率": 96.5, "全县矛盾纠纷当事人回访率": 96.5}),
])
def test_rates_carry_the_words_that_name_them(text: str, measures: dict[str, float]) -> None:
    got = {f.measure: f.value for f in extract_metrics(text) if f.unit == "%"}
    assert got == measures, got

