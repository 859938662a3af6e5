from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from reportlab.pdfgen.canvas import Canvas

from ingest.clean import normalize_for_match
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED_SUFFIXES, decode_bytes, load
from tests.corpus import REPORTS, report_text
from tests.formats import make_pdf
from tests.ingest.conftest import Rendered

STEMS = [report.stem for report in REPORTS]
SAMPLE = "2023年，泗阳县坚持以习近平新时代中国特色社会主义思想为指导，全年办结行政复议案件174件，纠错率2.3%。"


def normalized_lines(text: str) -> list[str]:
    return [normalize_for_match(line) for line in text.splitlines()]


# ---------------------------------------------------------------------------------------------
# Decoding


@pytest.mark.parametrize(
    ("text", "encoding", "declared"),
    [
        (SAMPLE, "gbk", None),
        (SAMPLE[:6], "gbk", None),  # a few bytes only: detectors guess Japanese or Korean here
        ("广东刘䶮的名字只在GB18030里：" + SAMPLE, "gb18030", None),
        (SAMPLE, "utf-8-sig", None),
        (SAMPLE, "utf-16", None),  # with a byte-order mark
        (SAMPLE, "utf-16-be", None),
        (SAMPLE, "gbk", "utf-8"),  # a GBK page that claims UTF-8
        (SAMPLE, "gbk", "iso-8859-1"),  # a label that every byte string satisfies
        ("朱镕基" + SAMPLE, "gbk", "gb2312"),  # 镕 is GBK, not GB2312: the label undersells the page
        (SAMPLE, "utf-8", "gbk"),  # UTF-8 that claims GBK
    ],
)
def test_decode_bytes(text: str, encoding: str, declared: str | None) -> None:
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_bytes(data, declared) == text


def test_decode_bytes_rejects_binary() -> None:
    with pytest.raises(ValueError, match="encoding"):
        decode_bytes(bytes(range(256)) * 4)


def test_gbk_txt_loads_like_utf8(tmp_path: Path) -> None:
    utf8 = load(REPORTS[0])
    path = tmp_path / "report.txt"
    path.write_bytes(utf8.raw.encode("gb18030"))
    assert load(path).text == utf8.text


def test_html_mislabelled_utf8_is_decoded_as_gbk(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="utf-8"><title>报告</title></head><body><p>{SAMPLE}</p></body></html>'
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gbk"))
    assert load(path).text == SAMPLE


# ---------------------------------------------------------------------------------------------
# Plain text


@pytest.mark.parametrize(
    ("stem", "chrome", "kept"),
    [
        (
            "tiedong-2023",
            ["您的位置: 首页 > 资讯中心 > 公告公示 > 其他", "时间:2024-02-08来源:铁东区司法局 点击:"],
            ["中共铁东区委 铁东区人民政府关于2023年铁东区法治政府建设情况的报告", "中共鞍山市委、鞍山市人民政府:",
             "中共鞍山市铁东区委     鞍山市铁东区人民政府", "2024年2月8日"],
        ),
        (
            "zhangwan-2019",
            [
                "当前位置:首页 > 政务公开 > 信息公开专栏 > 信息公开目录 >  工作报告",
                "索 引 号: 主题分类: 发文日期: 2020年01月02日",
                "发布机构: 文       号:",
                "十堰市张湾区人民政府网站 www.zhangwan.gov.cn",
                "2020-01-02",
                "附件",
                "网站地图 | 设为首页 | 收藏本站",
                "主办:中共张湾区委 张湾区人民政府 承办:张湾区融媒体中心",
                "备案号:鄂ICP备17000626号 技术支持:十堰政府网",
                "政府网站标识码:4203030009",
                "网站总访问量:",
            ],
            ["张湾区人民政府关于2019年度法治政府建设情况的报告", "一、推进法治政府建设工作的主要做法和成效",
             "张湾区人民政府", "2019年12月27日"],
        ),
        ("weibin-2023", [], ["2023 年度卫滨区法治政府建设工作情况 专项报告", "新乡市卫滨区司法局", "2023年12月29日"]),
    ],
)
def test_txt_drops_site_chrome_and_keeps_the_report(stem: str, chrome: list[str], kept: list[str]) -> None:
    loaded = load(REPORTS[STEMS.index(stem)])
    lines = normalized_lines(loaded.text)
    kept = [normalize_for_match(line) for line in kept]
    assert [line for line in kept if line not in lines] == []
    assert lines[0] == kept[0]  # the title opens the text
    assert lines[-1] == kept[-1]  # and the signing date closes it
    # Exactly the chrome goes: every other line of the file is in the text.
    text_lines = set(lines)
    raw_lines = [normalize_for_match(line.replace("**", "")) for line in loaded.raw.splitlines() if line.strip()]
    assert [line for line in raw_lines if line not in text_lines] == [normalize_for_match(line) for line in chrome]


def test_txt_keeps_raw_and_removes_markdown_bold() -> None:
    loaded = load(REPORTS[STEMS.index("weibin-2023")])
    assert "**二是抓住关键少数" in loaded.raw
    assert "*" not in loaded.text
    assert "二是抓住关键少数，提升法治能力。制定" in loaded.text
    assert (loaded.fmt, loaded.pages, loaded.title_hint) == ("txt", None, None)


def test_md_strips_markdown_syntax(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    markdown = "# 2023年法治政府建设情况报告\n\n## 一、主要举措\n\n**一是**加强[组织领导](http://x.cn)。\n"
    path.write_text(markdown, "utf-8")
    loaded = load(path)
    assert loaded.text.splitlines() == ["2023年法治政府建设情况报告", "一、主要举措", "一是加强组织领导。"]
    assert loaded.fmt == "md"


# ---------------------------------------------------------------------------------------------
# The same report in every format


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
@pytest.mark.parametrize("stem", STEMS)
def test_every_format_loads_to_the_txt_paragraphs(rendered: dict[str, Rendered], stem: str, fmt: str) -> None:
    report = rendered[stem]
    loaded = load(report.files[fmt])
    expected = normalized_lines(report.txt.text)
    if fmt == "html" and expected[0] != normalize_for_match(report.title):
        expected.insert(0, normalize_for_match(report.title))  # the page's <h1>, which the txt lacks
    assert normalized_lines(loaded.text) == expected
    assert loaded.fmt == fmt


@pytest.mark.parametrize(
    "layout",
    [
        {"indent_paragraphs": False, "paragraph_space": 8.0},  # block paragraphs
        {"size": 16.0, "justify": True},  # 公文 type size, justified lines
    ],
    ids=["block-paragraphs", "large-justified"],
)
@pytest.mark.parametrize("stem", STEMS)
def test_pdf_layouts_load_to_the_txt_paragraphs(tmp_path: Path, stem: str, layout: dict) -> None:
    txt = load(REPORTS[STEMS.index(stem)])
    path = make_pdf(txt.text, tmp_path / f"{stem}.pdf", **layout)
    assert normalized_lines(load(path).text) == normalized_lines(txt.text)


def test_html_keeps_chrome_in_raw_and_finds_title(rendered: dict[str, Rendered]) -> None:
    loaded = load(rendered["tiedong-2023"].files["html"])
    assert loaded.title_hint == "中共铁东区委 铁东区人民政府关于2023年铁东区法治政府建设情况的报告"
    assert "发布时间：2024-02-08 10:30　来源：区司法局　浏览次数：128" in loaded.raw.splitlines()
    assert "备案号" in loaded.raw
    for chrome in ("首页", "热点新闻", "相关链接", "分享到", "备案号", "欢迎访问"):
        assert chrome not in loaded.text


def test_html_without_classes_drops_link_menus(tmp_path: Path) -> None:
    page = (
        "<html><head><title>报告-区政府网</title></head><body><table><tr><td>"
        '<a href="/">首页</a> <a href="/a">政务公开</a> <a href="/b">互动交流</a></td></tr>'
        '<tr><td align="center"><b>区人民政府关于法治政府建设情况的报告</b></td></tr>'
        f"<tr><td>&nbsp;&nbsp;{SAMPLE}<br>&nbsp;&nbsp;一、主要举措<br>"
        "<table><tr><td>行政复议案件</td><td>174件</td></tr></table></td></tr>"
        "<tr><td>网站地图 | 设为首页<br>鄂ICP备17000626号</td></tr></table></body></html>"
    )
    path = tmp_path / "old.htm"
    path.write_bytes(page.encode("gb2312"))
    loaded = load(path)
    assert loaded.text.splitlines() == [
        "区人民政府关于法治政府建设情况的报告", SAMPLE, "一、主要举措", "行政复议案件：174件。",  # a row line
    ]
    assert loaded.title_hint == "报告-区政府网"


def test_pdf_reports_pages_and_rejoins_a_wrapped_title(rendered: dict[str, Rendered]) -> None:
    path = rendered["tiedong-2023"].files["pdf"]
    loaded = load(path)
    assert loaded.pages == len(pypdf.PdfReader(path).pages) > 1
    title = "中共铁东区委铁东区人民政府关于2023年铁东区法治政府建设情况的报告"
    assert loaded.title_hint == title
    assert loaded.text.splitlines()[0] == title  # set in large type over two centred lines
    assert "- 2 -" in loaded.raw and "- 2 -" not in loaded.text


def test_pdf_title_is_the_longest_large_print_not_the_red_header(tmp_path: Path) -> None:
    path = tmp_path / "red-header.pdf"
    make_pdf(SAMPLE * 4, path)  # registers the CJK font
    canvas = Canvas(str(path))
    for size, y, text in [
        (30, 760, "区人民政府文件"),
        (12, 720, "区政〔2024〕1号"),
        (18, 680, "区人民政府关于2023年度法治政府"),
        (18, 656, "建设情况的报告"),
    ]:
        canvas.setFont("STSong-Light", size)
        canvas.drawCentredString(297, y, text)
    canvas.setFont("STSong-Light", 12)
    body_line = "全区共办结行政复议案件一百七十四件直接纠错四件纠错率百分之二点三持续"
    for n, y in enumerate(range(620, 400, -20)):
        canvas.drawString(72 + (24 if n % 4 == 0 else 0), y, body_line)
    canvas.showPage()
    canvas.save()
    loaded = load(path)
    assert loaded.title_hint == "区人民政府关于2023年度法治政府建设情况的报告"
    assert loaded.text.splitlines()[:3] == ["区人民政府文件", "区政〔2024〕1号", loaded.title_hint]


def test_docx_title_style_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("泗阳县2023年法治政府建设年度报告", style="Title")
    document.add_paragraph("一、主要举措和成效", style="Heading 1")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("指标", "2023年", ""), ("办结复议案件", "174件", "+5%")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.rows[0].cells[1].merge(table.rows[0].cells[2])  # a merged header cell heads both columns
    document.add_paragraph(SAMPLE)
    path = tmp_path / "report.docx"
    document.save(str(path))
    loaded = load(path)
    assert loaded.title_hint == "泗阳县2023年法治政府建设年度报告"
    assert loaded.text.splitlines() == [
        "泗阳县2023年法治政府建设年度报告", "一、主要举措和成效", "办结复议案件：2023年为174件，2023年为+5%。", SAMPLE,
    ]


def test_docx_core_title_is_the_fallback_hint(rendered: dict[str, Rendered], tmp_path: Path) -> None:
    document = docx.Document(str(rendered["siyang-2023"].files["docx"]))
    document.core_properties.title = "泗阳县2023年法治政府建设年度报告"
    document.save(str(tmp_path / "titled.docx"))
    assert load(tmp_path / "titled.docx").title_hint == "泗阳县2023年法治政府建设年度报告"


def test_pdf_encrypted_only_against_editing_still_loads(tmp_path: Path) -> None:
    source = make_pdf(SAMPLE, tmp_path / "plain.pdf", running_header="")  # one page: nothing repeats
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "restricted.pdf"
    writer.write(str(path))
    assert load(path).text == SAMPLE


# ---------------------------------------------------------------------------------------------
# Files that cannot be read


def _encrypted_pdf(tmp_path: Path) -> bytes:
    writer = pypdf.PdfWriter(clone_from=str(make_pdf(SAMPLE, tmp_path / "source.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scanned_pdf(tmp_path: Path) -> bytes:
    canvas = Canvas(str(tmp_path / "scan.pdf"))
    canvas.rect(72, 72, 400, 600, fill=1)  # a page image stands in for a scan: no text operators
    canvas.showPage()
    canvas.save()
    return (tmp_path / "scan.pdf").read_bytes()


def _zip_bomb(tmp_path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(201):
                member.write(bytes(1 << 20))
    return buffer.getvalue()


def zipfile_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _truncated_pdf(tmp_path: Path) -> bytes:
    return make_pdf(report_text("siyang-2023"), tmp_path / "whole.pdf").read_bytes()[:3000]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", lambda tmp: b"%PDF-1.4\nnot really a pdf\n", "corrupt or unreadable PDF"),
        ("report.pdf", _truncated_pdf, "corrupt or unreadable PDF"),
        ("report.pdf", lambda tmp: b"<html>saved page</html>", "not a PDF file"),
        ("report.pdf", _encrypted_pdf, "encrypted PDF"),
        ("report.pdf", _scanned_pdf, "no text layer"),
        ("report.docx", lambda tmp: b"\xd0\xcf\x11\xe0 an old binary .doc", "not a zip archive"),
        ("report.docx", lambda tmp: zipfile_bytes({"hello.txt": "no word document inside"}), "corrupt or unreadable"),
        ("report.docx", _zip_bomb, "zip bomb"),
        ("report.txt", lambda tmp: b"", "empty file"),
        ("report.html", lambda tmp: b"  \n ", "empty file"),
        ("report.pdf", lambda tmp: b"", "empty file"),
        ("report.docx", lambda tmp: b"", "empty file"),
        ("report.doc", lambda tmp: b"anything", "unsupported file type '.doc'"),
        ("README", lambda tmp: b"anything", "unsupported file type 'README'"),
        ("report.txt", lambda tmp: bytes(range(256)) * 4, "cannot decode text"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_unreadable_files_raise_ingest_error(tmp_path: Path, name: str, content, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content(tmp_path))
    with pytest.raises(IngestError) as raised:
        load(path)
    assert reason in raised.value.reason
    assert raised.value.path == path


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read file"):
        load(tmp_path / "gone.txt")


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".html", ".htm", ".pdf", ".docx"} == SUPPORTED_SUFFIXES


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "REPORT.TXT"
    path.write_text(SAMPLE, "utf-8")
    assert load(path).text == SAMPLE


# ---------------------------------------------------------------------------------------------
# Invisible characters


@pytest.mark.parametrize("fmt", ["txt", "html", "docx"])
def test_zero_width_characters_inside_a_region_name_are_dropped_at_ingest(tmp_path: Path, fmt: str) -> None:
    # A report whose region name hides zero-width characters (and a BOM, a word joiner, a soft hyphen)
    # reads as the same text, so its region and facts are found as in the clean report.
    from ingest.metadata import detect_metadata
    from tests.formats import make_docx, make_html_gbk

    clean = report_text("tiedong-2023")
    hidden = clean.replace("铁东区", "铁\u200b东\u2060区\u00ad").replace("行政复议", "行政\ufeff复议")
    assert hidden != clean
    loaded = {}
    for name, text in (("clean", clean), ("hidden", hidden)):
        path = tmp_path / f"{name}.{fmt}"
        if fmt == "txt":
            path.write_text(text, encoding="utf-8")
        elif fmt == "html":
            make_html_gbk(text, path, text.splitlines()[0])
        else:
            make_docx(text, path)
        loaded[name] = load(path)
    assert loaded["hidden"].text == loaded["clean"].text
    meta = detect_metadata(loaded["hidden"].text, raw=loaded["hidden"].raw, title_hint=loaded["hidden"].title_hint)
    assert meta.region == "铁东区"


# ---------------------------------------------------------------------------------------------
# Parse budgets


def _docx_with_xml(path: Path, paragraphs: int, styles: int = 0) -> Path:
    """A small docx whose document.xml repeats one paragraph (styled S7), with `styles` extra styles."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    paragraph = ('<w:p><w:pPr><w:pStyle w:val="S7"/></w:pPr><w:r><w:t>全年办结行政复议案件174件，纠错率2.3%。'
                 '</w:t></w:r></w:p>')
    style = '<w:style w:type="paragraph" w:styleId="S{n}"><w:name w:val="Style {n}"/></w:style>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                data = head + b"<w:body>" + (paragraph * paragraphs).encode() + tail
            elif item.filename == "word/styles.xml" and styles:
                data = data.replace(b"</w:styles>", "".join(style.format(n=n) for n in range(styles)).encode()
                                    + b"</w:styles>")
            out.writestr(item, data)
    return path


def test_docx_paragraph_styles_are_not_scanned_for_every_paragraph(tmp_path: Path, monkeypatch) -> None:
    # python-docx's paragraph.style scans every style of the document per paragraph: 5 MB of XML took
    # 53 s. The styles are read once per document, so the scans do not grow with the paragraphs.
    from docx.oxml.styles import CT_Styles

    from ingest.loaders import _docx_lines

    scans = {"n": 0}
    for name in ("get_by_id", "default_for", "get_by_name"):
        original = getattr(CT_Styles, name)

        def counted(self, *args, _original=original):
            scans["n"] += 1
            return _original(self, *args)

        monkeypatch.setattr(CT_Styles, name, counted)
    document = docx.Document(str(_docx_with_xml(tmp_path / "styled.docx", paragraphs=2000, styles=300)))
    lines, title = _docx_lines(document)
    assert len(lines) == 2000 and title is None
    assert scans["n"] <= 2


def test_docx_title_style_still_found_when_styles_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("铁东区2023年法治政府建设年度报告", style="Title")
    document.add_paragraph("正文。")
    document.save(str(tmp_path / "t.docx"))
    assert load(tmp_path / "t.docx").title_hint == "铁东区2023年法治政府建设年度报告"


def test_a_docx_under_the_zip_bomb_gate_that_parses_past_its_memory_budget_is_stopped(tmp_path: Path) -> None:
    # 40 MB of XML in a 180 KB file passes the declared-size gate; parsing it costs far more than the
    # budget, so the worker is killed and the file fails alone with a reason.
    import multiprocessing

    from ingest.budget import ParseBudget

    path = _docx_with_xml(tmp_path / "heavy.docx", paragraphs=450_000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(IngestError, match="MB of memory"):
        load(path, budget=ParseBudget(seconds=600, memory_mb=300))
    assert not multiprocessing.active_children()
    assert load(REPORTS[0].with_suffix(".txt")).text  # the next file loads as ever


def test_a_parse_past_its_time_budget_is_stopped(tmp_path: Path) -> None:
    import multiprocessing

    from ingest.budget import ParseBudget

    path = _docx_with_xml(tmp_path / "slow.docx", paragraphs=450_000)
    with pytest.raises(IngestError, match="longer than"):
        load(path, budget=ParseBudget(seconds=0.5, memory_mb=100_000))
    assert not multiprocessing.active_children()
