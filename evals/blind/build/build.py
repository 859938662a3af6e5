#!/usr/bin/env python3
"""Build blind reports + fact lists from marked-up sources in build/src/*.src.
Markup: {{written|measure|key=val...}}  keys: s scope, sk scope_kind, p period, k kind,
y year, v value, u unit, a approx.  Lines: '# ' h1, '## ' h2, '### ' h3,
'TABLE|caption' ... rows 'a|b|c' ... 'ENDTABLE'.  Header lines '@key value' before '---'."""
import re, json, sys, html, os
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / 'build' / 'src'
CN = {'零':0,'〇':0,'一':1,'二':2,'两':2,'三':3,'四':4,'五':5,'六':6,'七':7,'八':8,'九':9}
CNU = {'十':10,'百':100,'千':1000}
def cn2num(s):
    if re.fullmatch(r'[\d.]+', s): return float(s)
    total, cur = 0, 0
    for ch in s:
        if ch in CN: cur = CN[ch]
        elif ch in CNU:
            total += (cur or 1) * CNU[ch]; cur = 0
        else: raise ValueError(s)
    return float(total + cur)
NUM = r'[\d.]+|[零〇一二两三四五六七八九十百千]+'
def parse_written(w):
    approx = None; x = w
    for pre in ('超过', '约', '近', '逾'):
        if x.startswith(pre): approx = pre; x = x[len(pre):]; break
    for suf in ('以上',):
        if x.endswith(suf): approx = suf; x = x[:-len(suf)]
    if x.startswith('百分之'):
        x = x[3:]; v = 100.0 if x == '百' else cn2num(x); return v, '%', approx
    m = re.match(r'^(' + NUM + r')(.*)$', x)
    if not m: raise ValueError('cannot parse ' + w)
    v = cn2num(m.group(1)); rest = m.group(2)
    if rest.startswith('余'): approx = '余'; rest = rest[1:]
    if rest not in ('万元', '亿元') and rest[:1] in ('万', '亿'):
        v *= 10000 if rest[0] == '万' else 1e8; rest = rest[1:]
        if rest.startswith('余'): approx = '余'; rest = rest[1:]
    if rest.startswith('余'): approx = '余'; rest = rest[1:]
    return v, rest, approx
def norm(v):
    return int(v) if float(v).is_integer() else round(v, 4)
GOV = {'县政府', '市政府', '区政府'}
REG = {'全县', '全市', '全区'}
def context_for(text, a, b):
    ls = text.rfind('\n', 0, a) + 1; le = text.find('\n', b); le = len(text) if le < 0 else le
    L = max(ls, a - 12); R = min(le, b + 6)
    while R - L < 10 and (L > ls or R < le):
        if L > ls: L -= 1
        if R < le and R - L < 10: R += 1
    while R - L > 30: L += 1 if a - L > R - b else 0; R -= 0 if a - L > R - b else 1
    return text[L:R]
def build(path):
    raw = path.read_text(encoding='utf-8')
    head, body = raw.split('\n---\n', 1)
    meta = {}
    for l in head.splitlines():
        if l.startswith('@'):
            k, _, v = l[1:].partition(' '); meta[k] = v.strip()
    year = int(meta['year']); dscope = meta.get('scope', '全县'); stem = meta['stem']
    blocks = []  # (type, payload)
    lines = body.strip('\n').split('\n'); i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith('TABLE|'):
            cap = l[6:]; rows = []; i += 1
            while lines[i] != 'ENDTABLE': rows.append([c.strip() for c in lines[i].split('|')]); i += 1
            blocks.append(('table', (cap, rows)))
        elif l.startswith('### '): blocks.append(('h3', l[4:]))
        elif l.startswith('## '): blocks.append(('h2', l[3:]))
        elif l.startswith('# '): blocks.append(('h1', l[2:]))
        elif l.strip(): blocks.append(('p', l))
        i += 1
    facts = []; plain_parts = []; out_blocks = []; offset = 0
    for typ, pay in blocks:
        if typ == 'table':
            cap, rows = pay; hdr = rows[0]
            for r in rows[1:]:
                label = r[0]; mu = re.match(r'^(.*?)[（(]([^）)]+)[）)]$', label)
                measure, unit = (mu.group(1), mu.group(2)) if mu else (label, meta.get('tunit', '件'))
                for j, cell in enumerate(r[1:], 1):
                    col = hdr[j]; ym = re.search(r'(\d{4})', col)
                    cy = int(ym.group(1)) if ym else (year - 1 if '上年' in col else year)
                    kind = 'change' if ('同比' in col or '增减' in col) else 'level'
                    c = cell.replace('+', '')
                    if c in ('—', '-', ''): continue
                    cu = unit
                    if c.endswith('个百分点'): cu = '个百分点'; c = c[:-4]
                    elif c.endswith('%'): cu = '%'; c = c[:-1]
                    facts.append(dict(doc=stem, measure=measure, value=norm(float(c)), unit=cu, written=cell,
                        approx=None, kind=kind, period=meta.get(f'tperiod{cy}') or meta.get('tperiod') or None, year=cy, direction=(('down' if cell.startswith('-') else 'up') if kind == 'change' else None), scope=dscope,
                        scope_kind='region', context=cell, table={'row': label, 'column': col}, span=None))
            tabtext = '\n'.join(' '.join(r) for r in rows)
            out_blocks.append(('table', (cap, rows)))
            plain_parts.append(cap + '\n' + tabtext); offset += len(cap) + 1 + len(tabtext) + 1
            continue
        text = ''; pos = 0; pend = []
        for m in re.finditer(r'\{\{(.*?)\}\}', pay):
            text += pay[pos:m.start()]; parts = m.group(1).split('|')
            w = parts[0]; measure = parts[1]; kv = dict(p.split('=', 1) for p in parts[2:])
            try: v, u, ap = parse_written(w)
            except ValueError:
                if 'v' not in kv: raise
                v, u, ap = None, None, None
            if 'v' in kv: v = float(kv['v'])
            vmax = float(kv['vmax']) if 'vmax' in kv else None
            if 'u' in kv: u = kv['u']
            if 'a' in kv: ap = kv['a'] or None
            sc = kv.get('s', dscope)
            sk = kv.get('sk') or ('region' if sc in REG else 'government' if sc in GOV else 'subunit')
            kind = kv.get('k', 'change' if u == '个百分点' else 'level')
            a = len(text); text += w
            pend.append((a, a + len(w), dict(doc=stem, measure=measure, value=norm(v), unit=u, written=w,
                approx=ap, kind=kind, period=kv.get('p', meta.get('period')) or None, year=int(kv.get('y', year)),
                scope=sc, scope_kind=sk, context=None, table=None, _ctx=kv.get('ctx'), **({'value_max': norm(vmax)} if vmax is not None else {}))))
            pos = m.end()
        text += pay[pos:]
        for a, b, f in pend:
            f['context'] = f.pop('_ctx', None) or context_for(text, a, b); f['span'] = [offset + a, offset + b]
            if f['period'] is None:
                sent = text[text.rfind('。', 0, a) + 1:a]
                for pw in ('1-11月', '截至11月底', '全年', '年内'):
                    if pw in sent: f['period'] = pw; break
            if f['kind'] == 'change':
                pre = text[max(0, a - 8):a]
                dn = max(pre.rfind(w) for w in ('下降', '减少', '降低', '缩短', '压缩'))
                up = max(pre.rfind(w) for w in ('增长', '增加', '提高', '上升', '扩大', '多'))
                f['direction'] = 'down' if dn > up else 'up' if up > dn else None
            else: f['direction'] = None
            facts.append(f)
        out_blocks.append((typ, text)); plain_parts.append(text); offset += len(text) + 1
    plain = '\n'.join(plain_parts) + '\n'
    fmt = meta['format']; out = ROOT / 'reports' / f'{stem}.{fmt}'
    globals()['render_' + fmt](out, out_blocks, meta, plain)
    with open(ROOT / 'facts' / f'{stem}.jsonl', 'w', encoding='utf-8') as fh:
        for f in facts: fh.write(json.dumps(f, ensure_ascii=False) + '\n')
    n = len(re.sub(r'[^\u4e00-\u9fff]', '', plain))
    print(f'{stem}.{fmt}: {len(facts)} facts, {n} CJK chars')
def render_txt(out, blocks, meta, plain):
    lines = []
    for t, p in blocks:
        if t == 'table':
            cap, rows = p; lines.append(cap); lines += ['\t'.join(r) for r in rows]
        else: lines.append(p)
    out.write_text('\n'.join(lines) + '\n', encoding='utf-8')
def render_html(out, blocks, meta, plain):
    e = html.escape; b = []
    for t, p in blocks:
        if t == 'table':
            cap, rows = p; hdr = rows[0]
            ycols = [h for h in hdr[1:] if re.search(r'\d{4}年|上年|本年', h)]
            other = [h for h in hdr[1:] if h not in ycols]
            s = f'<table border="1" cellspacing="0" cellpadding="4" class="tjb"><caption>{e(cap)}</caption>\n'
            s += f'<tr><th rowspan="2">{e(hdr[0])}</th><th colspan="{len(ycols)}">年度</th>' + ''.join(f'<th rowspan="2">{e(h)}</th>' for h in other) + '</tr>\n'
            s += '<tr>' + ''.join(f'<th>{e(h)}</th>' for h in ycols) + '</tr>\n'
            for r in rows[1:]: s += '<tr>' + ''.join(f'<td>{e(c)}</td>' for c in r) + '</tr>\n'
            b.append(s + '</table>')
        elif t == 'h1' and meta.get('hbold'): b.append(f'<p style="text-indent:2em"><strong>{e(p)}</strong></p>')
        elif t in ('h1', 'h2', 'h3'): b.append(f'<p style="text-indent:2em;font-weight:bold">{e(p)}</p>')
        else: b.append(f'<p style="text-indent:2em">{e(p)}</p>')
    title = blocks[0][1]
    page = f'''<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{e(title)}_{e(meta['site'])}</title>
<link rel="stylesheet" href="/css/main.css"><script src="/js/jquery.min.js"></script></head>
<body>
<div class="top"><a href="/">无障碍浏览</a> | <a href="/">长者模式</a> | <a href="/">English</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zmhd/">政民互动</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/zjxx/">走进{e(meta['short'])}</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/fdzdgknr/">法定主动公开内容</a> &gt; {e(meta['crumb'])}</div>
<div class="article">
<h1 class="arttitle">{e(title)}</h1>
<div class="artinfo">发布时间：{e(meta['pubdate'])}　来源：{e(meta['source'])}　浏览次数：{e(meta['views'])}　【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor" id="zoom">
{chr(10).join(b[1:])}
</div>
<div class="share">分享到：微信 微博　<a href="javascript:window.print()">【打印本页】</a>　<a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">国务院</a></li><li><a href="#">{e(meta['prov'])}人民政府</a></li></ul></div>
<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sybz/">使用帮助</a></p>
<p>主办单位：{e(meta['host'])}　承办：{e(meta['host'])}办公室</p>
<p>网站标识码：{e(meta['bsm'])}　<a href="https://beian.miit.gov.cn/">{e(meta['icp'])}</a>　{e(meta['gongan'])}</p>
</div>
</body></html>
'''
    out.write_bytes(page.encode('gbk'))
def render_docx(out, blocks, meta, plain):
    from docx import Document
    from docx.shared import Pt
    from docx.oxml.ns import qn
    d = Document(); st = d.styles['Normal']; st.font.name = '仿宋'; st.element.rPr.rFonts.set(qn('w:eastAsia'), '仿宋'); st.font.size = Pt(14)
    mode = meta.get('docx', 'heading')
    for idx, (t, p) in enumerate(blocks):
        if t == 'table':
            cap, rows = p; d.add_paragraph(cap)
            tb = d.add_table(rows=len(rows), cols=len(rows[0])); tb.style = 'Table Grid'
            for i, r in enumerate(rows):
                for j, c in enumerate(r): tb.cell(i, j).text = c
        elif idx == 0:
            para = d.add_paragraph(); run = para.add_run(p); run.bold = True; run.font.size = Pt(20); para.alignment = 1
        elif t in ('h1', 'h2', 'h3') and mode == 'heading':
            d.add_heading(p, level={'h1': 1, 'h2': 2, 'h3': 3}[t])
        elif t in ('h1', 'h2') and mode == 'bold':
            para = d.add_paragraph(); para.add_run(p).bold = True
        else: d.add_paragraph(p)
    d.save(out)
def render_pdf(out, blocks, meta, plain):
    from fpdf import FPDF
    class P(FPDF):
        def header(self):
            self.set_font('wq', size=9); self.cell(0, 6, meta['runhead'], align='C'); self.ln(4)
            self.line(15, self.get_y() + 1, 195, self.get_y() + 1); self.ln(5)
        def footer(self):
            self.set_y(-14); self.set_font('wq', size=9); self.cell(0, 8, f'— {self.page_no()} —', align='C')
    pdf = P(format='A4'); pdf.set_margins(15, 15, 15); pdf.set_auto_page_break(True, 18)
    pdf.add_font('wq', '', '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'); pdf.add_font('wq', 'B', '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'); pdf.add_page()
    for idx, (t, p) in enumerate(blocks):
        if t == 'table':
            cap, rows = p; pdf.set_font('wq', size=10.5); pdf.multi_cell(0, 7, cap, align='C', new_x='LMARGIN', new_y='NEXT')
            with pdf.table(col_widths=[70] + [30] * (len(rows[0]) - 1), text_align='CENTER', line_height=7) as tb:
                for r in rows:
                    row = tb.row()
                    for c in r: row.cell(c)
            pdf.ln(2)
        elif idx == 0:
            pdf.set_font('wq', size=16); pdf.multi_cell(0, 10, p, align='C', new_x='LMARGIN', new_y='NEXT'); pdf.ln(2)
        elif t in ('h1', 'h2', 'h3'):
            pdf.set_font('wq', size=13 if t == 'h1' else 12); pdf.multi_cell(0, 8, p, new_x='LMARGIN', new_y='NEXT')
        else:
            pdf.set_font('wq', size=11.5); pdf.multi_cell(0, 7.5, p, new_x='LMARGIN', new_y='NEXT')
    pdf.output(str(out))
if __name__ == '__main__':
    for p in sorted(SRC.glob('*.src')) if len(sys.argv) < 2 else [Path(a) for a in sys.argv[1:]]:
        build(p)
