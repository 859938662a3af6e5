"""Synthetic scale corpus: the five real reports re-issued by other county-level units, years and figures.

Issue 7 asks how govqa behaves at China's scale (≈2,800 county-level units, ≈30,000 reports a
decade, ≈1M chunks). No such corpus can be committed, so the bench generates one: each synthetic
report is a real report from evals/corpus with its region, city and province replaced by another
county-level unit from the gazetteer, its years shifted, its counts scaled by one factor per report
and its percentages jittered within 0–100 %. Sections, chrome and the phrasing of metrics stay those of
a real report, so loaders, section parsing, metric extraction and BM25 see realistic text.

Deterministic for a seed. Writes plain text files plus `manifest.jsonl` (which real report each file
came from, so the bench can give a synthetic chunk the vector of the real chunk it derives from).

    python -m evals.scale_corpus --chunks 10000 --out /tmp/govqa-scale-10k
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.chunking import chunk_paragraphs
from ingest.loaders import load
from ingest.metadata import detect_metadata
from ingest.pipeline import doc_id_for
from ingest.sections import parse_sections
from rag.domain.gazetteer import Division, load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "evals" / "corpus"
COUNTY_LEVELS = frozenset({"区", "县", "县级市", "旗"})
YEARS = range(2014, 2025)
FILES_PER_DIR = 1000  # keeps directory listings fast at 1M chunks (≈50k files)

# A count is a number directly followed by one of these units; years, dates and ordinals never are.
_COUNT = re.compile(r"(?<![\d.])(\d+)(?=\s*(?:件|人次|人|次|个|场|家|份|条|项|名|起|户|余件|余人|万元|元|篇|期|所|批))")
_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*%)")
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")


@dataclass(frozen=True)
class BaseReport:
    """One real report as the generator needs it: raw text, its region names and chunk count."""

    doc_id: str
    source: str
    raw: str
    year: int
    names: dict[str, str]  # role -> name as written: region, region_short, city, city_short, province, …
    chunks: int


def base_reports(corpus: Path = CORPUS, chunk_size: int = 300) -> list[BaseReport]:
    """The real reports with their detected region, year and chunk count (measured by the real chunker)."""
    gazetteer = load_gazetteer()
    reports = []
    for path in sorted(corpus.glob("*.txt")):
        loaded = load(path)
        meta = detect_metadata(loaded.text, raw=loaded.raw, title_hint=loaded.title_hint, filename=path.name)
        if not (meta.region and meta.year):
            continue
        division = next(iter(gazetteer.by_name(meta.region)), None)
        names = _names(meta.region, division.short if division else None, meta.city, meta.province)
        paragraphs, _ = parse_sections(loaded.text)
        chunks = len(chunk_paragraphs(loaded.text, paragraphs, size=chunk_size))
        raw = path.read_text(encoding="utf-8")
        reports.append(BaseReport(doc_id_for(path), path.name, raw, meta.year, names, chunks))
    return reports


def target_units() -> list[Division]:
    """Current county-level units that can stand in for a reporting region."""
    return [d for d in load_gazetteer().divisions if d.current and d.level in COUNTY_LEVELS and d.province]


def _names(region: str, short: str | None, city: str | None, province: str | None) -> dict[str, str]:
    names = {"region": region}
    if short and short != region:
        names["region_short"] = short
    # A municipality is its own city and province (北京市); one role is enough for it.
    if city:
        names["city"] = city
        if len(city) > 2 and city.endswith("市"):
            names["city_short"] = city[:-1]
    if province and province != city:
        names["province"] = province
        if len(province) > 2 and province[-1] in "省市":
            names["province_short"] = province[:-1]
    return names


def _replacement(unit: Division) -> dict[str, str]:
    city = unit.city or unit.province or unit.name
    province = unit.province or city
    return {
        "region": unit.name, "region_short": unit.short, "city": city,
        "city_short": city[:-1] if len(city) > 2 and city.endswith("市") else city,
        "province": province, "province_short": province[:-1] if len(province) > 2 else province,
    }


def rename(text: str, base: BaseReport, unit: Division, year: int) -> str:
    """`text` about `base` moved to `unit` and `year`: region, city and province names swapped, years shifted."""
    new = _replacement(unit)
    mapping = {written: new[role] for role, written in base.names.items()}
    # One pass, longest name first, so a replaced name is never replaced again (石景山区 before 石景山).
    names = re.compile("|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)))
    text = names.sub(lambda m: mapping[m.group(0)], text)
    shift = year - base.year
    return _YEAR.sub(lambda m: str(int(m.group(1)) + shift) if abs(int(m.group(1)) - base.year) <= 3 else m.group(1),
                     text)


def synthesize(base: BaseReport, unit: Division, year: int, rng: random.Random) -> str:
    """`base` as if `unit` had written it about `year`: names swapped, years shifted, figures perturbed."""
    text = rename(base.raw, base, unit, year)
    scale = rng.uniform(0.5, 2.0)  # one factor per report keeps counts consistent with each other

    def count(m: re.Match[str]) -> str:
        value = int(m.group(1))
        return str(max(0, round(value * scale))) if value > 3 else m.group(1)

    def percent(m: re.Match[str]) -> str:
        written = m.group(1)
        decimals = len(written.split(".")[1]) if "." in written else 0
        value = min(100.0, max(0.0, float(written) * rng.uniform(0.85, 1.15)))
        return f"{value:.{decimals}f}"

    text = _COUNT.sub(count, text)
    return _PERCENT.sub(percent, text)


def plan(bases: list[BaseReport], chunks: int, seed: int) -> Iterator[tuple[int, BaseReport, Division, int]]:
    """(index, base, unit, year) for reports until their base chunk counts reach `chunks`."""
    rng = random.Random(seed)
    units = target_units()
    real = {b.names["region"] for b in bases}
    units = [u for u in units if u.name not in real]
    total, i = 0, 0
    while total < chunks:
        base = bases[i % len(bases)]
        unit = units[rng.randrange(len(units))]
        yield i, base, unit, rng.choice(YEARS)
        total += base.chunks
        i += 1


def generate(out: Path, chunks: int, *, seed: int = 7, corpus: Path = CORPUS, include_real: bool = True
             ) -> dict[str, int]:
    """Write the corpus under `out`; returns counts (reports, estimated chunks).

    With `include_real` the real reports are copied in too (under `real/`) and count towards the size:
    the gold questions then stay answerable, with the synthetic reports as the haystack around them.
    """
    bases = base_reports(corpus)
    if not bases:
        raise ValueError(f"no usable reports (region and year detected) in {corpus}")
    out.mkdir(parents=True, exist_ok=True)
    reports, estimated = 0, 0
    with (out / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        if include_real:
            (out / "real").mkdir(exist_ok=True)
            for base in bases:
                (out / "real" / base.source).write_text(base.raw, encoding="utf-8")
                manifest.write(json.dumps({"doc_id": base.doc_id, "file": f"real/{base.source}", "base": base.doc_id,
                                           "region": base.names["region"], "year": base.year, "synthetic": False},
                                          ensure_ascii=False) + "\n")
                reports += 1
                estimated += base.chunks
        for i, base, unit, year in plan(bases, chunks - estimated, seed):
            rng = random.Random(f"{seed}:{i}")
            name = f"{i:07d}-{unit.pinyin.lower() or unit.code}-{year}.txt"
            folder = out / f"{i // FILES_PER_DIR:04d}"
            folder.mkdir(exist_ok=True)
            path = folder / name
            path.write_text(synthesize(base, unit, year, rng), encoding="utf-8")
            manifest.write(json.dumps({"doc_id": doc_id_for(path), "file": str(path.relative_to(out)),
                                       "base": base.doc_id, "region": unit.name, "year": year, "unit": unit.code,
                                       "synthetic": True},
                                      ensure_ascii=False) + "\n")
            reports += 1
            estimated += base.chunks
    return {"reports": reports, "estimated_chunks": estimated}


def scale_questions(out: Path, questions: list[str], *, seed: int = 7, corpus: Path = CORPUS) -> list[str]:
    """Each question naming a real report's region, asked again about a synthetic report derived from it.

    Renamed exactly as the report was (`rename`), so the question is answerable from the synthetic
    report as the original is from the real one; questions naming no region are kept once.
    """
    bases = {b.doc_id: b for b in base_reports(corpus)}
    gazetteer = load_gazetteer()
    rows = [r for r in map(json.loads, (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines())
            if r.get("synthetic")]
    rng = random.Random(seed)
    asked = []
    for question in questions:
        about = [b for b in bases.values() if any(name in question for name in b.names.values())]
        candidates = [r for r in rows if about and r["base"] == about[0].doc_id]
        if candidates:
            row = rng.choice(candidates)
            unit = gazetteer.by_code(row["unit"])
            if unit is not None:
                asked.append(rename(question, about[0], unit, row["year"]))
    return asked


def read_manifest(out: Path) -> dict[str, str]:
    """doc_id -> the real report's doc_id it was derived from."""
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["doc_id"]: row["base"] for row in map(json.loads, lines)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, required=True, help="approximate number of chunks to generate")
    parser.add_argument("--out", type=Path, required=True, help="target directory (not committed)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.chunks <= 0:
        parser.error("--chunks must be positive")
    counts = generate(args.out, args.chunks, seed=args.seed)
    print(f"{counts['reports']} reports, ≈{counts['estimated_chunks']} chunks in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
