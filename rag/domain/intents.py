"""Intent words and units of questions, loaded once from `rag/data/intents.yaml` and `metrics.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from rag.domain.catalogue import load_catalogue


def _compile(pattern: str) -> re.Pattern[str]:
    # Folded YAML (>-) joins lines with a space; inside an alternation that space would be a literal.
    return re.compile(re.sub(r"\|\s+", "|", pattern.strip()), re.I)


@dataclass(frozen=True)
class FollowUpGroup:
    """Things a follow-up may swap for one another (a publishing channel for another), and what they are parts of."""

    members: tuple[re.Pattern[str], ...]
    whole: str | None = None  # the measure of them all together (主动公开政府信息), in the reports' words


@dataclass(frozen=True)
class Intents:
    year: re.Pattern[str]
    ask_number: re.Pattern[str]
    asked_unit: re.Pattern[str]
    ask_word: re.Pattern[str]
    part_break: re.Pattern[str]
    rate: re.Pattern[str]
    metadata: re.Pattern[str]
    aggregate: re.Pattern[str]
    summary: re.Pattern[str]
    plans: re.Pattern[str]
    plans_question: re.Pattern[str]
    which_items: re.Pattern[str]
    follow_up: re.Pattern[str]
    follow_up_en: re.Pattern[str]  # "What about X Town that year?": group `rest`
    follow_up_en_filler: re.Pattern[str]  # the words such a follow-up says besides names and years
    year_shift: tuple[tuple[int, re.Pattern[str]], ...]  # "那前一年的报告呢": -1
    placement: tuple[re.Pattern[str], ...]  # "叶城是哪个地区的": group subject, the division asked about
    placement_levels: re.Pattern[str]
    part_of_last: re.Pattern[str]  # "of those": a follow-up asking a part of the last figure
    part_terms: tuple[tuple[re.Pattern[str], str], ...]  # its English part words → the reports' words
    cause_of_last: re.Pattern[str]  # "因为这个", "because of this": the last measure as the new one's cause
    total_of_last: re.Pattern[str]  # "overall", "一共": the total of what was just asked
    base_of_last: re.Pattern[str]  # "based on", "基数": the whole of the last share
    base_filler: re.Pattern[str]  # "这是按…算的": the words of a base follow-up that only point at the share
    follow_up_groups: tuple[FollowUpGroup, ...]  # members a follow-up swaps (微博 → 微信), and their whole
    operations: tuple[tuple[str, re.Pattern[str]], ...]
    conditions: tuple[tuple[str, re.Pattern[str]], ...]
    question_words: re.Pattern[str]
    document_fields: tuple[tuple[str, re.Pattern[str]], ...]
    document_list: re.Pattern[str]
    document_years: re.Pattern[str]
    levels: dict[str, tuple[str, ...]]
    not_disclosed: str
    units: tuple[str, ...]
    unit_families: dict[str, str]  # unit → family name
    change_before: re.Pattern[str]
    subunit: re.Pattern[str]
    subunit_lead: re.Pattern[str]
    body_names: dict[str, tuple[str, ...]]  # a body as said (卫健委, police) → the stems its issuer is written with
    body_words: re.Pattern[str]  # the Chinese names of bodies, longest first
    body_english: re.Pattern[str]  # the English names of bodies, longest first
    word_head: re.Pattern[str]  # 几件, 多少条: a question word leading a word
    asked_when: re.Pattern[str]  # 几月份, 几号, 哪天: the words asking a date
    report_date: re.Pattern[str]  # a date asked of the report itself (落款, 这份报告)
    report_acts: re.Pattern[str]  # words that alone name no event (发布, 印发, 的)
    event_date: re.Pattern[str]  # how a text dates an event (3月23日, 6月份)
    subunit_town: re.Pattern[str]
    own_voice: dict[str, tuple[str, ...]]  # a body's name ending → its first-person words (局 → 本局, 我局)
    government_voice: re.Pattern[str]
    from_to: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]  # from word, to verbs, earlier asked
    below_county: tuple[str, ...]  # 乡, 镇, 街道 …: after a short name, a town of that name
    below_county_pinyin: tuple[str, ...]
    place_below: re.Pattern[str]  # a 乡镇 or 街道 named by its own name (group 1)
    measure_units: dict[str, str]
    wider_scope: dict[str, tuple[str, ...]]
    section_kinds: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]  # (asked words, heading words)
    loose_families: frozenset[frozenset[str]]
    distribute: re.Pattern[str]
    list_sep: re.Pattern[str]
    ask_lead: re.Pattern[str]
    subset_of: re.Pattern[str]
    generic_units: frozenset[str]
    joiners: re.Pattern[str]
    positions: tuple[tuple[int, re.Pattern[str]], ...]  # a place in the last ranking (1 first, -1 last)
    refers_top: re.Pattern[str]  # "它", "that district": the region the last answer put first
    refers_all: re.Pattern[str]  # "其中", "of the three": every region the last answer named
    reference_filler: re.Pattern[str]
    english_pointing: re.Pattern[str]  # "And", "that district", "them", "that year": never the measure
    counted_in: dict[str, str]  # zh/en: how an answer names the list a position was counted in
    orders: dict[str, dict[str, str]]  # zh/en → the last ranking's direction (min, max) in words
    ranks_regions: re.Pattern[str]
    each: re.Pattern[str]
    one_report: re.Pattern[str]
    fillers: re.Pattern[str]
    short_year: re.Pattern[str]
    english_question_lead: re.Pattern[str]
    english_stop: re.Pattern[str]
    english_admin: re.Pattern[str]
    english_dangling: re.Pattern[str]
    report_kinds: tuple[tuple[str, re.Pattern[str]], ...]  # kind → words of a title
    issuer_kinds: tuple[tuple[str, re.Pattern[str]], ...]  # kind of issuer → words of an issuer
    collection_ask: re.Pattern[str]
    report_word: re.Pattern[str]

    def family(self, unit: str | None) -> str | None:
        return self.unit_families.get(unit or "")


def _body_names(said: dict[str, list[str]], government: str) -> dict[str, tuple[str, ...]]:
    """The bodies a question may name: the short and everyday names of intents.yaml, and the full names (and
    their English) the answers write (report_answers.yaml `bodies`), each with the stems its issuer is written
    with. The government's names are not a body's (its report is the region's own), nor a bare ending (局, 委)."""
    answers = yaml.safe_load(resources.files("rag").joinpath("data", "report_answers.yaml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, ...]] = {}
    for zh, en in answers["bodies"].items():
        if len(zh) < 3 or re.search(government, zh) or "政府" in zh:
            continue
        out.setdefault(zh, (zh,))
        out.setdefault(en.lower(), (zh,))
    out.update({name.lower(): tuple(stems) for name, stems in said.items()})
    return out


def _alternation(words) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def load_intents() -> Intents:
    data = yaml.safe_load(resources.files("rag").joinpath("data", "intents.yaml").read_text(encoding="utf-8"))
    units = tuple(sorted({*load_catalogue().rules.units, *data["extra_units"]}, key=len, reverse=True))
    unit_alt = "|".join(re.escape(u) for u in units if u not in {"%", "‰"})
    return Intents(
        year=re.compile(data["year"]),
        ask_number=_compile(data["ask_number"]),
        asked_unit=re.compile(rf"(?:多少|几)({unit_alt})"),
        ask_word=_compile(data["ask_word"]),
        part_break=re.compile(data["part_break"]),
        rate=_compile(data["rate"]),
        metadata=_compile(data["metadata"]),
        aggregate=_compile(data["aggregate"]),
        summary=_compile(data["summary"]),
        plans=_compile(data["plans"]),
        plans_question=_compile(data["plans_question"]),
        which_items=_compile(data["which_items"]),
        follow_up=re.compile(data["follow_up"]),
        follow_up_en=re.compile(data["follow_up_en"], re.I),
        follow_up_en_filler=re.compile(data["follow_up_en_filler"], re.I),
        year_shift=tuple((int(k), _compile(v)) for k, v in data["year_shift"].items()),
        placement=tuple(re.compile(v, re.I) for v in data["placement"]),
        placement_levels=_compile(data["placement_levels"]),
        part_of_last=_compile(data["part_of_last"]),
        part_terms=tuple((re.compile(rf"\b{re.escape(k)}\b", re.I), v)
                         for k, v in sorted(data["part_terms"].items(), key=lambda kv: -len(kv[0]))),
        operations=tuple((k, _compile(v)) for k, v in data["operations"].items()),
        conditions=tuple((k, _compile(v)) for k, v in data["conditions"].items()),
        question_words=_compile(data["question_words"]),
        document_fields=tuple((k, _compile(v)) for k, v in data["document_fields"].items()),
        document_list=_compile(data["document_list"]),
        document_years=_compile(data["document_years"]),
        levels={k: tuple(v) for k, v in data["levels"].items()},
        not_disclosed=data["not_disclosed"],
        units=units,
        unit_families={u: fam for fam, members in data["unit_families"].items() for u in members},
        change_before=_compile(data["change_before"]),
        subunit=re.compile(rf"(?:{data['subunit']})(?!{data['body_documents']})"),
        subunit_lead=re.compile(data["subunit_lead"]),
        body_names=(bodies := _body_names(data["body_names"], data["government_voice"])),
        body_words=re.compile(rf"(?:{_alternation(n for n in bodies if not n.isascii()).pattern})"
                              rf"(?![\u4e00-\u9fff]{{0,3}}(?:{data['body_documents']}))"),
        body_english=re.compile(rf"\b(?:{_alternation(n for n in bodies if n.isascii()).pattern})\b", re.I),
        word_head=re.compile(data["word_head"]),
        asked_when=_compile(data["asked_when"]),
        report_date=_compile(data["report_date"]),
        report_acts=_compile(data["report_acts"]),
        event_date=re.compile(data["event_date"]),
        subunit_town=re.compile(data["subunit_town"]),
        own_voice={k: tuple(v) for k, v in data["own_voice"].items()},
        government_voice=re.compile(data["government_voice"]),
        from_to=(_compile(data["from_to"]["from"]), _compile(data["from_to"]["to"]),
                 _compile(data["from_to"]["earlier"])),
        below_county=tuple(data["below_county"]),
        below_county_pinyin=tuple(data["below_county_pinyin"]),
        place_below=_compile(data["place_below"]),
        measure_units=dict(data["measure_units"]),
        wider_scope={k: tuple(v) for k, v in data["wider_scope"].items()},
        section_kinds=tuple((_compile(v["asked"]), _compile(v["heading"])) for v in data["section_kinds"].values()),
        loose_families=frozenset(frozenset(pair) for pair in data["loose_families"]),
        distribute=re.compile(data["distribute"]),
        cause_of_last=_compile(data["cause_of_last"]),
        total_of_last=_compile(data["total_of_last"]),
        base_of_last=_compile(data["base_of_last"]),
        base_filler=_compile(data["base_filler"]),
        follow_up_groups=tuple(FollowUpGroup(tuple(_compile(m) for m in g["members"]), g.get("whole"))
                               for g in data["follow_up_groups"]),
        list_sep=re.compile(data["list_sep"]),
        ask_lead=re.compile(data["ask_lead"]),
        subset_of=re.compile(data["subset_of"]),
        generic_units=frozenset(data["generic_units"]),
        joiners=re.compile(rf"(?:^|(?<=\s))(?:{data['joiners']})(?=\s|$)"),
        positions=tuple((int(k), _compile(v)) for k, v in data["references"]["position"].items()),
        refers_top=_compile(data["references"]["top"]),
        refers_all=_compile(data["references"]["all"]),
        reference_filler=_compile(data["reference_filler"]),
        english_pointing=_compile(data["references"]["english_pointing"]),
        counted_in=dict(data["references"]["counted_in"]),
        orders={k: dict(v) for k, v in data["references"]["orders"].items()},
        ranks_regions=_compile(data["ranks_regions"]),
        each=_compile(data["each"]),
        one_report=_compile(data["one_report"]),
        fillers=re.compile(data["fillers"]),
        short_year=re.compile(data["short_year"]),
        english_question_lead=_compile(data["english_question_lead"]),
        english_stop=_compile(data["english_stop"]),
        english_dangling=_compile(data["english_dangling"]),
        english_admin=_compile(rf"\b(?:{data['english_admin']})\b"),
        report_kinds=tuple((k, _compile(v)) for k, v in data["report_kinds"].items()),
        issuer_kinds=tuple((k, _compile(v)) for k, v in data["issuer_kinds"].items()),
        collection_ask=_compile(data["collection_ask"]),
        report_word=_compile(data["report_word"]),
    )
