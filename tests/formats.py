"""Render a report's text as the other formats reports are published in, for loader round-trip tests.

Each maker builds a file the way a government site or office suite would: the HTML page is GBK with
navigation, breadcrumb, posting bar, share bar, related links and footer around the article; the
DOCX marks headings with Heading styles; the PDF uses a CJK font, wraps and indents paragraphs, and
prints a running header and page numbers. Loading any of them must give back the report's lines.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

HEADING_1 = re.compile(r"^(一|二|三|四|五|六|七|八|九|十)+、")
HEADING_2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_SENTENCE_END = tuple("。！？；：!?;:”")


def paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# HTML

_PAGE = """<?xml version="1.0" encoding="gbk"?>
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}_区人民政府门户网站</title>
<style>.article p {{ text-indent: 2em; }} /* 正文样式 */</style>
<script>var tip = "欢迎访问本网站，今天是星期一";</script>
</head>
<body>
<header class="site-header"><div class="logo">区人民政府门户网站</div>
  <ul class="navBar"><li><a href="/">首页</a></li><li><a href="/gk">政务公开</a></li>
  <li><a href="/fw">政务服务</a></li><li><a href="/hd">互动交流</a></li></ul></header>
<div class="crumbs">您的位置：<a href="/">首页</a> &gt; <a href="/gk">政务公开</a> &gt; 法治政府建设</div>
<div class="wrapper">
  <div class="sidebar"><h3>热点新闻</h3><ul><li>区政府召开常务会议研究部署重点工作</li>
    <li>全区安全生产工作会议召开</li></ul></div>
  <div class="article">
    <h1>{title}</h1>
    <div class="info">发布时间：2024-02-08 10:30　来源：区司法局　浏览次数：128</div>
    <div class="TRS_Editor">
{body}
    </div>
    <div class="bar">【打印本页】【关闭窗口】</div>
    <div class="bdshare">分享到：微信 微博 QQ空间</div>
    <div class="relatedList"><h3>相关链接</h3><ul><li><a href="/1">关于2022年度法治政府建设情况的报告</a></li>
      <li><a href="/2">区政府2023年度重大行政决策事项目录</a></li></ul></div>
  </div>
</div>
<footer><p>网站地图 | 联系我们 | 设为首页</p>
  <p>主办：区人民政府办公室　承办：区大数据中心</p>
  <p>备案号：京ICP备12345678号　政府网站标识码：1100000001</p></footer>
</body>
</html>
"""


def make_html_gbk(text: str, path: Path, title: str) -> Path:
    """A GBK article page with site chrome around it; a first line equal to `title` becomes the <h1>."""
    lines = paragraphs(text)
    if lines and lines[0] == title:
        lines = lines[1:]
    body = "\n".join(f"      <p>{html.escape(line)}</p>" for line in lines)
    page = _PAGE.format(title=html.escape(title), body=body)
    # Characters outside GBK (such as no-break spaces) become character references, as editors write them.
    path.write_bytes(page.encode("gbk", errors="xmlcharrefreplace"))
    return path


# ---------------------------------------------------------------------------------------------
# DOCX


def make_docx(text: str, path: Path) -> Path:
    """One Word paragraph per line; 一、 headings get Heading 1 and （一） headings Heading 2."""
    document = docx.Document()
    for line in paragraphs(text):
        if HEADING_1.match(line):
            document.add_paragraph(line, style="Heading 1")
        elif HEADING_2.match(line):
            document.add_paragraph(line, style="Heading 2")
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


# ---------------------------------------------------------------------------------------------
# PDF

_FONT = "STSong-Light"  # one of the Adobe CJK fonts every PDF reader has: no font file needed
_MARGIN = 72.0
_SIZE = 12.0
_LEADING = 20.0
_NO_LINE_START = tuple("，。、；：？！）》」』”’%")  # punctuation Chinese typesetting never starts a line with


def make_pdf(
    text: str,
    path: Path,
    *,
    running_header: str = "法治政府建设年度报告",
    size: float = _SIZE,
    indent_paragraphs: bool = True,
    paragraph_space: float = 0.0,
    justify: bool = False,
) -> Path:
    """An A4 PDF typeset like an official document: wrapped, first-line indents, page furniture.

    The keywords give the other common layouts: block paragraphs (no indent, space between
    paragraphs), the larger type of 公文, and justified lines (extra space between characters).
    """
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    width, height = A4
    text_width = width - 2 * _MARGIN
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    page = 1
    y = height - _MARGIN

    def finish_page() -> None:
        nonlocal page, y
        canvas.setFont(_FONT, 9)
        if running_header:
            canvas.drawRightString(width - _MARGIN, height - 40, running_header)
        canvas.drawCentredString(width / 2, 40, f"- {page} -")
        canvas.showPage()
        page += 1
        y = height - _MARGIN

    lines = paragraphs(text)
    leading = size * _LEADING / _SIZE
    for index, line in enumerate(lines):
        kind = _kind(index, line, len(lines))
        font_size = size * 4 / 3 if kind == "title" else size
        indent = 2 * font_size if kind == "body" and indent_paragraphs else 0.0
        pieces = _wrap(line, text_width, indent, font_size)
        for n, piece in enumerate(pieces):
            if y < _MARGIN:
                finish_page()
            canvas.setFont(_FONT, font_size)
            if kind == "title":
                canvas.drawCentredString(width / 2, y, piece)
            elif kind == "signature":
                canvas.drawRightString(width - _MARGIN - 2 * font_size, y, piece)
            else:
                x = _MARGIN + (indent if n == 0 else 0.0)
                spare = _MARGIN + text_width - x - pdfmetrics.stringWidth(piece, _FONT, font_size)
                spacing = spare / (len(piece) - 1) if justify and n < len(pieces) - 1 and len(piece) > 1 else 0.0
                text_object = canvas.beginText(x, y)
                text_object.setFont(_FONT, font_size)
                text_object.setCharSpace(spacing)
                text_object.textOut(piece)
                canvas.drawText(text_object)
            y -= leading * (1.5 if kind == "title" else 1.0)
        y -= paragraph_space
    finish_page()
    canvas.save()
    return path


def _kind(index: int, line: str, count: int) -> str:
    plain = not line.endswith(_SENTENCE_END) and not HEADING_1.match(line) and not HEADING_2.match(line)
    if index == 0 and plain and len(line) <= 40:
        return "title"
    if index >= count - 2 and plain and len(line) <= 30:
        return "signature"
    return "body"


def _wrap(line: str, text_width: float, indent: float, size: float) -> list[str]:
    pieces, current, available = [], "", text_width - indent
    for char in line:
        fits = pdfmetrics.stringWidth(current + char, _FONT, size) <= available
        if current and not fits and char not in _NO_LINE_START:
            pieces.append(current)
            current, available = "", text_width
        current += char
    pieces.append(current)
    return pieces
