"""How skillpulse scales on one machine: collect → extract → enrich → dedupe → report at growing store sizes.

What is measured, per size (default 10,000 and 100,000 postings; 1,000,000 is allowed):

- wall-clock seconds and postings/s of each stage, run as the pipeline runs them (``flows.pipeline``):
  ``collect_step.collect``, ``extract_step.extract``, ``enrich_step.enrich(group=False)``, then
  ``enrich_step.regroup`` (shown as "dedupe") and ``reports.build.build_report``, each on a fresh DuckDB
  store in a temporary directory;
- peak RSS per stage: a thread sums ``VmRSS`` of this process and all its descendants (the worker
  processes) every 0.2 s and keeps the highest sum seen during the stage;
- the growth per 10× postings between consecutive sizes: the ratio of each stage's seconds (10.0 is
  linear) and of the peak RSS (1.0 is flat);
- an unchanged re-run of collect + extract + enrich + dedupe on the same store: the fraction of the first
  run's extraction and enrichment work it repeats (postings extracted and enriched again ÷ the first run's),
  and its seconds;
- a taxonomy change (the ``hadoop`` skill gains the alias ``hadoop ecosystem``, as in
  ``tests/test_incremental_runs.py``): the postings re-extracted and those whose skills were carried over,
  as fractions of the full-text postings.

The postings are the bundled snapshot's real postings (every ``Posting`` ``SnapshotSource().fetch()``
yields, about 65,000; quarantined records skipped), held once in memory, resampled with replacement by a
seeded RNG and yielded lazily: copy ``k`` of a posting gets the source id ``<id>~<k>`` and keeps its source,
title, text, dates and payload unchanged, so no text is generated or altered. Exact duplicates therefore
exist from the start (7 % of the draws repeat an earlier one at 10,000, 49 % at 100,000, 93 % at
1,000,000), and dedupe groups them as it groups a real store's reposts; an HN structured row still names
its comment's original key as the same job, which no copy carries. The survey table is loaded once per
store before the stages (constant size).

``--workers N`` (default: every core this process may use) computes extraction and enrichment batches in
N spawned worker processes, submitted through ``flows.runners.submit_in_window`` as the pipeline's process
pool runner does; the pool is started and warmed (extractor compiled) before the timed stages, and its
start time is printed on its own. ``--workers 1`` computes the batches in this process.

Timings are wall-clock on a possibly busy machine: read the ratios, not the last digit. "Memory flat"
means the peak RSS of the process tree does not grow with the number of postings: it is the constant input
(the base sample, about 0.7 GB, and spaCy in each process) plus a few batches in flight; a stage whose
peak grows with the store holds something per posting in memory (a key list, a frame of the whole store,
or DuckDB's buffer cache, which grows with the file up to DuckDB's memory limit). The table also shows each
stage's peak above the RSS the size started with.

    .venv/bin/python benchmarks/scale.py --sizes 10000 100000 [--workers 2] [--json out.json]

The last lines read ``growth per 10x <a>-><b>: time <stage> <ratio> ... peak_rss <ratio>``, then
``unchanged re-run work fraction at <n>: <f>`` and ``taxonomy change re-extracted fraction at <n>: <f>``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import multiprocessing
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, wait
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import skillpulse
from skillpulse.extractors.skills import SkillExtractor
from skillpulse.extractors.taxonomy import load_taxonomy
from skillpulse.flows.runners import BATCHES_PER_WORKER, default_workers, submit_in_window
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.snapshot import SnapshotSource
from skillpulse.flows.steps import collect as collect_step
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store
from skillpulse.reports.build import build_report

SEED = 20_240_601
STAGES = ("collect", "extract", "enrich", "dedupe", "report")
SAMPLE_SECONDS = 0.2
PROGRESS_SECONDS = 20.0  # a long stage prints how far it got at most this often
HADOOP = "aliases: [hadoop, hdfs, mapreduce,"
HADOOP_MORE = "aliases: [hadoop, hdfs, hadoop ecosystem, mapreduce,"
MB = 1024 * 1024


# -- the input: real postings, resampled ----------------------------------------------------------------
def load_base(per_file: int | None = None) -> list[Posting]:
    """Every posting the bundled snapshot yields (``per_file`` caps each file, for quick trials)."""
    return [p for p in SnapshotSource(limit=per_file).fetch() if isinstance(p, Posting)]


class ResampledSource:
    """``n`` postings drawn with replacement from ``base`` by a seeded RNG, yielded one at a time.

    Copy ``k`` is the drawn posting with source id ``<id>~<k>``: keys are unique, everything else (source
    name, title, text, dates, payload) is the real posting's. The same seed gives the same postings again.
    """

    name = "scale"

    def __init__(self, base: Sequence[Posting], n: int, seed: int = SEED) -> None:
        self.base = base
        self.n = n
        self.seed = seed

    def fetch(self) -> Iterator[Posting]:
        rng = random.Random(self.seed)
        for k in range(self.n):
            posting = self.base[rng.randrange(len(self.base))]
            yield dataclasses.replace(posting, source_id=f"{posting.source_id}~{k}")


# -- batch work for the worker processes (top-level, so it pickles) --------------------------------------
@lru_cache(maxsize=2)
def cached_extractor(taxonomy_path: str) -> SkillExtractor:
    """One extractor per process and taxonomy: compiling it costs about a second."""
    return SkillExtractor(taxonomy_path)


def extract_batch(taxonomy_path: str, rows: list[tuple]) -> extract_step.ExtractBatch:
    return extract_step.extract_rows(cached_extractor(taxonomy_path), rows)


def enrich_batch(version: str, records: list[dict[str, Any]]) -> enrich_step.EnrichBatch:
    return enrich_step.enrich_rows(version, records)


def _warm(taxonomy_path: str) -> int:
    cached_extractor(taxonomy_path)
    time.sleep(0.5)  # hold this worker, so the next warm-up task starts another one
    return os.getpid()


def on_pool(pool: Executor | None, workers: int, fn: Callable[..., Any], arg: str) -> Callable | None:
    """``run_batches`` for a step: each batch ``fn(arg, batch)`` on the pool, ``2 * workers`` in flight;
    None (this process) without a pool."""
    if pool is None:
        return None

    def run_batches(batches: Iterable[Any]) -> Iterator[Any]:
        return submit_in_window(lambda b: pool.submit(fn, arg, b), batches, BATCHES_PER_WORKER * workers)

    return run_batches


# -- measuring --------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def _vm_rss(pid: int) -> int:
    """Resident bytes of ``pid`` (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int | None = None) -> int:
    """Resident bytes of ``pid`` (default: this process) and all its descendants."""
    todo, seen, total = [pid or os.getpid()], set(), 0
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _vm_rss(p)
        todo += _children(p)
    return total


class RssSampler:
    """Samples ``tree_rss`` every ``interval`` seconds in a thread; keeps the peak of the current stage
    (``begin``/``end``) and of the whole run."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self.interval = interval
        self.run_peak = 0
        self._stage_peak = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        rss = tree_rss()
        with self._lock:
            self._stage_peak = max(self._stage_peak, rss)
            self.run_peak = max(self.run_peak, rss)
        return rss

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def begin(self) -> int:
        """Start a stage: its peak starts at the RSS now, which is returned."""
        rss = tree_rss()
        with self._lock:
            self._stage_peak = rss
            self.run_peak = max(self.run_peak, rss)
        return rss

    def end(self) -> int:
        """The stage's peak RSS (bytes), a last sample included."""
        self.sample()
        with self._lock:
            return self._stage_peak


class Ticker:
    """A step's ``progress`` callback that prints how far it got, at most every ``PROGRESS_SECONDS``."""

    def __init__(self, label: str, total: int | None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.start = self.last = time.perf_counter()

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.perf_counter()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            of = f"/{self.total:,}" if self.total else ""
            rate = self.done / (now - self.start)
            print(f"      {self.label}: {self.done:,}{of} ({rate:,.0f}/s)", flush=True)


class Stages:
    """Runs and times the stages of one size, printing a line as each starts and ends."""

    def __init__(self, size: int, sampler: RssSampler, start_rss: int) -> None:
        self.size, self.sampler, self.start_rss = size, sampler, start_rss
        self.rows: dict[str, dict[str, float]] = {}

    def run(self, name: str, fn: Callable[[Ticker], Any], total: int | None = None) -> Any:
        print(f"  [{self.size:,}] {name} ...", flush=True)
        self.sampler.begin()
        start = time.perf_counter()
        result = fn(Ticker(name, total))
        seconds = time.perf_counter() - start
        peak = self.sampler.end()
        self.rows[name] = {
            "seconds": seconds,
            "postings_per_s": self.size / seconds if seconds > 0 else float("inf"),
            "peak_rss_mb": peak / MB,
            "peak_above_start_mb": (peak - self.start_rss) / MB,
        }
        print(f"  [{self.size:,}] {name} done in {seconds:.1f} s (peak RSS {peak / MB:,.0f} MB)", flush=True)
        return result


# -- one size ---------------------------------------------------------------------------------------------
def taxonomy_variant(directory: Path) -> Path:
    """The shipped taxonomy with ``hadoop ecosystem`` added to the hadoop skill's aliases."""
    text = Path(TAXONOMY_PATH).read_text(encoding="utf-8")
    if text.count(HADOOP) != 1:
        raise SystemExit(f"the shipped taxonomy no longer holds {HADOOP!r} once: update the benchmark")
    path = directory / "taxonomy-hadoop-ecosystem.yaml"
    path.write_text(text.replace(HADOOP, HADOOP_MORE), encoding="utf-8")
    return path


def start_pool(workers: int, taxonomy_path: str) -> ProcessPoolExecutor | None:
    """``workers`` spawned processes (none for 1), each with the extractor compiled."""
    if workers <= 1:
        return None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    wait([pool.submit(_warm, taxonomy_path) for _ in range(workers)])
    return pool


def run_size(
    n: int, base: Sequence[Posting], survey: Any, workers: int, sampler: RssSampler, tmp: Path
) -> dict[str, Any]:
    """Every stage on a fresh store of ``n`` resampled postings, then the re-run and the taxonomy change."""
    taxonomy_path = str(TAXONOMY_PATH)
    source = ResampledSource(base, n)
    started = time.perf_counter()
    pool = start_pool(workers, taxonomy_path)
    pool_seconds = time.perf_counter() - started
    extractor = cached_extractor(taxonomy_path)
    version = enrich_step.ENRICHER_VERSION
    start_rss = tree_rss()
    print(
        f"[{n:,}] {workers} worker(s) started in {pool_seconds:.1f} s; RSS at start {start_rss / MB:,.0f} MB",
        flush=True,
    )
    stages = Stages(n, sampler, start_rss)
    out: dict[str, Any] = {"postings": n, "pool_start_seconds": pool_seconds, "start_rss_mb": start_rss / MB}
    try:
        with Store(tmp / "scale.duckdb") as store:
            store.load_survey(survey)
            collected = stages.run(
                "collect", lambda t: collect_step.collect(store, source, f"scale-{n}", t), n
            )
            if collected.error:
                raise RuntimeError(f"collect failed: {collected.error}")
            run_ext = on_pool(pool, workers, extract_batch, taxonomy_path)
            extracted = stages.run("extract", lambda t: extract_step.extract(store, extractor, t, run_ext))
            run_enr = on_pool(pool, workers, enrich_batch, version)
            enriched = stages.run("enrich", lambda t: enrich_step.enrich(store, t, run_enr, group=False), n)
            duplicates = stages.run(
                "dedupe", lambda t: enrich_step.regroup(store, enriched["enriched"], t), n
            )
            summary = {
                "run_id": f"scale-{n}",
                "postings_read": n,
                "collected": [collected.as_dict()],
                "extracted": {**extracted, "extractor_version": extractor.version},
                "enriched": {**enriched, "duplicates": duplicates},
                "seconds": {k: round(v["seconds"], 1) for k, v in stages.rows.items()},
                "postings_total": store.count("postings"),
            }

            def report(_: Ticker) -> Any:
                return build_report(
                    store.con,
                    load_taxonomy(taxonomy_path),
                    extractor.version,
                    version,
                    tmp / "reports",
                    run_date=date.today(),
                    summary=summary,
                )

            stages.run("report", report)
            out["stages"] = stages.rows
            out["counts"] = {
                "stored": summary["postings_total"],
                "new": collected.counts.new,
                "extracted": extracted["extracted"],
                "enriched": enriched["enriched"],
                "duplicates": duplicates,
                "mentions": extracted["mentions"],
            }
            out["rerun"] = unchanged_rerun(store, source, extractor, pool, workers, extracted, enriched)
            out["taxonomy_change"] = taxonomy_change(store, pool, workers, tmp)
    finally:
        if pool is not None:
            pool.shutdown()
    return out


def unchanged_rerun(
    store: Store,
    source: ResampledSource,
    extractor: SkillExtractor,
    pool: Executor | None,
    workers: int,
    first_extract: dict[str, int],
    first_enrich: dict[str, int],
) -> dict[str, Any]:
    """Collect, extract, enrich and dedupe again with nothing changed: the work repeated, and seconds."""
    n = source.n
    print(f"  [{n:,}] unchanged re-run ...", flush=True)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    collect_step.collect(store, source, f"scale-{n}-again")
    seconds["collect"] = time.perf_counter() - start
    run_ext = on_pool(pool, workers, extract_batch, str(TAXONOMY_PATH))
    extracted = extract_step.extract(store, extractor, run_batches=run_ext)
    seconds["extract"] = time.perf_counter() - start - sum(seconds.values())
    run_enr = on_pool(pool, workers, enrich_batch, enrich_step.ENRICHER_VERSION)
    enriched = enrich_step.enrich(store, run_batches=run_enr, group=False)
    duplicates = enrich_step.regroup(store, enriched["enriched"])
    seconds["enrich+dedupe"] = time.perf_counter() - start - sum(seconds.values())
    total = time.perf_counter() - start
    first = first_extract["extracted"] + first_enrich["enriched"]
    again = extracted["extracted"] + enriched["enriched"]
    result = {
        "extracted": extracted["extracted"],
        "enriched": enriched["enriched"],
        "regrouped": duplicates != -1,
        "extract_fraction": extracted["extracted"] / max(1, first_extract["extracted"]),
        "enrich_fraction": enriched["enriched"] / max(1, first_enrich["enriched"]),
        "work_fraction": again / max(1, first),
        "seconds": seconds,
        "total_seconds": total,
    }
    print(
        f"  [{n:,}] unchanged re-run done in {total:.1f} s: extracted {extracted['extracted']:,}, "
        f"enriched {enriched['enriched']:,}, regrouped {'yes' if result['regrouped'] else 'no'}",
        flush=True,
    )
    return result


def taxonomy_change(store: Store, pool: Executor | None, workers: int, tmp: Path) -> dict[str, Any]:
    """Extract again with the hadoop alias added: postings re-extracted and carried over."""
    n = store.count("postings")
    print(f"  [{n:,}] taxonomy change (hadoop ecosystem alias) ...", flush=True)
    path = str(taxonomy_variant(tmp))
    start = time.perf_counter()
    changed = cached_extractor(path)
    run_ext = on_pool(pool, workers, extract_batch, path)
    result = extract_step.extract(store, changed, run_batches=run_ext)
    seconds = time.perf_counter() - start
    full = max(1, result["pending_before"])
    out = {
        "full_text_postings": result["pending_before"],
        "extracted": result["extracted"],
        "carried_over": result["carried_over"],
        "extracted_fraction": result["extracted"] / full,
        "carried_over_fraction": result["carried_over"] / full,
        "seconds": seconds,
    }
    print(
        f"  [{n:,}] taxonomy change done in {seconds:.1f} s: re-extracted {result['extracted']:,}, "
        f"carried over {result['carried_over']:,} of {result['pending_before']:,}",
        flush=True,
    )
    return out


# -- output -----------------------------------------------------------------------------------------------
def growth(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Time and peak-RSS ratios between consecutive sizes that differ 10×."""
    out = []
    for a, b in zip(results, results[1:], strict=False):
        if b["postings"] != 10 * a["postings"]:
            continue
        time_ratio = {s: b["stages"][s]["seconds"] / a["stages"][s]["seconds"] for s in STAGES}
        time_ratio["total"] = _total(b) / _total(a)
        out.append(
            {
                "from": a["postings"],
                "to": b["postings"],
                "time_ratio": time_ratio,
                "peak_rss_ratio": b["peak_rss_mb"] / a["peak_rss_mb"],
                "peak_above_start_ratio": _above(b) / _above(a) if _above(a) > 0 else None,
            }
        )
    return out


def _total(size: dict[str, Any]) -> float:
    return sum(size["stages"][s]["seconds"] for s in STAGES)


def _above(size: dict[str, Any]) -> float:
    return max(size["stages"][s]["peak_above_start_mb"] for s in STAGES)


def print_size(size: dict[str, Any]) -> None:
    n = size["postings"]
    print(
        f"\n{n:,} postings ({size['counts']['stored']:,} stored, {size['counts']['duplicates']:,} duplicates)"
    )
    print(f"  {'stage':<10}{'seconds':>10}{'postings/s':>12}{'peak RSS MB':>13}{'+MB over start':>16}")
    for stage in STAGES:
        row = size["stages"][stage]
        print(
            f"  {stage:<10}{row['seconds']:>10.1f}{row['postings_per_s']:>12,.0f}"
            f"{row['peak_rss_mb']:>13,.0f}{row['peak_above_start_mb']:>16,.0f}"
        )
    total = _total(size)
    print(
        f"  {'total':<10}{total:>10.1f}{n / total:>12,.0f}{size['peak_rss_mb']:>13,.0f}{_above(size):>16,.0f}"
    )
    rerun, change = size["rerun"], size["taxonomy_change"]
    print(
        f"  unchanged re-run: {rerun['total_seconds']:.1f} s (collect {rerun['seconds']['collect']:.1f}, "
        f"extract {rerun['seconds']['extract']:.1f}, enrich+dedupe {rerun['seconds']['enrich+dedupe']:.1f}); "
        f"extraction work {rerun['extract_fraction']:.1%}, enrichment work {rerun['enrich_fraction']:.1%} "
        f"of the first run's"
    )
    print(
        f"  taxonomy change (hadoop ecosystem alias): {change['seconds']:.1f} s; re-extracted "
        f"{change['extracted']:,} ({change['extracted_fraction']:.2%}), carried over "
        f"{change['carried_over']:,} ({change['carried_over_fraction']:.2%}) "
        f"of {change['full_text_postings']:,} full-text postings"
    )


def print_summary(results: list[dict[str, Any]], ratios: list[dict[str, Any]]) -> None:
    heads = [f"{r['postings']:,}/s" for r in results] + [f"x{g['from']:,}->{g['to']:,}" for g in ratios]
    width = max(14, *(len(h) + 2 for h in heads))
    print("\nsummary: postings/s per stage; growth: ratio per 10x postings (time 10 = linear, RSS 1 = flat)")
    print(f"  {'stage':<18}" + "".join(f"{h:>{width}}" for h in heads))
    for stage in STAGES:
        cells = [f"{r['stages'][stage]['postings_per_s']:,.0f}" for r in results]
        cells += [f"{g['time_ratio'][stage]:.2f}" for g in ratios]
        print(f"  {stage:<18}" + "".join(f"{c:>{width}}" for c in cells))
    cells = [f"{r['postings'] / _total(r):,.0f}" for r in results] + [
        f"{g['time_ratio']['total']:.2f}" for g in ratios
    ]
    print(f"  {'total':<18}" + "".join(f"{c:>{width}}" for c in cells))
    cells = [f"{r['peak_rss_mb']:,.0f}" for r in results] + [f"{g['peak_rss_ratio']:.2f}" for g in ratios]
    print(f"  {'peak RSS MB':<18}" + "".join(f"{c:>{width}}" for c in cells))
    cells = [f"{_above(r):,.0f}" for r in results] + [
        "-" if g["peak_above_start_ratio"] is None else f"{g['peak_above_start_ratio']:.2f}" for g in ratios
    ]
    print(f"  {'+MB over start':<18}" + "".join(f"{c:>{width}}" for c in cells))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="postings per run")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes for the batches")
    parser.add_argument("--json", type=Path, help="write every number to this file")
    parser.add_argument("--per-file", type=int, help="base sample: at most this many postings per file")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))

    print(f"skillpulse from {Path(skillpulse.__file__).parent}", flush=True)
    with RssSampler() as sampler:
        start = time.perf_counter()
        base = load_base(args.per_file)
        survey = SnapshotSource(limit=args.per_file).survey()
        base_rss = tree_rss()
        print(
            f"base sample: {len(base):,} real postings read in {time.perf_counter() - start:.1f} s; "
            f"RSS {base_rss / MB:,.0f} MB; sizes {', '.join(f'{s:,}' for s in sizes)}; "
            f"{args.workers} worker(s); seed {SEED}",
            flush=True,
        )
        results = []
        for n in sizes:
            with tempfile.TemporaryDirectory(prefix=f"skillpulse-scale-{n}-") as tmp:
                size = run_size(n, base, survey, args.workers, sampler, Path(tmp))
            size["peak_rss_mb"] = max(size["stages"][s]["peak_rss_mb"] for s in STAGES)
            results.append(size)
            print_size(size)
            gc.collect()
        run_peak = sampler.run_peak

    ratios = growth(results)
    print_summary(results, ratios)
    print(f"\nwhole-run peak RSS (this process and its workers): {run_peak / MB:,.0f} MB")
    for g in ratios:
        stages = " ".join(f"{s} {g['time_ratio'][s]:.2f}" for s in (*STAGES, "total"))
        print(f"growth per 10x {g['from']}->{g['to']}: time {stages} peak_rss {g['peak_rss_ratio']:.2f}")
    for r in results:
        print(f"unchanged re-run work fraction at {r['postings']}: {r['rerun']['work_fraction']:.4f}")
    for r in results:
        print(
            f"taxonomy change re-extracted fraction at {r['postings']}: "
            f"{r['taxonomy_change']['extracted_fraction']:.4f}"
        )
    report = {
        "skillpulse": str(Path(skillpulse.__file__).parent),
        "seed": SEED,
        "workers": args.workers,
        "base_postings": len(base),
        "base_rss_mb": base_rss / MB,
        "run_peak_rss_mb": run_peak / MB,
        "sizes": results,
        "growth": ratios,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
