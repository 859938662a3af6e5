#!/usr/bin/env python
"""Build the six blind18 reports from marked-up sources in build/src/.

Source line syntax (one paragraph per line):
  =T text      title
  =S text      salutation / addressee line
  # text       level-1 heading      ## level-2      ### level-3
  !! text      bold paragraph (no heading style)
  @table ID    insert table ID (defined in TABLES below)
  >> text      right-aligned line (signature, date)
  other        body paragraph; **x** marks a bold run inside the paragraph
Inline fact markup:  {{shown text|measure|opts}}
  opts: k=level|change  p=period (p=none: no period)  s=scope  sk=region|government|subunit
        v=value  u=unit  y=year  approx=...   (separated by ';')
  Without v/u the value and unit are parsed from the shown text
  (e.g. 172件 -> 172, 件;  1.87万户 -> 18700, 户;  426万元 -> 426, 万元).

Outputs: ../reports/<stem>.<ext>, ../facts/<stem>.jsonl
Run with /work/main/.venv/bin/python build.py
"""
import html
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRC = os.path.join(HERE, 'src')
OUT = os.path.join(ROOT, 'reports')
FACTS = os.path.join(ROOT, 'facts')

REPORTS = {
    # stem: (ext, year, default scope, region, province, city)
    'feixi-2022': ('docx', 2022, '全县', '肥西县', '安徽省', '合肥市'),
    'feixi-2023': ('pdf', 2023, '全县', '肥西县', '安徽省', '合肥市'),
    'wuyuan-2023': ('html', 2023, '全县', '婺源县', '江西省', '上饶市'),
    'fugu-2023': ('txt', 2023, '全县', '府谷县', '陕西省', '榆林市'),
    'zhengding-2023': ('docx-plain', 2023, '全县', '正定县', '河北省', '石家庄市'),
    'beiliu-2024': ('txt-indent', 2024, '全市', '北流市', '广西壮族自治区', '玉林市'),
}

# ---------------------------------------------------------------- tables
# cell: str or dict(t=text, rs=rowspan, cs=colspan, th=bool)
TABLES = {
    'feixi22': {
        'caption': '表1 2021—2022年肥西县行政复议和行政应诉主要数据',
        'rows': [
            [{'t': '项目', 'th': True}, {'t': '2021年', 'th': True}, {'t': '2022年', 'th': True}, {'t': '增减', 'th': True}],
            ['行政复议案件收案数（件）', '146', '172', '+26'],
            ['行政复议案件结案数（件）', '139', '165', '+26'],
            ['复议决定直接纠错数（件）', '11', '14', '+3'],
            ['一审行政诉讼案件收案数（件）', '88', '97', '+9'],
            ['一审行政诉讼败诉案件数（件）', '6', '5', '-1'],
            ['行政机关负责人出庭比例', '96.6%', '100%', '提高3.4个百分点'],
        ],
        'years': {1: 2021, 2: 2022},
        'change_col': 3,
    },
    'feixi23': {
        'caption': '表1 肥西县2022—2023年行政复议应诉及人民调解主要数据',
        'rows': [
            [{'t': '指标', 'th': True}, {'t': '2022年', 'th': True}, {'t': '2023年', 'th': True}, {'t': '同比', 'th': True}],
            ['行政复议案件收案数（件）', '172', '238', '+38.4%'],
            ['行政复议案件结案数（件）', '165', '229', '+38.8%'],
            ['复议决定直接纠错数（件）', '14', '19', '+5件'],
            ['一审行政诉讼案件收案数（件）', '97', '84', '-13.4%'],
            ['一审行政诉讼败诉案件数（件）', '5', '3', '-2件'],
            ['人民调解纠纷调解数（件）', '4013', '4372', '+8.9%'],
            ['行政机关负责人出庭比例', '100%', '100%', '持平'],
        ],
        'years': {1: 2022, 2: 2023},
        'change_col': 3,
    },
    'wuyuan23': {
        'caption': '婺源县部分乡镇街道人民调解工作情况对比表',
        'rows': [
            [{'t': '片区及单位', 'th': True, 'rs': 2, 'cs': 2}, {'t': '受理纠纷（件）', 'th': True, 'cs': 2},
             {'t': '调解成功（件）', 'th': True, 'cs': 2}],
            [{'t': '2022年', 'th': True}, {'t': '2023年', 'th': True}, {'t': '2022年', 'th': True}, {'t': '2023年', 'th': True}],
            [{'t': '城区', 'rs': 2}, '紫阳镇', '318', '347', '311', '342'],
            ['蚺城街道', '286', '302', '280', '296'],
            [{'t': '乡镇', 'rs': 4}, '江湾镇', '153', '171', '150', '168'],
            ['清华镇', '164', '158', '160', '155'],
            ['思口镇', '121', '136', '118', '133'],
            ['其他乡镇', '1063', '1202', '1042', '1185'],
            [{'t': '全县合计', 'cs': 2}, '2105', '2316', '2061', '2279'],
        ],
    },
}


def table_facts(tid, default_scope):
    t = TABLES[tid]
    facts = []
    if tid in ('feixi22', 'feixi23'):
        for row in t['rows'][1:]:
            label = row[0]
            m = re.match(r'^(.*?)（(.+)）$', label)
            measure, unit = (m.group(1), m.group(2)) if m else (label, '%')
            for ci, yr in t['years'].items():
                cell = row[ci]
                facts.append(dict(measure=measure, value=float(cell.rstrip('%')), unit=unit, kind='level',
                                  period='全年', year=yr, scope=default_scope, scope_kind='region',
                                  table_cell=True, text=cell))
            ch = row[t['change_col']]
            mm = re.match(r'^([+-]?)([0-9.]+)(%|件)$', ch)
            if mm:
                sign = -1 if mm.group(1) == '-' else 1
                facts.append(dict(measure=measure + ('同比' if tid == 'feixi23' else '增减'),
                                  value=sign * float(mm.group(2)), unit=mm.group(3), kind='change',
                                  period='全年', year=max(t['years'].values()), scope=default_scope,
                                  scope_kind='region', table_cell=True, text=ch))
            elif re.match(r'^[+-][0-9]+$', ch):
                facts.append(dict(measure=measure + '增减', value=float(ch), unit=unit, kind='change',
                                  period='全年', year=max(t['years'].values()), scope=default_scope,
                                  scope_kind='region', table_cell=True, text=ch))
            elif ch.startswith('提高'):
                v = float(re.search(r'[0-9.]+', ch).group())
                facts.append(dict(measure=measure + '增减', value=v, unit='个百分点', kind='change', period='全年',
                                  year=max(t['years'].values()), scope=default_scope, scope_kind='region',
                                  table_cell=True, text=ch))
            elif ch == '持平':
                facts.append(dict(measure=measure + '同比', value=0.0, unit='个百分点', kind='change', period='全年',
                                  year=max(t['years'].values()), scope=default_scope, scope_kind='region',
                                  table_cell=True, text=ch))
    elif tid == 'wuyuan23':
        for row in t['rows'][2:]:
            cells = [c if isinstance(c, str) else c['t'] for c in row]
            if cells[0] in ('城区', '乡镇'):
                cells = cells[1:]
            name = cells[0]
            vals = cells[-4:]
            scope, sk = (default_scope, 'region') if name == '全县合计' else (name, 'subunit')
            for (measure, yr), v in zip([('受理纠纷', 2022), ('受理纠纷', 2023), ('调解成功', 2022), ('调解成功', 2023)], vals):
                facts.append(dict(measure='人民调解' + measure, value=float(v), unit='件', kind='level', period='全年',
                                  year=yr, scope=scope, scope_kind=sk, table_cell=True, text=v))
    return facts


# ---------------------------------------------------------------- markup
FACT_RE = re.compile(r'\{\{([^{}|]+)\|([^{}|]+)(?:\|([^{}]*))?\}\}')
NUM_RE = re.compile(r'^(约|近|超|逾|突破)?([0-9]+(?:\.[0-9]+)?)(万|亿)?(余|多)?(.*)$')


def parse_value(shown):
    m = NUM_RE.match(shown)
    if not m:
        raise ValueError('cannot parse value from %r; give v= and u=' % shown)
    pre, num, mult, suf, unit = m.groups()
    v = float(num)
    approx = pre or suf
    if unit.endswith('以上'):
        unit = unit[:-2]
        approx = approx or '以上'
    if mult:
        if unit.startswith('元'):
            unit = mult + unit
        else:
            v = round(v * (10000 if mult == '万' else 100000000), 2)
    return v, unit, approx


def strip_markup(line):
    """Return (plain text, list of (start, end, shown, measure, opts))."""
    out, spans, pos = [], [], 0
    plen = 0
    for m in FACT_RE.finditer(line):
        pre = line[pos:m.start()]
        out.append(pre)
        plen += len(pre)
        shown = m.group(1)
        spans.append((plen, plen + len(shown), shown, m.group(2), m.group(3) or ''))
        out.append(shown)
        plen += len(shown)
        pos = m.end()
    out.append(line[pos:])
    return ''.join(out), spans


def parse_opts(s):
    d = {}
    for part in s.split(';'):
        part = part.strip()
        if part:
            k, _, v = part.partition('=')
            d[k.strip()] = v.strip()
    return d


def read_source(stem):
    blocks = []
    with open(os.path.join(SRC, stem + '.src'), encoding='utf-8') as f:
        for raw in f:
            raw = raw.rstrip('\n')
            if not raw.strip():
                continue
            for prefix, kind in (('=T ', 'title'), ('=S ', 'salute'), ('### ', 'h3'), ('## ', 'h2'), ('# ', 'h1'),
                                 ('!! ', 'bold'), ('@table ', 'table'), ('>> ', 'right')):
                if raw.startswith(prefix):
                    blocks.append((kind, raw[len(prefix):]))
                    break
            else:
                blocks.append(('p', raw))
    return blocks


def collect_facts(stem, blocks):
    ext, year, dscope, *_ = REPORTS[stem]
    facts = []
    for kind, text in blocks:
        if kind == 'table':
            facts.extend(table_facts(text.strip(), dscope))
            continue
        plain, spans = strip_markup(text.replace('**', ''))
        for (a, b, shown, measure, opts) in spans:
            o = parse_opts(opts)
            if 'v' in o:
                v = float(o['v'])
                unit = o.get('u')
                approx = o.get('approx')
            else:
                v, unit, approx = parse_value(shown)
                unit = o.get('u', unit)
                approx = o.get('approx', approx)
            # period: explicit, else 全年 when the sentence says so
            period = o.get('p')
            if period == 'none':
                period = None
            elif period is None:
                sent_start = max(plain.rfind('。', 0, a), plain.rfind('；', 0, a), plain.rfind(';', 0, a)) + 1
                sent = plain[sent_start:a]
                period = '全年' if '全年' in sent else None
            sk = o.get('sk', 'region')
            scope = o.get('s', dscope if sk == 'region' else ('县政府' if stem != 'beiliu-2024' else '市政府') if sk == 'government' else None)
            kind_ = o.get('k', 'change' if '个百分点' in (unit or '') else 'level')
            facts.append(dict(measure=measure, value=v, unit=unit, kind=kind_, period=period,
                              year=int(o.get('y', year)), scope=scope, scope_kind=sk, table_cell=False,
                              text=shown, approx=approx))
    return facts


def plain_blocks(blocks):
    res = []
    for kind, text in blocks:
        if kind == 'table':
            res.append(('table', text.strip()))
        else:
            res.append((kind, strip_markup(text)[0]))
    return res


# ---------------------------------------------------------------- writers
def table_grid(tid):
    """Expand a table definition into (grid of texts, list of merges (r0,c0,r1,c1))."""
    rows = TABLES[tid]['rows']
    grid = {}
    merges = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            if isinstance(cell, str):
                cell = {'t': cell}
            rs, cs = cell.get('rs', 1), cell.get('cs', 1)
            for i in range(rs):
                for j in range(cs):
                    grid[(r + i, c + j)] = cell['t'] if (i, j) == (0, 0) else ''
            if rs > 1 or cs > 1:
                merges.append((r, c, r + rs - 1, c + cs - 1))
            c += cs
    nr = max(r for r, _ in grid) + 1
    nc = max(c for _, c in grid) + 1
    return [[grid.get((r, c), '') for c in range(nc)] for r in range(nr)], merges


def write_txt(stem, blocks, indent=False):
    lines = []
    for kind, text in plain_blocks(blocks):
        text = text.replace('**', '')
        if kind == 'table':
            t = TABLES[text]
            lines.append(t['caption'])
            g, _ = table_grid(text)
            for row in g:
                lines.append('\t'.join(row))
        elif kind == 'p' and indent:
            lines.append('\u3000\u3000' + text)
        elif kind == 'title' and indent:
            lines.append(text)
        elif kind == 'right' and indent:
            lines.append('\u3000' * 20 + text)
        else:
            lines.append(text)
    sep = '\n\n' if indent else '\n'
    body = sep.join(lines) + '\n'
    with open(os.path.join(OUT, stem + '.txt'), 'w', encoding='utf-8') as f:
        f.write(body)


def _set_east_asian(run, font):
    from docx.oxml.ns import qn
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn('w:rFonts'))
    if rfonts is None:
        rfonts = rpr.makeelement(qn('w:rFonts'), {})
        rpr.append(rfonts)
    rfonts.set(qn('w:eastAsia'), font)


def write_docx(stem, blocks, styled):
    import datetime
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt
    doc = Document()
    cp = doc.core_properties
    cp.author = 'Administrator'
    cp.title = ''
    if stem == 'feixi-2022':
        cp.created = datetime.datetime(2023, 2, 10, 9, 12)
    else:
        cp.created = datetime.datetime(2024, 2, 26, 15, 40)
    normal = doc.styles['Normal']
    normal.font.size = Pt(16 if not styled else 14)
    for kind, text in plain_blocks(blocks):
        if kind == 'table':
            t = TABLES[text]
            cap = doc.add_paragraph()
            r = cap.add_run(t['caption'])
            r.bold = True
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            g, merges = table_grid(text)
            tbl = doc.add_table(rows=len(g), cols=len(g[0]))
            tbl.style = 'Table Grid'
            for ri, row in enumerate(g):
                for ci, val in enumerate(row):
                    tbl.cell(ri, ci).text = val
            for (r0, c0, r1, c1) in merges:
                tbl.cell(r0, c0).merge(tbl.cell(r1, c1))
            continue
        if styled and kind in ('title', 'h1', 'h2', 'h3'):
            style = {'title': 'Title', 'h1': 'Heading 1', 'h2': 'Heading 2', 'h3': 'Heading 3'}[kind]
            p = doc.add_paragraph(style=style)
            run = p.add_run(text.replace('**', ''))
            _set_east_asian(run, '黑体' if kind != 'h3' else '楷体_GB2312')
            if kind == 'title':
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        p = doc.add_paragraph()
        if kind == 'title':
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.bold = True
            run.font.size = Pt(22)
            _set_east_asian(run, '方正小标宋简体')
            continue
        if kind in ('bold', 'h1', 'h2', 'h3'):
            run = p.add_run(text)
            run.bold = True
            _set_east_asian(run, '黑体')
            p.paragraph_format.first_line_indent = Pt(32)
            continue
        if kind == 'right':
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif kind == 'p':
            p.paragraph_format.first_line_indent = Pt(32 if not styled else 28)
        parts = re.split(r'(\*\*[^*]+\*\*)', text)
        for part in parts:
            if not part:
                continue
            if part.startswith('**'):
                run = p.add_run(part[2:-2])
                run.bold = True
            else:
                run = p.add_run(part)
            _set_east_asian(run, '仿宋_GB2312')
    doc.save(os.path.join(OUT, stem + '.docx'))


def write_pdf(stem, blocks):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import SimpleDocTemplate, Paragraph, Table, TableStyle, Spacer
    from reportlab.lib import colors
    pdfmetrics.registerFont(TTFont('WQY', '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', subfontIndex=0))
    body = ParagraphStyle('body', fontName='WQY', fontSize=12, leading=21, wordWrap='CJK', firstLineIndent=24,
                          spaceAfter=4)
    title = ParagraphStyle('title', fontName='WQY', fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=14)
    h1 = ParagraphStyle('h1', fontName='WQY', fontSize=15, leading=24, spaceBefore=8, spaceAfter=6)
    h2 = ParagraphStyle('h2', fontName='WQY', fontSize=13, leading=22, spaceBefore=4, spaceAfter=4, firstLineIndent=24)
    right = ParagraphStyle('right', fontName='WQY', fontSize=12, leading=21, alignment=TA_RIGHT, rightIndent=30)
    cap = ParagraphStyle('cap', fontName='WQY', fontSize=11, leading=18, alignment=TA_CENTER, spaceBefore=6,
                         spaceAfter=4)
    header_text = '肥西县人民政府  2023年度法治政府建设情况报告'

    def on_page(c, d):
        c.saveState()
        c.setFont('WQY', 9)
        c.drawString(72, A4[1] - 40, header_text)
        c.setLineWidth(0.5)
        c.line(72, A4[1] - 44, A4[0] - 72, A4[1] - 44)
        c.drawCentredString(A4[0] / 2, 30, '- %d -' % d.page)
        c.restoreState()

    story = []
    for kind, text in plain_blocks(blocks):
        if kind == 'table':
            t = TABLES[text]
            story.append(Paragraph(t['caption'], cap))
            g, merges = table_grid(text)
            tbl = Table(g, colWidths=[190, 75, 75, 90])
            st = [('FONT', (0, 0), (-1, -1), 'WQY', 10), ('GRID', (0, 0), (-1, -1), 0.5, colors.black),
                  ('ALIGN', (1, 0), (-1, -1), 'CENTER'), ('BACKGROUND', (0, 0), (-1, 0), colors.lightgrey)]
            for (r0, c0, r1, c1) in merges:
                st.append(('SPAN', (c0, r0), (c1, r1)))
            tbl.setStyle(TableStyle(st))
            story.append(tbl)
            story.append(Spacer(1, 8))
            continue
        esc = html.escape(text)
        esc = re.sub(r'\*\*([^*]+)\*\*', r'\1', esc)
        style = {'title': title, 'h1': h1, 'h2': h2, 'h3': h2, 'right': right, 'bold': h2}.get(kind, body)
        story.append(Paragraph(esc, style))
    doc = SimpleDocTemplate(os.path.join(OUT, stem + '.pdf'), pagesize=A4, topMargin=70, bottomMargin=60,
                            leftMargin=72, rightMargin=72, title='', author='fxxzfb')
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


HTML_HEAD = '''<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{title}_婺源县人民政府</title>
<meta name="SiteName" content="婺源县人民政府" />
<meta name="ColumnName" content="法治政府建设" />
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="2024-03-18 10:26" />
<meta name="ContentSource" content="县司法局" />
<link rel="stylesheet" type="text/css" href="/images/style.css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
<script type="text/javascript">
function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}
</script>
</head>
<body>
<div class="topbar"><div class="w1200"><span class="date">今天是：2025年5月12日 星期一</span>
<span class="links"><a href="/">网站首页</a> | <a href="/wza/">无障碍浏览</a> | <a href="/jt/">简体版</a> | <a href="/ft/">繁體版</a></span></div></div>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="婺源县人民政府" /></a></div>
<div class="search"><form action="/search/" method="get"><input type="text" name="q" value="请输入关键字" /><input type="submit" value="搜索" /></form></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjwy/">走进婺源</a></li></ul></div>
<div class="w1200 main">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/fdzdgknr/">法定主动公开内容</a> &gt; <a href="/zwgk/fdzdgknr/fzzfjs/">法治政府建设</a></div>
<div class="article">
<h1 class="art-title">{title}</h1>
<div class="art-info"><span>发布时间：2024-03-18 10:26</span><span>来源：县司法局</span><span>浏览次数：<script src="/counter.js?id=48213"></script></span>
<span class="fontsize">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</span></div>
<div class="art-con" id="zoom">
'''

HTML_FOOT = '''</div>
<div class="art-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="related"><h3>相关链接</h3><ul>
<li><a href="/zwgk/fdzdgknr/fzzfjs/202303/t20230315_1.html">婺源县2022年法治政府建设年度报告</a></li>
<li><a href="/zwgk/fdzdgknr/fzzfjs/202401/t20240105_2.html">婺源县2023年政府信息公开工作年度报告</a></li>
</ul></div>
</div>
</div>
<div class="footer"><div class="w1200">
<p><a href="/about/">关于我们</a> | <a href="/map/">网站地图</a> | <a href="/contact/">联系我们</a></p>
<p>主办：婺源县人民政府办公室　承办：婺源县融媒体中心　地址：江西省上饶市婺源县蚺城街道文公北路</p>
<p>赣ICP备05004367号　政府网站标识码：3611300001　赣公网安备 36113002000101号</p>
<p>Copyright &copy; 2025 www.jxwy.gov.cn All Rights Reserved.</p>
</div></div>
</body>
</html>
'''


def write_html(stem, blocks):
    pb = plain_blocks(blocks)
    title = [t for k, t in pb if k == 'title'][0]
    parts = [HTML_HEAD.format(title=title)]
    for kind, text in pb:
        if kind == 'title':
            continue
        if kind == 'table':
            t = TABLES[text]
            parts.append('<p style="text-align:center;"><strong>%s</strong></p>' % html.escape(t['caption']))
            parts.append('<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse;margin:0 auto;">')
            for row in t['rows']:
                parts.append('<tr>')
                for cell in row:
                    if isinstance(cell, str):
                        cell = {'t': cell}
                    tag = 'th' if cell.get('th') else 'td'
                    attrs = ''
                    if cell.get('rs', 1) > 1:
                        attrs += ' rowspan="%d"' % cell['rs']
                    if cell.get('cs', 1) > 1:
                        attrs += ' colspan="%d"' % cell['cs']
                    parts.append('<%s%s>%s</%s>' % (tag, attrs, html.escape(cell['t']), tag))
                parts.append('</tr>')
            parts.append('</table>')
            continue
        esc = html.escape(text, quote=False)
        esc = re.sub(r'\*\*([^*]+)\*\*', r'<strong>\1</strong>', esc)
        if kind in ('h1', 'h2', 'h3', 'bold'):
            parts.append('<p style="text-indent:2em;"><strong>%s</strong></p>' % esc)
        elif kind == 'right':
            parts.append('<p style="text-align:right;">%s</p>' % esc)
        else:
            parts.append('<p style="text-indent:2em;">%s</p>' % esc)
    parts.append(HTML_FOOT)
    data = '\n'.join(parts).encode('gbk')  # strict: fails on any non-GBK character
    with open(os.path.join(OUT, stem + '.html'), 'wb') as f:
        f.write(data)


# ---------------------------------------------------------------- checks
def load_checker():
    import importlib.util
    spec = importlib.util.spec_from_file_location('check_gold', os.path.join(ROOT, 'gold', 'check_gold.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def unmarked_numbers(blocks):
    """Digits or Chinese numeral quantities in body text not covered by fact markup (for review)."""
    hits = []
    for kind, text in blocks:
        if kind in ('table',):
            continue
        rest = FACT_RE.sub('§', text)
        for m in re.finditer(r'[0-9][0-9.,]*[^0-9\s]?', rest):
            ctx = rest[max(0, m.start() - 6):m.end() + 4]
            tok = m.group()
            if re.match(r'^(19|20)[0-9]{2}[年—\-－]', tok) or re.search(r'(19|20)\d\d[年—]', ctx[ctx.find(tok):]):
                continue
            if tok.startswith('12345') or tok.startswith('12348'):
                continue
            hits.append(ctx)
    return hits


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(FACTS, exist_ok=True)
    checker = load_checker()
    total_ok = True
    for stem, (ext, year, dscope, region, prov, city) in REPORTS.items():
        blocks = read_source(stem)
        if ext == 'docx':
            write_docx(stem, blocks, styled=True)
            fn = stem + '.docx'
        elif ext == 'docx-plain':
            write_docx(stem, blocks, styled=False)
            fn = stem + '.docx'
        elif ext == 'pdf':
            write_pdf(stem, blocks)
            fn = stem + '.pdf'
        elif ext == 'html':
            write_html(stem, blocks)
            fn = stem + '.html'
        elif ext == 'txt':
            write_txt(stem, blocks)
            fn = stem + '.txt'
        elif ext == 'txt-indent':
            write_txt(stem, blocks, indent=True)
            fn = stem + '.txt'
        facts = collect_facts(stem, blocks)
        text = checker.extract_text(os.path.join(OUT, fn))
        norm = checker.norm(text)
        missing = [f for f in facts if checker.norm(f['text']) not in norm]
        for f in facts:
            if f['text'] and re.fullmatch(r'[0-9.]+', f['text']):
                pass
        with open(os.path.join(FACTS, stem + '.jsonl'), 'w', encoding='utf-8') as fo:
            for f in facts:
                rec = {k: f.get(k) for k in ('measure', 'value', 'unit', 'kind', 'period', 'year', 'scope',
                                              'scope_kind', 'table_cell')}
                rec['text'] = f['text']
                if f.get('approx'):
                    rec['approx'] = f['approx']
                v = rec['value']
                if isinstance(v, float) and v.is_integer():
                    rec['value'] = int(v)
                fo.write(json.dumps(rec, ensure_ascii=False) + '\n')
        body_len = len(re.sub(r'\s', '', text))
        print('%-16s %-5s chars(no ws)=%5d facts=%3d missing=%d' % (stem, fn.split('.')[-1], body_len, len(facts),
                                                                     len(missing)))
        for f in missing:
            print('   MISSING in text:', f['text'], f['measure'])
            total_ok = False
        um = unmarked_numbers(blocks)
        for h in um:
            print('   unmarked number:', h)
    return 0 if total_ok else 1


if __name__ == '__main__':
    sys.exit(main())
