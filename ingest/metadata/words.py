"""The words ingest/metadata/ reads reports with, from `rag/data/report_meta.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class MetaWords:
    chrome: dict[str, tuple[str, ...]]  # field -> its labels on a page (issuer, published, index_code, …)
    field_of: dict[str, str]  # a label without its spaces -> its field
    not_a_date: tuple[str, ...]
    site_endings: tuple[str, ...]  # how a site name ends: 人民政府网站, 政府网 …
    issuer_levels: tuple[tuple[str, tuple[str, ...]], ...]  # level -> name endings, in the file's order
    self_reference: dict[str, tuple[str, ...]]  # division level -> 我县, 全县 …
    kinds: tuple[tuple[str, tuple[str, ...]], ...]
    other_kind: str
    pinyin_suffixes: tuple[str, ...]
    label_pattern: re.Pattern[str]  # any chrome label and its colon
    bare_label_pattern: re.Pattern[str]  # any chrome label standing alone between spaces or bars (a row's cell)
    glued_label_pattern: re.Pattern[str]  # a line opening with a label of 3 characters or more run into its value
    issuer_in: dict[str, re.Pattern[str]]  # signal -> where the issuer stands in it (group `issuer`)
    self_body: re.Pattern[str]  # 本局, 我办: a body naming itself, never an issuer's name
    place_bodies: dict[str, str]  # a place's ending -> its body's (街道 -> 街道办事处)
    issuer_chrome: frozenset[str]  # page words run into an issuer's name (主动公开澧浦镇人民政府)
    covered_period: tuple[re.Pattern[str], ...]  # "自2021年1月1日起至12月31日止": group 1 the year covered
    stated_period: re.Pattern[str]  # "统计期限为2021年1月1日起至12月14日止": groups start and end
    announced_year: tuple[re.Pattern[str], ...]  # "现向社会公布X办2018年…年度报告": group 1 the year
    dominant_mentions: int  # a body's most spoken-of year counts from this many mentions …
    dominant_margin: float  # … and this many times as often as the next
    posted_after_kinds: tuple[str, ...]  # kinds of annual report posted early in the following year
    posted_by_month: int
    posted_labels: tuple[re.Pattern[str], ...]  # the posting date's label tiers, strongest first


@lru_cache(maxsize=1)
def meta_words() -> MetaWords:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "report_meta.yaml").read_text(encoding="utf-8"))
    chrome = {k: tuple(v) for k, v in data["chrome"].items()}
    return MetaWords(
        chrome=chrome,
        field_of={label.replace(" ", ""): name for name, labels in chrome.items() for label in labels},
        not_a_date=tuple(data["not_a_date"]),
        site_endings=tuple(sorted(data["site_endings"], key=len, reverse=True)),
        issuer_levels=tuple((k, tuple(v)) for k, v in data["issuer_levels"].items()),
        self_reference={k: tuple(v) for k, v in data["self_reference"].items()},
        kinds=tuple((k, tuple(v)) for k, v in data["kinds"].items()),
        other_kind=data["other_kind"],
        pinyin_suffixes=tuple(sorted(data["pinyin_suffixes"], key=len, reverse=True)),
        label_pattern=_label_pattern(chrome),
        bare_label_pattern=_label_pattern(chrome, bare=True),
        glued_label_pattern=_glued_pattern(chrome),
        issuer_in={k: re.compile(v) for k, v in data["issuer_in"].items()},
        self_body=re.compile(data["self_body"]),
        place_bodies=dict(data["place_bodies"]),
        issuer_chrome=frozenset(data["issuer_chrome"]),
        covered_period=tuple(re.compile(v) for v in data["covered_period"]),
        stated_period=re.compile(data["stated_period"]),
        announced_year=tuple(re.compile(v) for v in data["announced_year"]),
        dominant_mentions=int(data["dominant_year"]["min_mentions"]),
        dominant_margin=float(data["dominant_year"]["margin"]),
        posted_after_kinds=tuple(data["posted_after_year"]["kinds"]),
        posted_by_month=int(data["posted_after_year"]["by_month"]),
        posted_labels=_posted_labels(data["posted_labels"]),
    )


def _label_pattern(chrome: dict[str, tuple[str, ...]], bare: bool = False) -> re.Pattern[str]:
    """Any chrome label followed by a colon, spaces inside the label allowed (索 引 号:); `bare`: a label
    standing alone as a cell of a row ("| 索引号 | 1234/2026-00007 |", "发布机构 X区司法局 组配分类 …")."""
    labels = sorted({label.replace(" ", "") for labels in chrome.values() for label in labels}, key=len, reverse=True)
    spaced = "|".join("\\s*".join(re.escape(ch) for ch in label) for label in labels)
    if bare:
        return re.compile(r"(?:^|(?<=[\s|丨│]))(" + spaced + r")(?=[\s|丨│]|$)")
    return re.compile(r"(" + spaced + r")\s*[:：]")


def _glued_pattern(chrome: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    """A line opening with a long label run straight into its value ("发布机构X乡人民政府", "时效性有效")."""
    labels = sorted({w.replace(" ", "") for labels in chrome.values() for w in labels if len(w.replace(" ", "")) >= 3},
                    key=len, reverse=True)
    return re.compile(r"^(" + "|".join(map(re.escape, labels)) + r")(?=[^\s:：|])")


def _posted_labels(tiers: dict[str, list[str]]) -> tuple[re.Pattern[str], ...]:
    """Strong labels, bare ones not ending a written-date label (成文日期 is not 日期), then the written date's."""
    def alternation(labels: list[str]) -> str:  # spaces allowed inside a label (发 布 时 间:)
        return "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(labels, key=len, reverse=True))

    not_written = "".join(dict.fromkeys(f"(?<!{re.escape(w[: -len(b)])})" for w in tiers["written"]
                                        for b in tiers["weak"] if w.endswith(b) and len(w) > len(b)))
    return (
        re.compile(rf"(?:{alternation(tiers['strong'])})\s*[:：]\s*"),
        re.compile(rf"{not_written}(?:{alternation(tiers['weak'])})\s*[:：]\s*"),
        re.compile(rf"(?:{alternation(tiers['written'])})\s*[:：]\s*"),
    )
