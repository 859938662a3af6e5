#!/usr/bin/env python
"""Checker for evals/wording/a.jsonl (adapted from evals/blind18/gold/check_gold.py).

Verifies
  * ids are unique and well-formed, required fields are present, categories are known;
  * every evidence quote is 8-30 characters, unchanged by NFKC, and occurs exactly once in the text
    of its report (text extracted here from txt / html / docx / pdf; compared after NFKC and removing
    whitespace and '*', and also in the raw extracted text);
  * each reference answer passes its own must_include / must_not_include under the contract's rules
    (NFKC, whitespace and '*' removed; list entry = alternatives; a number entry must stand alone);
  * no must_not_include entry is a single digit; unanswerable items carry no evidence.

  * ids are words-a-NNN, lang is one of en / zh-colloquial / zh / zh-hant, follow-ups carry history,
    no question repeats one of dev.jsonl / own.jsonl;
  * counts by category and by lang are printed.

Usage: python check_a.py [a.jsonl]     (exit status 0 when everything passes)
Reports are looked up in ../corpus (the five bundled ones), ../blind/reports and ../blind18/reports:
the 20 reports of the store.
"""
import collections
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REPORT_DIRS = [os.path.join(ROOT, 'corpus'), os.path.join(ROOT, 'blind', 'reports'),
               os.path.join(ROOT, 'blind18', 'reports'), '/work/shared/corpus']
LANGS = {'en', 'zh-colloquial', 'zh', 'zh-hant'}
OTHER_GOLD = [os.path.join(ROOT, 'gold', 'own.jsonl'), '/work/shared/gold/dev.jsonl']
CATEGORIES = {
    'lookup-english', 'lookup-colloquial', 'lookup-plain', 'exact-wording-differs', 'stated-rate',
    'derived-rate', 'compare', 'rank', 'follow-up', 'collection', 'near-miss', 'unanswerable',
}


# ------------------------------------------------------------------ text extraction
def _html_text(path):
    import lxml.html
    raw = open(path, 'rb').read()
    m = re.search(rb'charset\s*=\s*["\']?([A-Za-z0-9_-]+)', raw[:2048])
    enc = m.group(1).decode('ascii').lower() if m else 'utf-8'
    if enc in ('gb2312', 'gbk'):
        enc = 'gb18030'
    text = raw.decode(enc)
    doc = lxml.html.fromstring(text)
    for bad in doc.xpath('//script|//style'):
        bad.drop_tree()
    blocks = []
    for el in doc.iter():
        if el.tag in ('p', 'h1', 'h2', 'h3', 'div', 'li', 'tr', 'br', 'table', 'span'):
            if el.tail:
                pass
    # simple and deterministic: block elements end a line, cells are tab separated
    for el in doc.iter('br'):
        el.tail = '\n' + (el.tail or '')
    for el in doc.iter('p', 'h1', 'h2', 'h3', 'div', 'li', 'tr', 'table'):
        el.tail = '\n' + (el.tail or '')
    for el in doc.iter('td', 'th'):
        el.tail = '\t' + (el.tail or '')
    return doc.text_content()


def _docx_text(path):
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    d = docx.Document(path)
    out = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.split('}')[-1]
        if tag == 'p':
            out.append(Paragraph(child, d).text)
        elif tag == 'tbl':
            t = Table(child, d)
            for row in t.rows:
                cells = []
                prev = None
                for c in row.cells:
                    if prev is not None and c._tc is prev:
                        continue
                    prev = c._tc
                    cells.append(c.text)
                out.append('\t'.join(cells))
    return '\n'.join(out)


def _pdf_text(path):
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return '\n'.join((p.extract_text() or '') for p in pdf.pages)


def extract_text(path):
    ext = os.path.splitext(path)[1].lower()
    if ext in ('.txt', '.md'):
        return open(path, encoding='utf-8').read()
    if ext in ('.html', '.htm'):
        return _html_text(path)
    if ext == '.docx':
        return _docx_text(path)
    if ext == '.pdf':
        return _pdf_text(path)
    raise ValueError('unsupported file: %s' % path)


def norm(s):
    s = unicodedata.normalize('NFKC', s)
    return re.sub(r'[\s*]', '', s)


_TEXT_CACHE = {}


def doc_path(doc_id):
    for d in REPORT_DIRS:
        if not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            if os.path.splitext(fn)[0] == doc_id:
                return os.path.join(d, fn)
    return None


def doc_text(doc_id):
    if doc_id not in _TEXT_CACHE:
        p = doc_path(doc_id)
        _TEXT_CACHE[doc_id] = extract_text(p) if p else None
    return _TEXT_CACHE[doc_id]


# ------------------------------------------------------------------ scoring rules
NUM_ENTRY = re.compile(r'^[0-9]+(\.[0-9]+)?%?$')


def entry_found(entry, answer_norm):
    e = norm(entry)
    if not e:
        return False
    if NUM_ENTRY.match(e):
        return re.search(r'(?<![0-9.])' + re.escape(e) + r'(?![0-9.])', answer_norm) is not None
    return e in answer_norm


def passes(item, answer):
    a = norm(answer)
    problems = []
    for entry in item.get('must_include', []):
        alts = entry if isinstance(entry, list) else [entry]
        if not any(entry_found(x, a) for x in alts):
            problems.append('must_include %r not in answer' % (entry,))
    for entry in item.get('must_not_include', []) or []:
        alts = entry if isinstance(entry, list) else [entry]
        for x in alts:
            if re.fullmatch(r'[0-9]', norm(x)):
                problems.append('must_not_include bans a single digit %r' % x)
            if norm(x) and norm(x) in a:
                problems.append('must_not_include %r occurs in answer' % x)
    return problems


# ------------------------------------------------------------------ main
def main(path):
    items = [json.loads(l) for l in open(path, encoding='utf-8') if l.strip()]
    errors, warnings = [], []
    ids = collections.Counter(i.get('id') for i in items)
    for k, n in ids.items():
        if n > 1:
            errors.append('duplicate id %s' % k)
    cats = collections.Counter()
    langs = collections.Counter()
    other_questions = set()
    for g in OTHER_GOLD:
        if os.path.exists(g):
            for l in open(g, encoding='utf-8'):
                if l.strip():
                    other_questions.add(norm(json.loads(l)['question']))
    for it in items:
        iid = it.get('id', '?')
        for f in ('id', 'question', 'kind', 'answerable', 'answer', 'must_include', 'evidence', 'category'):
            if f not in it:
                errors.append('%s: missing field %s' % (iid, f))
        if not re.fullmatch(r'words-a-\d{3}', iid):
            errors.append('%s: id not of the form words-a-NNN' % iid)
        langs[it.get('lang')] += 1
        if it.get('lang') not in LANGS:
            errors.append('%s: unknown lang %r' % (iid, it.get('lang')))
        if it.get('category') == 'follow-up' and not it.get('history'):
            errors.append('%s: follow-up without history' % iid)
        if norm(it.get('question', '')) in other_questions:
            errors.append('%s: question repeats a dev/own item' % iid)
        cat = it.get('category')
        cats[cat] += 1
        if cat not in CATEGORIES:
            errors.append('%s: unknown category %r' % (iid, cat))
        if 'history' in it and not (isinstance(it['history'], list) and all(isinstance(h, str) for h in it['history'])):
            errors.append('%s: history must be a list of strings' % iid)
        if it.get('answerable') is False:
            if it.get('evidence'):
                errors.append('%s: unanswerable item has evidence' % iid)
            if it.get('must_include'):
                warnings.append('%s: unanswerable item has must_include' % iid)
        else:
            if not it.get('must_include'):
                errors.append('%s: answerable item without must_include' % iid)
        for p in passes(it, it.get('answer', '')):
            errors.append('%s: %s' % (iid, p))
        for ev in it.get('evidence', []):
            doc, quote = ev.get('doc'), ev.get('quote', '')
            text = doc_text(doc)
            if text is None:
                errors.append('%s: unknown doc %s' % (iid, doc))
                continue
            if not (8 <= len(quote) <= 30):
                errors.append('%s: quote length %d out of 8-30: %s' % (iid, len(quote), quote))
            if unicodedata.normalize('NFKC', quote) != quote:
                errors.append('%s: quote changes under NFKC: %s' % (iid, quote))
            n = norm(text).count(norm(quote))
            if n != 1:
                errors.append('%s: quote occurs %d times in %s: %s' % (iid, n, doc, quote))
            raw_n = text.count(quote)
            raw_nfkc = unicodedata.normalize('NFKC', text).count(quote)
            if raw_n != 1 and raw_nfkc != 1:
                warnings.append('%s: quote not verbatim in raw extracted text of %s (line break or spacing?): %s'
                                % (iid, doc, quote))
    for w in warnings:
        print('WARN ', w)
    for e in errors:
        print('ERROR', e)
    print('items: %d' % len(items))
    for c in sorted(cats):
        print('  %-22s %d' % (c, cats[c]))
    for c in sorted(langs):
        print('  lang %-17s %d' % (c, langs[c]))
    print('RESULT: %s (%d errors, %d warnings)' % ('PASS' if not errors else 'FAIL', len(errors), len(warnings)))
    return 0 if not errors else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'a.jsonl')))
