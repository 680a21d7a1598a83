"""Live collection of 300 boards on three hosts with realistic latency: concurrent against sequential.

Three loopback servers stand for three ATS hosts (Greenhouse, Lever, Ashby), 100 boards each, every
answer delayed 80-160 ms (a typical API round trip from Europe to a US CDN). Each board replays a real
recorded body (luno, moo, anyscale from ``tests/sources/fixtures``); only the posting ids are made
unique per board, so every board stores its own postings. Both collectors run the real collect path
(fetch, normalise, store) in the same process:

- sequential: one request at a time per host (``concurrency: 1``), sources one after another;
- concurrent: as ``skillpulse collect`` runs, every source downloading at once (the store writes them in
  turn) under the host policy (``concurrency`` requests in flight per host, at least ``min_interval``
  seconds between request starts).

The server logs every request's arrival, so the benchmark also prints the highest number of requests
any host received in one second against the limit the policy allows (1 / min_interval).

    .venv/bin/python benchmarks/concurrency.py [--boards 100] [--min-interval 0.05]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "sources")]

from loopback_server import LoopbackServer, Reply, Request, fixture_json  # noqa: E402

from skillpulse.flows.http import Runtime  # noqa: E402
from skillpulse.flows.sources.config import parse_config  # noqa: E402
from skillpulse.flows.sources.runner import build_source, collect_source, prefetch_all  # noqa: E402
from skillpulse.flows.store import Store  # noqa: E402

SOURCES = {
    # source -> (path of one board, its real body, the board-list option, how ids are made unique)
    "greenhouse": ("/v1/boards/{board}/jobs", "greenhouse/board_luno_content_true.json.gz", "boards"),
    "lever": ("/v0/postings/{board}", "lever/postings_moo.json.gz", "sites"),
    "ashby": ("/posting-api/job-board/{board}", "ashby/job-board_anyscale.json.gz", "boards"),
}


def _unique_ids(body: object, board: str) -> bytes:
    """The real body with each posting id suffixed by the board, so boards do not share postings."""
    data = json.loads(json.dumps(body))
    jobs = data if isinstance(data, list) else data["jobs"]
    for job in jobs:
        job["id"] = f"{job['id']}-{board}"
    return json.dumps(data).encode()


def _serve(server: LoopbackServer, name: str, boards: list[str], rng: random.Random) -> None:
    path, fixture, _ = SOURCES[name]
    body = fixture_json(fixture)
    replies = {path.format(board=b): _unique_ids(body, b) for b in boards}

    def handle(request: Request) -> Reply:
        if request.path not in replies:
            return Reply(404, b'{"error":"not found"}')
        return Reply(body=replies[request.path], stall=rng.uniform(0.08, 0.16), conditional=False)

    for route in replies:
        server.route(route, handle)


def _collect(
    servers: dict[str, LoopbackServer], boards: list[str], policy: dict, tmp: Path, together: bool
) -> float:
    for server in servers.values():
        server.clear_log()
    sources = {
        name: {
            "base_url": servers[name].url(SOURCES[name][0].split("/{board}")[0]),
            SOURCES[name][2]: boards,
            **policy,
        }
        for name in SOURCES
    }
    config = parse_config({"http": {"cache_path": None, "retries": 0}, "sources": sources, "batch_size": 500})
    start = time.perf_counter()
    with Store(tmp / f"bench-{time.monotonic_ns()}.duckdb") as store, Runtime(config.http) as runtime:
        sources = [build_source(name, config, runtime) for name in SOURCES]
        # together: as ``skillpulse collect`` does, every source downloads at once and the store writes
        # them in turn; else one source after another.
        feeds = prefetch_all(sources) if together else [None] * len(sources)
        for source, items in zip(sources, feeds, strict=True):
            result = collect_source(store, source, "bench", batch_size=500, items=items)
            assert not result.failed and not result.error, (source.name, result.failed, result.error)
        stored = store.count("postings")
    elapsed = time.perf_counter() - start
    print(f"    {stored} postings stored in {elapsed:.1f} s")
    return elapsed


def _peak_rate(server: LoopbackServer) -> float:
    """Most requests that arrived within any one-second window."""
    times = sorted(r.at for r in server.hits())
    best, left = 0, 0
    for right, t in enumerate(times):
        while t - times[left] >= 1.0:
            left += 1
        best = max(best, right - left + 1)
    return float(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=int, default=100, help="boards per host (three hosts)")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight per host")
    parser.add_argument("--min-interval", type=float, default=0.05, help="seconds between request starts")
    args = parser.parse_args()
    rng = random.Random(7)
    boards = [f"board{i:03d}" for i in range(args.boards)]
    servers = {name: LoopbackServer().__enter__() for name in SOURCES}
    try:
        for name, server in servers.items():
            _serve(server, name, boards, rng)
        with tempfile.TemporaryDirectory() as tmp:
            print(f"{args.boards * len(SOURCES)} boards on {len(SOURCES)} hosts, 80-160 ms per answer")
            print("  sequential (concurrency 1 per host):")
            sequential = _collect(servers, boards, {"concurrency": 1, "min_interval": 0}, Path(tmp), False)
            policy = {"concurrency": args.concurrency, "min_interval": args.min_interval}
            print(f"  concurrent (concurrency {args.concurrency}, min_interval {args.min_interval} s):")
            concurrent = _collect(servers, boards, policy, Path(tmp), True)
            peaks = {name: _peak_rate(server) for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    limit = 1 / args.min_interval if args.min_interval else float("inf")
    print("highest requests per host in one second: " + ", ".join(f"{n} {p:.0f}" for n, p in peaks.items()))
    print(f"limit per host: {limit:.0f}/s ({'kept' if max(peaks.values()) <= limit else 'EXCEEDED'})")
    ratio = concurrent / sequential
    print(f"concurrent/sequential wall-time ratio: {ratio:.2f} ({1 / ratio:.1f}x faster)")


if __name__ == "__main__":
    main()
