"""``benchmarks/scale.py``: the resampled source yields real postings only, and a tiny run reports every
stage, its memory, the growth per 10x and an unchanged re-run that does no work again."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "scale.py"


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("skillpulse_scale_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def base(scale):
    return scale.load_base(per_file=20)


def test_the_resampled_source_yields_n_real_postings_with_unique_keys(scale, base):
    by_key = {p.key: p for p in base}
    source = scale.ResampledSource(base, 700)
    fetched = source.fetch()
    assert iter(fetched) is fetched  # a generator: nothing holds the n postings at once
    postings = list(fetched)
    assert len(postings) == 700 > len(base)
    assert len({p.key for p in postings}) == 700
    for p in postings:
        original = by_key[f"{p.source}:{p.source_id.rsplit('~', 1)[0]}"]
        assert (p.title, p.description, p.company, p.posted_at, p.raw) == (
            original.title,
            original.description,
            original.company,
            original.posted_at,
            original.raw,
        )
    texts = {p.description for p in base}
    assert all(p.description in texts for p in postings)
    assert len({p.description for p in postings}) > 1  # not one posting copied 700 times
    again = [p.key for p in scale.ResampledSource(base, 700).fetch()]
    assert again == [p.key for p in postings]  # seeded: a re-run collects the same postings


def test_tree_rss_counts_child_processes(scale):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        deadline = time.monotonic() + 10
        while scale._vm_rss(child.pid) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.pid in scale._children(os.getpid())
        own = scale._vm_rss(os.getpid())
        assert scale.tree_rss() >= own + scale._vm_rss(child.pid) * 0.5 > own > 0
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_a_tiny_run_reports_every_stage_and_an_unchanged_re_run_does_nothing(scale, tmp_path, capsys):
    out = tmp_path / "scale.json"
    scale.main(["--sizes", "40", "400", "--workers", "1", "--per-file", "20", "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["postings"] for s in data["sizes"]] == [40, 400]
    for size in data["sizes"]:
        assert set(size["stages"]) == set(scale.STAGES)
        for row in size["stages"].values():
            assert row["seconds"] > 0 and row["postings_per_s"] > 0 and row["peak_rss_mb"] > 0
        assert size["counts"]["stored"] == size["postings"]
        assert size["counts"]["enriched"] == size["postings"]
        assert size["rerun"]["work_fraction"] == 0
        assert size["rerun"]["extracted"] == size["rerun"]["enriched"] == 0
        change = size["taxonomy_change"]
        assert change["full_text_postings"] == size["counts"]["extracted"] > 0
        assert change["extracted"] + change["carried_over"] == change["full_text_postings"]
        assert change["carried_over"] > 0
    assert data["run_peak_rss_mb"] >= max(s["peak_rss_mb"] for s in data["sizes"]) > 0
    [growth] = data["growth"]
    assert (growth["from"], growth["to"]) == (40, 400)
    assert set(growth["time_ratio"]) == {*scale.STAGES, "total"}
    assert all(r > 0 for r in growth["time_ratio"].values()) and growth["peak_rss_ratio"] > 0
    printed = capsys.readouterr().out.splitlines()
    fractions = [s["taxonomy_change"]["extracted_fraction"] for s in data["sizes"]]
    assert printed[-2:] == [
        f"taxonomy change re-extracted fraction at 40: {fractions[0]:.4f}",
        f"taxonomy change re-extracted fraction at 400: {fractions[1]:.4f}",
    ]
    assert "unchanged re-run work fraction at 400: 0.0000" in printed
