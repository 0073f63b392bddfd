"""`make bench` runs end to end (on tiny sizes) and writes valid results."""

import json

import pytest

import bench


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One --quick run of the benchmark, without the book's costs."""
    out = tmp_path_factory.mktemp("bench")
    assert bench.main(["--quick", "--no-book", "--out", str(out)]) == 0
    return out


def test_bench_writes_json_with_machine_and_groups(quick_run):
    """results.json names the machine and holds every group's figures"""
    report = json.loads((quick_run / "results.json").read_text())
    assert report["quick"] is True
    assert {"python", "jax", "jaxlib", "platform", "device"} <= set(
        report["machine"])
    keys = [g["key"] for g in report["groups"]]
    assert keys == [make(True).key for make in bench.GROUPS]


def test_bench_figures_are_consistent(quick_run):
    """best <= median, and the slowest variant of each group has speedup 1"""
    report = json.loads((quick_run / "results.json").read_text())
    for group in report["groups"]:
        speedups = [v["speedup_vs_slowest"] for v in group["variants"]]
        assert min(speedups) == pytest.approx(1.0)
        for v in group["variants"]:
            assert 0 < v["best_s"] <= v["median_s"]
            assert v["compile_s"] >= 0


def test_bench_draws_the_chart(quick_run):
    """speedups.png is a PNG file"""
    assert (quick_run / "speedups.png").read_bytes()[:8] == \
        b"\x89PNG\r\n\x1a\n"


def test_bench_prints_a_table(quick_run, capsys, tmp_path):
    """the terminal table lists each variant with its speedup"""
    bench.main(["--quick", "--no-book", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Measured on" in out and "speedup" in out
    for make in bench.GROUPS:
        for variant in make(True).variants:
            assert variant.name in out


def test_bench_reports_each_claim_against_its_target(quick_run):
    """results.json holds every speed claim with its ratio and target"""
    report = json.loads((quick_run / "results.json").read_text())
    claims = report["targets"]
    assert len(claims) == len(bench.TARGETS)
    for c in claims:
        assert c["ratio"] > 0 and c["met"] == (c["ratio"] >= c["target"])
