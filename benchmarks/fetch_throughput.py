"""Fetch throughput of the live sources against the loopback replay server, as a ratio to raw httpx.

The baseline, measured in the same run on the same server, is plain ``httpx.AsyncClient`` GETs of exactly
the URLs the sources requested, eight at a time, each body decoded with ``json.loads``: what fetching
costs with no politeness, caching or normalisation. The sources run with pauses off (``min_interval 0``)
so the ratio shows the fetcher's and the normalisers' overhead, not the rate limits. "warm" is a re-run
against the on-disk cache: every request is a conditional GET answered 304.

    .venv/bin/python benchmarks/fetch_throughput.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sources")]

from loopback_server import LoopbackServer, install_job_apis, source_settings  # noqa: E402

from skillpulse.flows.http import Runtime  # noqa: E402
from skillpulse.flows.sources.config import parse_config  # noqa: E402
from skillpulse.flows.sources.runner import build_source  # noqa: E402

NAMES = [
    "greenhouse",
    "lever",
    "ashby",
    "smartrecruiters",
    "workable",
    "remoteok",
    "arbeitnow",
    "themuse",
    "hn",
]
CONCURRENCY = 8


def run_sources(server: LoopbackServer, cache: Path | None) -> tuple[int, int, float]:
    """Collect every source (no store); returns (requests, postings, seconds)."""
    http = {"min_interval": 0, "concurrency": CONCURRENCY, "cache_path": str(cache) if cache else "off"}
    sources = {n: source_settings(server)[n] for n in NAMES}
    config = parse_config({"http": http, "sources": sources})
    started = time.perf_counter()
    postings = 0
    with Runtime(config.http) as runtime:
        for name in NAMES:
            postings += sum(1 for _ in build_source(name, config, runtime).fetch())
        requests = runtime.fetcher.requests
    return requests, postings, time.perf_counter() - started


async def _raw(urls: list[str]) -> float:
    started = time.perf_counter()
    limit = asyncio.Semaphore(CONCURRENCY)
    async with httpx.AsyncClient() as client:

        async def one(url: str) -> None:
            async with limit:
                response = await client.get(url)
                if response.status_code == 200:
                    json.loads(response.content)

        await asyncio.gather(*(one(u) for u in urls))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        install_job_apis(server)
        cold, warm, raw = [], [], []
        for n in range(args.rounds):
            server.clear_log()
            cold.append(run_sources(server, None))
            urls = [server.url(h.path) + ("?" + httpx.QueryParams(h.query).__str__() if h.query else "")
                    for h in server.hits()]  # fmt: skip
            raw.append((len(urls), cold[-1][1], asyncio.run(_raw(urls))))
            cache = Path(tmp) / f"cache{n}.sqlite"
            run_sources(server, cache)  # fill the cache
            warm.append(run_sources(server, cache))
    rows = {"raw httpx (baseline)": raw, "sources, cold": cold, "sources, warm (304s)": warm}
    base = statistics.median(r[2] for r in raw)
    print(f"fetch throughput against 127.0.0.1, median of {args.rounds} rounds, {len(NAMES)} sources")
    header = ("mode", "requests", "postings", "seconds", "req/s", "postings/s", "vs raw")
    print(
        f"{header[0]:<24}"
        + "".join(f"{h:>{w}}" for h, w in zip(header[1:], (9, 10, 9, 9, 12, 8), strict=True))
    )
    for label, results in rows.items():
        requests, postings = results[0][0], results[0][1]
        seconds = statistics.median(r[2] for r in results)
        print(
            f"{label:<24}{requests:>9}{postings:>10}{seconds:>9.3f}{requests / seconds:>9.0f}"
            f"{postings / seconds:>12.0f}{base / seconds:>8.2f}"
        )
    print("vs raw = baseline seconds / mode seconds (1.00 = as fast as bare httpx GETs of the same URLs)")


if __name__ == "__main__":
    main()
