"""`make bench` runs end to end (on tiny sizes) and writes valid results;
`make bench-publish` copies a run to the status page's snapshot."""

import json
import pathlib
import re
import sys

import pytest

import bench
import py4eng_jax as pj

ROOT = pathlib.Path(__file__).resolve().parents[1]


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


def test_each_group_names_its_chapter_and_what_it_times(quick_run):
    """every group says which chapter it repeats, and what it times"""
    report = json.loads((quick_run / "results.json").read_text())
    chapters = {p.stem for p in (ROOT / "book").glob("*.md")}
    for group in report["groups"]:
        assert group["chapter"] in chapters, group["chapter"]
        assert len(group["about"]) > 20


def test_bench_figures_are_consistent(quick_run):
    """best <= median, the slowest variant of each group has speedup 1,
    and each speedup is the slowest best over this best"""
    report = json.loads((quick_run / "results.json").read_text())
    for group in report["groups"]:
        speedups = [v["speedup_vs_slowest"] for v in group["variants"]]
        assert min(speedups) == pytest.approx(1.0)
        slowest = max(v["best_s"] for v in group["variants"])
        for v in group["variants"]:
            assert 0 < v["best_s"] <= v["median_s"]
            assert v["compile_s"] >= 0
            assert v["speedup_vs_slowest"] == pytest.approx(
                slowest / v["best_s"])


def test_every_group_is_one_race(monkeypatch):
    """each group's variants are timed by one call of py4eng_jax.race
    (samples in alternation), never one after another"""
    calls = []
    real_race = bench.pj.race

    def recording_race(timed, **kwargs):
        calls.append(list(timed))
        return real_race(timed, **kwargs)

    monkeypatch.setattr(bench.pj, "race", recording_race)
    group = bench.group_hamming(True)
    bench.run_group(group)
    assert calls == [[v.name for v in group.variants]]
    assert "time_it(" not in (ROOT / "tools" / "bench.py").read_text()


def test_compile_figures_do_not_depend_on_order():
    """a jitted variant's compile figure is a cold lower().compile() of
    that variant alone: the same program, compiled again after its first
    call, still takes a real compile (caches cleared first)"""
    group = bench.group_sequence(True)
    for v in group.variants:
        assert v.lower is not None
        v.fn()                              # warm: compiled once already
        assert bench.cold_compile(v) > 1e-3, v.name


def test_jitted_variants_report_a_cold_compile(quick_run):
    """rows with a program to lower say so; the others say that their
    figure is the first call's overhead"""
    report = json.loads((quick_run / "results.json").read_text())
    hows = {v["variant"]: v["compile_how"]
            for g in report["groups"] for v in g["variants"]}
    assert hows["NumPy, float64"] == "first call minus median"
    assert hows["JAX jit, float64"] == "cold lower().compile()"
    assert hows["JAX jit, float32"] == "cold lower().compile()"


def test_mandelbrot_group_races_the_strong_baselines():
    """the race has the chapter's strong versions: compact NumPy, Numba on
    one thread and in parallel (with and without fastmath, threads
    named), tiled JAX in one stream and in several, next to the first
    ones, and the float32 twin of the jitted version"""
    names = [v.name for v in bench.group_mandelbrot(True).variants]
    threads = pj.numba_threads()
    for name in ["NumPy, float64", "NumPy compact, float64",
                 "Numba, float64 (1 thread)",
                 f"Numba parallel, float64 ({threads} threads)",
                 f"Numba parallel fastmath, float64 ({threads} threads)",
                 "JAX jit, float64", "JAX tiles, float64 (1 stream)",
                 "JAX jit, float32"]:
        assert name in names
    assert any(n.startswith("JAX tiles, float64 (") and "streams" in n
               for n in names)


def test_mandelbrot_group_leaves_numba_out_when_it_is_missing(monkeypatch):
    """Numba is an optional extra: without it the group still runs, with
    no Numba rows, and its description says why"""
    monkeypatch.setitem(sys.modules, "numba", None)   # import numba fails
    group = bench.group_mandelbrot(True)
    assert not any("Numba" in v.name for v in group.variants)
    assert "Numba left out: not installed" in group.about
    rows = bench.run_group(group)
    assert len(rows) == len(group.variants)


def test_mandelbrot_variants_draw_the_same_image():
    """every float64 variant of the race computes the same counts"""
    import numpy as np
    variants = bench.group_mandelbrot(True).variants
    results = {v.name: np.asarray(v.fn(*v.args)) for v in variants
               if "float64" in v.name}
    reference = results.pop("NumPy, float64")
    for name, counts in results.items():
        np.testing.assert_array_equal(counts, reference, err_msg=name)


def test_fused_training_times_the_jitted_loop_without_checks():
    """the fused row calls the jitted while_loop directly (as the loops
    chapter does), through its public name, not train_fused with its
    input checks, and no private name of the package"""
    group = bench.group_xor_training(True)
    fused = [v for v in group.variants if "fused" in v.name]
    assert len(fused) == 1
    assert any(cell.cell_contents is pj.train_fused_core
               for cell in fused[0].fn.__closure__)
    source = (ROOT / "tools" / "bench.py").read_text()
    assert "train_fused_core" in source and "_train_fused" not in source
    assert "._" not in source.replace("__", "")


def test_grading_is_timed_through_bench_grading(monkeypatch):
    """make bench times `make grade` on a class of 40 (4 when quick) with
    tools/bench_grading.py, and reports a failure instead of raising"""
    import bench_grading

    asked = []

    def fake(students):
        asked.append(students)
        return {"students": students, "assignment": "x", "seconds": 1.0,
                "rows": 3}

    monkeypatch.setattr(bench_grading, "grading_seconds", fake)
    assert bench.time_grading(lambda m: None, quick=False)["students"] == 40
    assert bench.time_grading(lambda m: None, quick=True)["students"] == 4
    assert asked == [40, 4]

    def broken(students):
        raise RuntimeError("no nbgrader")

    said = []
    monkeypatch.setattr(bench_grading, "grading_seconds", broken)
    assert bench.time_grading(said.append, quick=True) is None
    assert "no nbgrader" in said[-1]


def test_bench_uses_the_notebook_runner_of_notebooks_py():
    """one notebook runner, one timeout: bench imports tools/notebooks.py"""
    source = (ROOT / "tools" / "bench.py").read_text()
    assert "NotebookClient" not in source and "timeout=" not in source
    assert "notebooks.run(" in source


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


# ----------------------------------------------------------- publishing


def full_run(tmp_path, quick=False):
    """A results.json as `make bench` writes it (figures don't matter)."""
    out = tmp_path / "out"
    out.mkdir()
    report = {"created": "2026-01-01T00:00:00", "quick": quick,
              "groups": []}
    (out / "results.json").write_text(json.dumps(report))
    return out


def test_publish_copies_the_run_to_the_snapshot(tmp_path):
    """--publish copies OUT/results.json to the snapshot, byte for byte"""
    out = full_run(tmp_path)
    snapshot = tmp_path / "bench-results.json"
    assert bench.main(["--publish", "--out", str(out),
                       "--snapshot", str(snapshot)]) == 0
    assert snapshot.read_bytes() == (out / "results.json").read_bytes()


def test_publish_refuses_a_missing_run(tmp_path, capsys):
    """without a run there is nothing to publish, and it says so"""
    snapshot = tmp_path / "bench-results.json"
    assert bench.main(["--publish", "--out", str(tmp_path / "none"),
                       "--snapshot", str(snapshot)]) == 1
    assert "run `make bench` first" in capsys.readouterr().err
    assert not snapshot.exists()


def test_publish_refuses_a_quick_run(tmp_path, capsys):
    """a --quick run's tiny sizes are not published"""
    out = full_run(tmp_path, quick=True)
    snapshot = tmp_path / "bench-results.json"
    assert bench.main(["--publish", "--out", str(out),
                       "--snapshot", str(snapshot)]) == 1
    assert "--quick" in capsys.readouterr().err
    assert not snapshot.exists()


def test_make_bench_publish_target_runs_the_publish_step():
    """the Makefile's bench-publish target calls bench.py --publish"""
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nbench-publish:", 1)[1].split("\n\n", 1)[0]
    assert "tools/bench.py --publish" in target


def test_committed_snapshot_is_a_full_run_with_the_current_groups():
    """book/pages/bench-results.json is a full run with every group"""
    report = json.loads(bench.SNAPSHOT.read_text())
    assert report["quick"] is False
    assert [g["key"] for g in report["groups"]] == \
        [make(True).key for make in bench.GROUPS]
    for group in report["groups"]:
        assert group["chapter"] and group["about"]


def test_status_page_reads_only_the_committed_snapshot():
    """the status page's directive reads book/pages/bench-results.json and
    never a local _build run, so two builds of one commit agree"""
    source = (ROOT / "tools" / "sphinx" / "book_status.py").read_text()
    assert "_build/" not in source and "\"_build" not in source
    assert 'BENCH_SNAPSHOT = "book/pages/bench-results.json"' in source
    assert bench.SNAPSHOT == ROOT / "book/pages/bench-results.json"


def test_status_page_has_one_table_builder_and_no_own_format_seconds():
    """book_status.py builds tables once and formats with py4eng_jax's"""
    source = (ROOT / "tools" / "sphinx" / "book_status.py").read_text()
    assert "def _format_seconds" not in source
    assert "from py4eng_jax import format_seconds" in source
    assert source.count("nodes.table(") == 1
    # setup() comes last, after everything it registers
    assert source.rstrip().rsplit("\ndef ", 1)[1].startswith("setup(")


def test_benchmarking_chapter_runs_without_numba():
    """Numba is optional for readers: the chapter imports it in a try
    block, puts a stand-in in its place when it is missing, and every
    cell that runs a Numba version is guarded (HAVE_NUMBA or if_numba),
    so that the chapter runs and its Numba figures read 'n/a'"""
    import jupytext

    notebook = jupytext.read(ROOT / "book" / "benchmarking.md")
    cells = ["".join(c.source) for c in notebook.cells
             if c.cell_type == "code"]
    importing = [c for c in cells if "import numba" in c]
    assert len(importing) == 1
    assert "try:\n    import numba" in importing[0]
    assert "except ImportError:\n    numba = None" in importing[0]
    stand_in = [c for c in cells if "HAVE_NUMBA = numba is not None" in c]
    assert len(stand_in) == 1
    for name in ("njit=", "prange=", "get_num_threads="):
        assert name in stand_in[0]
    runs_numba = re.compile(r"(mandelbrot_numba\w*|numba_versions\[?\w*\]?"
                            r"|version)\(cr")
    for cell in cells:
        body = "\n".join(line for line in cell.splitlines()
                         if not line.lstrip().startswith(("def ", "@")))
        if runs_numba.search(body) and "numba" in body.lower() \
                and "def mandelbrot_numba" not in cell:
            assert "HAVE_NUMBA" in cell or "if_numba" in cell, cell[:200]
