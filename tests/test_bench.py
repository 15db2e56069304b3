"""The benchmark's own machinery: synthetic curation that builds, memory sampling, the report.

Timings are never asserted here; they are read off docs/performance.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bonekg import bench
from bonekg.build import build
from bonekg.reason import ReasonMode

from .conftest import REPO


def test_generated_curation_builds_in_parallel_and_conforms(
    refdata_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three synthetic files through the parallel front half and chunked validation."""
    monkeypatch.setattr(bench, "CLAIMS_PER_FILE", 100)
    cur = bench.generate(250, tmp_path / "gen", refdata_dir)
    files = sorted(cur.glob("*.yaml"))
    assert len(files) == 3
    res = build(
        cur,
        tmp_path / "out",
        ReasonMode.OFF,
        imports_dir=cur.parent / "imports",
        workers=2,
        parallel_min_bytes=0,
    )
    assert res.claims == 250 and res.reviews == 3
    assert res.stages["serialize+validate"] > 0


def test_tree_rss_counts_the_memory_of_child_processes() -> None:
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'b = bytearray(300 << 20); import time; time.sleep(30)'])\n"
        "time.sleep(30)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        import time

        peak = 0.0
        for _ in range(100):
            peak = max(peak, bench._tree_rss_mb(proc.pid))
            if peak > 300:
                break
            time.sleep(0.1)
        assert peak > 300  # the grandchild's 300 MB are counted
    finally:
        proc.kill()
        proc.wait()


def _result(claims: int, seconds: float, rss_mb: float) -> dict[str, object]:
    return {
        "claims": claims,
        "build": {
            "seconds": seconds,
            "max_rss_mb": rss_mb,
            "detail": {"stages": {"load+rdf": 1.0}, "triples": claims * 20},
        },
    }


def test_report_lists_a_size_with_only_earlier_runs_among_them_without_a_table_row() -> None:
    """A record carried over from an earlier release (only replaced runs for a size) renders
    while the new run has measured the smaller sizes only."""
    earlier = {"step": "build", "seconds": 288.6, "cpu_ref": [0.55, 1.04], "cores": 2}
    results = [_result(1_000, 1.1, 300), {"claims": 1_000_000, "earlier": [earlier]}]
    text = bench.report(results)  # type: ignore[arg-type]
    assert "- 1,000,000 claims, build: 288.6 s (CPU ref 0.55 / 1.04; commit not recorded)" in text
    build_table = text[text.index("## Full build") : text.index("Earlier runs")]
    assert "| 1,000 | 20,000 | 1.1 |" in build_table and "| 1,000,000 |" not in build_table
    assert "| 1M claims: full build ≤ 300 s |  | not measured |" in text


def test_report_marks_each_target_met_missed_or_not_measured() -> None:
    results = [_result(10_000, 5.0, 400), _result(100_000, 45.0, 1200)]
    results.append(_result(1_000_000, 420.0, 5000))
    everyday = {"bonekg --help": 0.21, "bonekg build (HermiT)": 12.0, "bonekg query run x": 0.5}
    text = bench.report(results, None, everyday)  # type: ignore[arg-type]
    targets = text[text.index("## Targets") :]
    assert "| 1M claims: full build ≤ 300 s | 420 s | **missed** |" in targets
    assert "| 1M claims: peak RSS ≤ 6 GB | 4.9 GB | met |" in targets
    assert "| 100k claims: full build ≤ 30 s | 45.0 s | **missed** |" in targets
    assert "| every stored query ≤ 1 s at 1M |  | not measured |" in targets
    timed = {"a": [0.2, 3], "b": [1.0, 0], "c": [7.5, 10], "d": [60.0, -1]}
    results[-1]["queries"] = {"max_rss_mb": 3841.2, "detail": {"queries": timed}}
    text = bench.report(results, None, everyday)  # type: ignore[arg-type]
    queries = text[text.index("## Stored queries") : text.index("## Publishing")]
    assert "| 1,000,000 | d | > 60 (stopped) | 3841 | a 0.20 (3), " in queries
    row = "| every stored query ≤ 1 s at 1M | slowest > 60 s (stopped); 2 of 4 ≤ 1 s | **missed** |"
    assert row in text
    assert "| `bonekg --help` ≤ 0.3 s | 0.21 s | met |" in targets
    assert "| `bonekg build (HermiT)` ≤ 10 s | 12.00 s | **missed** |" in targets
    assert "| a stored query on the curated graph ≤ 1 s | 0.50 s | met |" in targets


def test_report_gives_the_cpu_reference_around_each_build_and_publish() -> None:
    measured = _result(10_000, 5.0, 400)
    measured["cpu_ref"] = 1.27
    measured["cpu_ref_after"] = 0.61
    measured["cpu_ref_cores"] = 2
    measured["publish"] = {
        "seconds": 3.5,
        "max_rss_mb": 58.9,
        "cpu_ref": [0.6, 1.3],
        "cpu_ref_cores": 2,
    }
    older = _result(100_000, 45.0, 1200)
    older["cpu_ref"] = 0.7  # measured before the reference was also taken after the build
    older["publish"] = {"seconds": 30.0, "max_rss_mb": 61.0}  # from before the reference
    text = bench.report([measured, older, _result(1_000_000, 400.0, 3000)], None, None)
    builds = text[: text.index("## Stored queries")].splitlines()
    row = {n: next(x for x in builds if x.startswith(f"| {n} |")) for n in ("10,000", "100,000")}
    assert row["10,000"].endswith("| 1.27 / 0.61 |")
    assert row["100,000"].endswith("| 0.70 (one core) |")  # the loop ran once, on one core
    publish = text[text.index("## Publishing") : text.index("## Targets")].splitlines()
    assert "| 10,000 | 3.5 | 59 | 0.60 / 1.30 |" in publish
    assert "| 100,000 | 30.0 | 61 | – |" in publish
    assert "| 1,000,000 | (not measured) | | |" in publish


def test_report_keeps_every_earlier_run_a_later_one_replaced() -> None:
    latest = _result(100_000, 36.0, 1200)
    latest["earlier"] = [
        {"step": "build", "seconds": 42.1, "cpu_ref": [0.88, 0.9], "cores": 2, "commit": "abc"},
        {"step": "publish", "seconds": 19.5, "cpu_ref": [0.87, 1.01], "cores": 2},
    ]
    text = bench.report([latest], None, None)
    earlier = text[text.index("Earlier runs") : text.index("## Stored queries")]
    assert "- 100,000 claims, build: 42.1 s (CPU ref 0.88 / 0.90; abc)" in earlier
    assert "- 100,000 claims, publish: 19.5 s (CPU ref 0.87 / 1.01; commit not recorded)" in earlier
    assert "Earlier runs" not in bench.report([_result(100_000, 36.0, 1200)], None, None)


def test_a_new_measurement_keeps_the_one_it_replaces() -> None:
    row = _result(100_000, 42.0, 1200)
    row.update(cpu_ref=0.9, cpu_ref_after=0.8, cpu_ref_cores=2, commit="abc")
    assert bench._run_record(row, "build") == [
        {"step": "build", "seconds": 42.0, "cpu_ref": [0.9, 0.8], "cores": 2, "commit": "abc"}
    ]
    assert bench._run_record({}, "build") == [] and bench._run_record(row, "publish") == []


def test_cpu_reference_times_the_fixed_loop() -> None:
    small, large = bench.cpu_reference(100_000, 1), bench.cpu_reference(2_000_000, 1)
    assert 0 < small < large


def _pid_seconds(loops: int) -> float:
    return float(os.getpid())


def test_cpu_reference_runs_its_copies_in_child_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bench, "_loop_seconds", _pid_seconds)  # forked children see the patch
    assert bench.cpu_reference(10, 1) == float(os.getpid())
    assert bench.cpu_reference(10, 2) not in (float(os.getpid()), 0.0)


def test_a_small_child_of_a_large_bench_process_is_measured_at_its_own_size() -> None:
    """Linux hands a process's peak RSS down to its children (fork, exec): a bench process
    that grew to 400 MB must not report 400 MB for a child that never used it."""
    script = (
        "import sys\n"
        "from bonekg.bench import _run_child\n"
        "x = bytearray(400 << 20); x[::4096] = b'1' * len(x[::4096])\n"
        "wall, peak, out = _run_child([sys.executable, '-c', 'import time; time.sleep(0.3)'])\n"
        "print(peak)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert 0 < float(r.stdout) < 100, r.stdout


def test_a_child_run_gives_its_output_and_peak_memory_and_is_stopped_at_its_timeout() -> None:
    import subprocess
    import sys

    from bonekg.bench import _run_child

    code = "import time; x = bytearray(200 << 20); x[::4096] = b'1' * len(x[::4096]); "
    code += "time.sleep(0.4); print('done')"
    wall, peak, out = _run_child([sys.executable, "-c", code])
    assert out == "done\n"
    assert peak >= 190 and wall >= 0.4
    with pytest.raises(subprocess.TimeoutExpired):
        _run_child([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)


def test_bench_report_regenerates_the_page_from_stored_results_and_refuses_none(
    tmp_path: Path,
) -> None:
    out = tmp_path / "performance.md"

    def report() -> subprocess.CompletedProcess[str]:
        args = ["bench", "report", "--record", str(tmp_path), "--out", str(out)]
        return subprocess.run(
            [sys.executable, "-m", "bonekg.cli", *args], capture_output=True, text=True
        )

    missing = report()
    assert missing.returncode == 2 and "results.json" in missing.stderr and not out.exists()
    assert "Traceback" not in missing.stderr
    (tmp_path / "results.json").write_text("{not json", encoding="utf-8")
    broken = report()
    assert broken.returncode == 2 and "not valid JSON" in broken.stderr and not out.exists()
    results = [_result(10_000, 5.0, 400), _result(100_000, 45.0, 1200)]
    (tmp_path / "results.json").write_text(json.dumps(results), encoding="utf-8")
    ok = report()
    assert ok.returncode == 0, ok.stderr
    text = out.read_text(encoding="utf-8")
    assert "| 100k claims: full build ≤ 30 s | 45.0 s | **missed** |" in text
    # the maintainers' analysis (bench/analysis.md) follows the Targets table
    analysis = (REPO / "bench" / "analysis.md").read_text(encoding="utf-8").strip()
    assert analysis.splitlines()[0] in text
    assert text.index("## Targets") < text.index(analysis.splitlines()[0])
