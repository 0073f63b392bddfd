"""`make bench`: the book's speed comparisons and costs, in one process.

    python tools/bench.py [--quick] [--out DIR] [--no-book]
    python tools/bench.py --publish [--out DIR]

Each group races the variants of one computation that a chapter
compares, with py4eng_jax.race, the chapters' own rule: a first call of
each, then rounds in which every variant takes one sample in turn, each
sample blocking until the result is ready. It reports the best and median
of the samples and each variant's speedup over the group's slowest, from
the best samples (the least disturbed). The compile figure of a jitted
variant is order-independent: after jax.clear_caches(), a cold
``lower(...).compile()`` of that variant alone. A variant with nothing to
lower (NumPy, Numba, eager or Python-loop code) reports its first call
minus its median instead, marked as first-call overhead (for Numba that
is its compilation). Each group names its chapter and says what it
times. Then it
measures what the book costs: each notebook's execution in a fresh kernel
(with the runner of tools/notebooks.py), and a full `jupyter-book build`.

Writes DIR/results.json (machine, versions, every figure) and
DIR/speedups.png, and prints a table. It is a benchmark, not a test: it
never fails because a machine is slow. ``--quick`` uses tiny sizes and one
repeat, to check that everything runs (the unit tests use it).

``--publish`` (``make bench-publish``) copies DIR/results.json to
book/pages/bench-results.json, the snapshot the status page shows; commit
it to publish a run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import functools
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np

import notebooks
import py4eng_jax as pj  # installed (editable) by `make`
from book_files import ROOT, notebook_mds

SNAPSHOT = ROOT / "book" / "pages" / "bench-results.json"


@dataclasses.dataclass
class Variant:
    """One way of computing a group's result, ready to be timed."""

    name: str
    fn: Callable
    args: tuple = ()
    repeat: int = 7
    number: int = 1
    """Calls per sample (each blocked): for calls of microseconds."""
    lower: Callable | None = None
    """A function of no arguments that returns the variant's program
    lowered (``jitted.lower(...)``), for an order-independent compile
    time; None when there is nothing to lower."""
    compile_options: dict | None = None
    """XLA options the variant's program was compiled with."""


@dataclasses.dataclass
class Group:
    """Variants of one computation, compared with each other."""

    key: str
    title: str
    size: str
    variants: list[Variant]
    chapter: str = ""
    """The chapter (document name) whose comparison this repeats."""
    about: str = ""
    """What is timed, in a sentence or two, for the status page."""


def xor_setup():
    X, Y = pj.xor_data()
    subkey, _ = jax.random.split(jax.random.key(9))
    return pj.init_params(subkey), X, Y


def group_xor_step(quick: bool) -> Group:
    params, X, Y = xor_setup()
    jitted = jax.jit(pj.gd_step)
    return Group("xor_step", "One XOR gradient step", "4 examples, 13 params",
                 chapter="jit", about=(
                     "One gradient step of the XOR network, run op by op "
                     "(eager) and compiled with jax.jit; time per step."),
                 variants=[
        Variant("eager", pj.gd_step, (params, X, Y, 1.0),
                repeat=3 if quick else 7, number=1 if quick else 10),
        Variant("jit", jitted, (params, X, Y, 1.0),
                repeat=3 if quick else 7, number=1 if quick else 100,
                lower=lambda: jitted.lower(params, X, Y, 1.0)),
    ])


def group_xor_training(quick: bool) -> Group:
    params, X, Y = xor_setup()
    max_steps = 20 if quick else 10_000
    jitted_step = jax.jit(pj.gd_step)
    variants = [
        Variant("eager Python loop",
                lambda: pj.train(params, X, Y, max_steps=max_steps,
                                 verbose=False).params,
                repeat=1 if quick else 3),
        Variant("jitted step, Python loop",
                lambda: pj.train(params, X, Y, step=jitted_step,
                                 max_steps=max_steps, verbose=False).params,
                repeat=1 if quick else 5,
                lower=lambda: jitted_step.lower(params, X, Y, 1.0)),
    ]
    # The loops chapter times its own jitted while_loop, called directly;
    # the package's train_fused adds input checks in Python on every call
    # (a large share of a sub-millisecond run), so time its jitted core.
    Y_array = jnp.asarray(Y)
    fused = pj.train_fused_core
    variants.append(Variant(
        "fused lax.while_loop",
        lambda: fused(params, X, Y_array, 1.0, every=10,
                      max_steps=max_steps),
        repeat=3 if quick else 21,
        lower=lambda: fused.lower(params, X, Y_array, 1.0, every=10,
                                  max_steps=max_steps)))
    return Group("xor_training", "XOR training until all four are right",
                 f"max {max_steps} steps", variants, chapter="loops",
                 about=("The whole training, checking every 10 steps: a "
                        "Python loop of eager steps, a Python loop of "
                        "jitted steps, and the loop compiled into one "
                        "program (the jitted while_loop, called directly "
                        "like the chapter's, without the package's input "
                        "checks)."))


def group_sequence(quick: bool) -> Group:
    """The lesson's sequence: a function with no inputs, n terms."""
    n = 50 if quick else 1000
    # Fresh jit objects, so that the first call really traces and compiles.
    unrolled = jax.jit(lambda: pj.fibonacci_loop(n))
    scanned = jax.jit(lambda: pj.fibonacci_fori(n))
    return Group("sequence", "The sequence, as in the lesson (no inputs)",
                 f"{n} terms, float32", chapter="numpy-differences",
                 about=("The Fibonacci-like sequence built with a Python "
                        "loop of .at[].set (unrolled when traced) and with "
                        "lax.fori_loop. The compile time is the point: the "
                        "unrolled program grows with n."),
                 variants=[
                     Variant("unrolled .at[].set loop, jit", unrolled,
                             repeat=3 if quick else 7,
                             lower=unrolled.lower),
                     Variant("lax.fori_loop, jit", scanned,
                             repeat=3 if quick else 7, lower=scanned.lower),
                 ])


def group_sequence_inputs(quick: bool) -> Group:
    """The same with traced start values: XLA cannot fold it away."""
    n = 20 if quick else 200
    first, second = jnp.float32(1), jnp.float32(2)
    unrolled = jax.jit(lambda a, b: pj.fibonacci_loop(n, a, b))
    scanned = jax.jit(lambda a, b: pj.fibonacci_fori(n, a, b))
    return Group("sequence_inputs", "The sequence from traced start values",
                 f"{n} terms, float32", chapter="static-args",
                 about=("The same two loops with the start values passed "
                        "in, so that XLA cannot compute the result at "
                        "compile time."),
                 variants=[
                     Variant("unrolled .at[].set loop, jit", unrolled,
                             (first, second), repeat=3 if quick else 7,
                             lower=lambda: unrolled.lower(first, second)),
                     Variant("lax.fori_loop, jit", scanned,
                             (first, second), repeat=3 if quick else 7,
                             lower=lambda: scanned.lower(first, second)),
                 ])


def group_hamming(quick: bool) -> Group:
    rows, cols = (50, 20) if quick else (2000, 100)
    kx, ky = jax.random.split(jax.random.key(4))
    x = jax.random.randint(kx, (cols,), 1, 5)
    Y = jax.random.randint(ky, (rows, cols), 1, 5)
    return Group("hamming", "Hamming distance of one vector to every row",
                 f"{rows} rows of {cols}", chapter="vmap",
                 about=("A Python loop over rows against broadcasting and "
                        "vmap, both jitted."),
                 variants=[
                     Variant("Python loop", pj.hamming_to_rows_loop, (x, Y),
                             repeat=1 if quick else 3),
                     Variant("broadcasting, jit",
                             pj.hamming_to_rows_broadcast, (x, Y),
                             repeat=3 if quick else 20,
                             lower=lambda: jax.jit(
                                 pj.hamming_to_rows_broadcast).lower(x, Y)),
                     Variant("vmap, jit", pj.hamming_to_rows, (x, Y),
                             repeat=3 if quick else 20,
                             lower=lambda: jax.jit(pj.hamming_to_rows).lower(
                                 x, Y)),
                 ])


def group_mandelbrot(quick: bool) -> Group:
    """The benchmarking chapter's race, float64, the same image for all."""
    width, height = (48, 40) if quick else (480, 400)
    max_iter = 20 if quick else 100
    cr, ci = pj.mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, width, height)
    # JAX gets its input on the device, as in the chapter: device_put
    # inside 64-bit mode keeps float64 (outside, it would make float32).
    with jax.enable_x64(True):
        cr64, ci64 = jax.device_put(cr), jax.device_put(ci)
    cr32, ci32 = jax.device_put(cr), jax.device_put(ci)  # float32
    # Small tiles suit a CPU core's vector units; a GPU needs many pixels
    # per step to fill it. One stream of tiles per core.
    cpu = jax.default_backend() == "cpu"
    tile = 128 if cpu else 1 << 16
    streams = len(os.sched_getaffinity(0)) if cpu else 1
    x64 = jax.enable_x64

    def in_x64(fn, **kwargs):
        def run(*args):
            with x64(True):
                return jax.block_until_ready(fn(*args, **kwargs))
        return run

    def lowered(fn, *args, **kwargs):
        """The public function, jitted whole (max_iter static), lowered:
        the same program as its call compiles."""
        jitted = jax.jit(functools.partial(fn, **kwargs), static_argnums=2)

        def lower():
            with x64(True):
                return jitted.lower(*args)
        return lower

    reps = 2 if quick else 7
    args = (cr, ci, max_iter)
    args64 = (cr64, ci64, max_iter)
    fast = pj.mandelbrot_jax_fast
    variants = [
        Variant("NumPy, float64", pj.mandelbrot_numpy, args, repeat=reps),
        Variant("NumPy compact, float64", pj.mandelbrot_numpy_compact,
                args, repeat=reps)]
    threads = pj.numba_threads()
    if threads is not None:                  # Numba: an optional extra
        variants += [
            Variant("Numba, float64 (1 thread)", pj.mandelbrot_numba, args,
                    repeat=reps),
            Variant(f"Numba parallel, float64 ({threads} threads)",
                    functools.partial(pj.mandelbrot_numba, parallel=True),
                    args,
                    repeat=reps),
            Variant(f"Numba parallel fastmath, float64 ({threads} threads)",
                    functools.partial(pj.mandelbrot_numba, parallel=True,
                                      fastmath=True), args, repeat=reps)]
    variants += [
        Variant("JAX jit, float64", in_x64(pj.mandelbrot_jax), args64,
                repeat=reps, lower=lowered(pj.mandelbrot_jax, *args64)),
        Variant("JAX vmap, float64", in_x64(pj.mandelbrot_vmap), args64,
                repeat=reps, lower=lowered(pj.mandelbrot_vmap, *args64)),
        Variant("JAX tiles, float64 (1 stream)",
                in_x64(pj.mandelbrot_jax_fast, tile=tile), args64,
                repeat=reps, lower=lowered(fast, *args64, tile=tile)),
        Variant(f"JAX tiles, float64 ({streams} streams)",
                in_x64(pj.mandelbrot_jax_fast, tile=tile, streams=streams),
                args64, repeat=reps,
                lower=lowered(fast, *args64, tile=tile, streams=streams))]
    if cpu:
        # The chapter's tuned program: XLA's debug options for 512-bit
        # vectors and fast math, given to compile() for this program only.
        options = {"xla_cpu_prefer_vector_width": 512,
                   "xla_cpu_enable_fast_math": True}
        tuned_lower = lowered(fast, *args64, tile=tile, streams=streams)
        tuned = tuned_lower().compile(options)
        variants.append(Variant(
            f"JAX tiles, float64 ({streams} streams, 512-bit, fast math)",
            in_x64(tuned), (cr64, ci64), repeat=reps,
            lower=tuned_lower, compile_options=options))
    variants.append(Variant("JAX jit, float32", pj.mandelbrot_jax,
                            (cr32, ci32, max_iter), repeat=reps,
                            lower=lambda: jax.jit(
                                pj.mandelbrot_jax, static_argnums=2).lower(
                                cr32, ci32, max_iter)))
    numba_note = (f"Numba on 1 and on {threads} threads" if threads
                  else "Numba left out: not installed")
    return Group("mandelbrot", "Mandelbrot escape counts",
                 f"{width}x{height}, {max_iter} iterations",
                 chapter="benchmarking", about=(
                     "The chapter's race, in one race: the first NumPy and "
                     "JAX versions (every pixel runs every step), then the "
                     "strong ones (NumPy dropping escaped pixels, Numba's "
                     f"compiled loops ({numba_note}), JAX in tiles that "
                     f"stop early, in 1 and {streams} streams, and tuned "
                     "with XLA's 512-bit-vector and fast-math options), all "
                     "float64, drawing identical images; JAX in float32 "
                     "for contrast, raced against its float64 twin. "
                     "Numba's compile figure is its first call's "
                     "compilation."),
                 variants=variants)


def time_grading(progress, quick: bool) -> dict | None:
    """`make grade` on a synthetic class (tools/bench_grading.py): 40
    students of one chapter (4 with --quick). One measurement of minutes,
    not a race: it is a running cost, like the notebooks'."""
    import bench_grading

    students = 4 if quick else 40
    progress(f"[grading] a class of {students}, one chapter")
    try:
        return bench_grading.grading_seconds(students)
    except Exception as err:  # a benchmark reports, it does not fail
        progress(f"   grading failed: {type(err).__name__}: {err}")
        return None


GROUPS = [group_xor_step, group_xor_training, group_sequence,
          group_sequence_inputs, group_hamming, group_mandelbrot]


def _per_call(fn: Callable, args: tuple, number: int) -> Callable:
    """A call of no arguments that runs fn(*args) ``number`` times, each
    blocked until ready (race then times ``number`` calls per sample)."""
    def run():
        for _ in range(number):
            result = jax.block_until_ready(fn(*args))
        return result
    return run


def cold_compile(variant: Variant) -> float:
    """Seconds to lower and compile the variant's program from cold
    caches, whatever ran before it."""
    jax.clear_caches()
    start = time.perf_counter()
    variant.lower().compile(variant.compile_options)
    return time.perf_counter() - start


MIN_SAMPLE_S = 0.01
"""A sample lasts at least this long (calls per sample are raised to
reach it), as in the chapters: short samples are all noise."""


def _first_and_number(v: Variant, quick: bool) -> tuple[float, int]:
    """Time the variant's first call (compiles, for jitted code), then
    one warm call, and choose the calls per sample from it."""
    start = time.perf_counter()
    jax.block_until_ready(v.fn(*v.args))
    first = time.perf_counter() - start
    start = time.perf_counter()
    jax.block_until_ready(v.fn(*v.args))
    warm = max(time.perf_counter() - start, 1e-7)
    number = v.number if quick else max(
        v.number, math.ceil(MIN_SAMPLE_S / warm))
    return first, number


def run_group(group: Group, quick: bool = False) -> list[dict]:
    """One race of the group's variants; a row of figures for each.

    The first call of each variant is timed on its own, before the race
    (it compiles jitted code, and Numba's); the race then takes the
    samples, in alternation, each of at least MIN_SAMPLE_S, for as many
    rounds as the variant asking for the fewest wants (the slowest
    variants ask for few, and every round runs them all).
    """
    first, number = {}, {}
    for v in group.variants:
        first[v.name], number[v.name] = _first_and_number(v, quick)
    timings = pj.race({v.name: _per_call(v.fn, v.args, number[v.name])
                       for v in group.variants},
                      repeat=min(v.repeat for v in group.variants))
    rows = []
    for v in group.variants:
        timing = timings[v.name]
        best, median = (timing.best / number[v.name],
                        timing.median / number[v.name])
        if v.lower is not None:
            compile_s, how = cold_compile(v), "cold lower().compile()"
        else:
            compile_s = max(first[v.name] - median, 0.0)
            how = "first call minus median"
        rows.append({"variant": v.name, "best_s": best, "median_s": median,
                     "first_call_s": first[v.name],
                     "compile_s": compile_s, "compile_how": how,
                     "repeat": len(timing.samples),
                     "number": number[v.name]})
    slowest = max(r["best_s"] for r in rows)
    for r in rows:
        r["speedup_vs_slowest"] = slowest / r["best_s"]
    return rows


def run_groups(quick: bool, progress) -> list[dict]:
    results = []
    for i, make in enumerate(GROUPS, 1):
        group = make(quick)
        progress(f"[{i}/{len(GROUPS)}] {group.title}: race of "
                 f"{len(group.variants)}")
        results.append({"key": group.key, "title": group.title,
                        "size": group.size, "chapter": group.chapter,
                        "about": group.about,
                        "variants": run_group(group, quick)})
    return results


def time_notebooks(progress, quick: bool) -> dict[str, float | None]:
    """Execute each chapter in a fresh kernel (outputs are not saved)."""
    times = {}
    mds = notebook_mds()[:1] if quick else notebook_mds()
    for i, md in enumerate(mds, 1):
        progress(f"[notebook {i}/{len(mds)}] {md.name}")
        try:
            _, seconds, error = notebooks.run(md)
        except Exception as err:  # a benchmark reports, it does not fail
            seconds, error = None, err
        if error is not None:
            progress(f"   {md.name} failed: {type(error).__name__}")
            seconds = None
        times[md.stem] = seconds
    return times


def time_book_build(progress) -> float | None:
    """A full `jupyter-book build` from the stored outputs, in a temp dir."""
    progress("[book] jupyter-book build")
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        proc = subprocess.run([str(jb), "build", str(ROOT), "--path-output",
                               out], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    return elapsed if proc.returncode == 0 else None


def table(results: list[dict]) -> str:
    width = max(len(r["variant"]) for group in results
                for r in group["variants"]) + 2
    lines = [f"{'variant':<{width + 2}} {'compile*':>10} {'best':>10} "
             f"{'median':>10} {'speedup':>9}"]
    for group in results:
        lines.append(f"\n{group['title']} ({group['size']}; chapter "
                     f"{group['chapter']})")
        for r in group["variants"]:
            lines.append(
                f"  {r['variant']:<{width}}"
                f" {pj.format_seconds(r['compile_s']):>10}"
                f" {pj.format_seconds(r['best_s']):>10}"
                f" {pj.format_seconds(r['median_s']):>10}"
                f" {r['speedup_vs_slowest']:>8.1f}x")
    lines.append(
        "\n* jitted variants: a cold lower().compile() of that variant "
        "alone, after\n  jax.clear_caches(); others (NumPy, Numba, eager, "
        "Python loops): first call\n  minus median, first-call overhead "
        "(Numba's is its compilation).\n  Every group is one race "
        "(samples in alternation). Speedup: the group's\n  slowest best "
        "/ this best.")
    return "\n".join(lines)


def chart(results: list[dict], path: pathlib.Path, machine: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values = [], []
    for group in results:
        for r in group["variants"]:
            labels.append(f"{group['title']}: {r['variant']}")
            values.append(r["speedup_vs_slowest"])
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(labels) + 1.2))
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color="tab:blue")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("speedup over the slowest variant of its group "
                  "(best of one race)")
    fig.suptitle(machine, fontsize=8, wrap=True)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def publish(results: pathlib.Path, snapshot: pathlib.Path) -> int:
    """Copy a finished run to the snapshot the status page shows."""
    if not results.exists():
        print(f"error: {results} does not exist: run `make bench` first.",
              file=sys.stderr)
        return 1
    report = json.loads(results.read_text())
    if report.get("quick"):
        print(f"error: {results} is a --quick run (tiny sizes): run "
              f"`make bench` for figures worth publishing.", file=sys.stderr)
        return 1
    shutil.copyfile(results, snapshot)
    print(f"Copied {results} to {snapshot}; commit it to publish the run "
          f"of {report['created']}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repeat: check that it runs")
    parser.add_argument("--out", type=pathlib.Path,
                        default=ROOT / "_build" / "bench",
                        help="where to write results.json and speedups.png")
    parser.add_argument("--no-book", action="store_true",
                        help="skip the notebooks and the book build")
    parser.add_argument("--publish", action="store_true",
                        help="copy OUT/results.json to the status page's "
                             "snapshot, book/pages/bench-results.json")
    parser.add_argument("--snapshot", type=pathlib.Path, default=SNAPSHOT,
                        help=argparse.SUPPRESS)  # for the tests
    args = parser.parse_args(argv)
    if args.publish:
        return publish(args.out / "results.json", args.snapshot)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    start = time.perf_counter()
    machine = pj.machine_info()
    progress(f"Benchmarking on {pj.describe_machine()}")
    results = run_groups(args.quick, progress)
    book = {}
    if not args.no_book:
        book["notebooks_s"] = time_notebooks(progress, args.quick)
        if not args.quick:
            book["make_book_s"] = time_book_build(progress)
        book["grading"] = time_grading(progress, args.quick)
    total = time.perf_counter() - start

    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "machine_text": pj.describe_machine(),
        "groups": results,
        "book": book,
        "total_s": total,
    }
    (args.out / "results.json").write_text(json.dumps(report, indent=2))
    chart(results, args.out / "speedups.png", pj.describe_machine())

    print(f"\nMeasured on {pj.describe_machine()}")
    print(table(results))
    if book.get("notebooks_s"):
        print("\nNotebook execution (fresh kernel):")
        for name, secs in book["notebooks_s"].items():
            shown = "failed" if secs is None else pj.format_seconds(secs)
            print(f"  {name:<32} {shown:>10}")
    if book.get("make_book_s") is not None:
        print(f"  {'jupyter-book build':<32} "
              f"{pj.format_seconds(book['make_book_s']):>10}")
    grading = book.get("grading")
    if grading is not None:
        label = f"make grade, {grading['students']} students"
        print(f"  {label:<32}"
              f" {pj.format_seconds(grading['seconds']):>10}"
              f"  ({grading['assignment']}, {grading['rows']} rows)")
    print(f"\nTotal {pj.format_seconds(total)}; wrote "
          f"{args.out / 'results.json'} and {args.out / 'speedups.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
