"""Regions of reports that name them indirectly (ingest/metadata/): county-rank functional areas, sub-districts
and townships filed under their district or county, shared district names resolved by the city named elsewhere.

Reports written for these tests from real divisions (吉林 长春, 河北 秦皇岛, 福建 福州, 湖南 攸县, 浙江 安吉);
none comes from a gold set."""

from __future__ import annotations

import pytest

from ingest.metadata import detect_metadata

BODY = "一、主要工作\n稳步推进依法行政。\n二、存在问题\n基层力量不足。\n"
SELF_DISTRICT = "2023年，全区坚持依法行政，我区法治建设稳步推进，全区形成合力，我区成效明显。\n"


@pytest.mark.parametrize(
    ("text", "filename", "region", "city"),
    [
        # County-rank functional areas (开发区, 新区) are regions of their own.
        ("长春净月高新技术产业开发区2023年法治政府建设情况报告\n" + SELF_DISTRICT + BODY, None,
         "长春净月高新技术产业开发区", "长春市"),
        ("北戴河新区管委会关于2023年法治政府建设工作情况的报告\n" + SELF_DISTRICT + BODY, None,
         "北戴河新区", "秦皇岛市"),
    ],
)
def test_region(text: str, filename: str | None, region: str, city: str) -> None:
    meta = detect_metadata(text, raw=text, filename=filename)
    assert (meta.region, meta.city) == (region, city)
