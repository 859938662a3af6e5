#!/usr/bin/env python3
"""Check blind fact lists against the extracted text of each report."""
import json, re, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parent.parent
def extract(p):
    ext = p.suffix
    if ext == '.txt': return p.read_text(encoding='utf-8')
    if ext == '.html':
        import lxml.html
        return lxml.html.fromstring(p.read_bytes().decode('gbk')).text_content()
    if ext == '.docx':
        import docx
        d = docx.Document(str(p)); parts = [x.text for x in d.paragraphs]
        for t in d.tables:
            for r in t.rows: parts += [c.text for c in r.cells]
        return '\n'.join(parts)
    if ext == '.pdf':
        import pdfplumber
        with pdfplumber.open(str(p)) as pdf: return '\n'.join(pg.extract_text() or '' for pg in pdf.pages)
def ws(s): return re.sub(r'\s+', '', s)
bad = 0; total = 0
for rep in sorted((ROOT / 'reports').glob('*.*')):
    if rep.suffix not in ('.txt', '.html', '.docx', '.pdf'): continue
    text = ws(extract(rep)); ff = ROOT / 'facts' / f'{rep.stem}.jsonl'
    if not ff.exists(): print('NO FACTS', rep.name); bad += 1; continue
    facts = [json.loads(l) for l in ff.read_text(encoding='utf-8').splitlines() if l.strip()]
    seen = set(); nt = 0
    for f in facts:
        key = (f['measure'], f['value'], f['unit'], f['scope'], f['year'], f['period'], f['kind'], json.dumps(f['table'], ensure_ascii=False), f['context'])
        if key in seen: print('DUP', rep.stem, f['measure'], f['written']); bad += 1
        seen.add(key)
        if f['written'] not in f['context']: print('WRITTEN NOT IN CONTEXT', rep.stem, f); bad += 1
        if f['table']:
            nt += 1
            if ws(f['written']) not in text: print('TABLE CELL MISSING', rep.stem, f['written']); bad += 1
            continue
        if not (8 <= len(f['context']) <= 30): print('CONTEXT LEN', rep.stem, f['context']); bad += 1
        if ws(f['context']) not in text: print('CONTEXT MISSING', rep.stem, f['context']); bad += 1
        for k in ('doc', 'measure', 'value', 'unit', 'written', 'approx', 'kind', 'period', 'year', 'scope', 'scope_kind', 'context', 'table'):
            if k not in f: print('MISSING KEY', k, rep.stem); bad += 1
        if f['scope_kind'] not in ('region', 'government', 'subunit'): print('SCOPE_KIND', f); bad += 1
        if not isinstance(f['value'], (int, float)): print('VALUE', f); bad += 1
    total += len(facts)
    print(f'{rep.name:24s} {len(facts):3d} facts ({nt} table cells), {len(re.sub(r"[^一-鿿]", "", text))} CJK chars in extracted text')
print('total', total, 'problems', bad)
sys.exit(1 if bad else 0)
