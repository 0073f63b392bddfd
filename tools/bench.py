"""`make bench`: the book's speed comparisons and costs, in one process.

    python tools/bench.py [--quick] [--out DIR] [--no-book]
    python tools/bench.py --publish [--out DIR]

Each group times the variants of one computation that a chapter compares,
with py4eng_jax.time_it (a timed first call that includes compilation,
then repeats that block until the result is ready), and reports the best
and median of the repeats and each variant's speedup over the group's
slowest. Each group names its chapter and says what it times. Then it
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
import json
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
    return Group("xor_step", "One XOR gradient step", "4 examples, 13 params",
                 chapter="jit", about=(
                     "One gradient step of the XOR network, run op by op "
                     "(eager) and compiled with jax.jit; time per step."),
                 variants=[
        Variant("eager", pj.gd_step, (params, X, Y, 1.0),
                repeat=3 if quick else 7, number=1 if quick else 10),
        Variant("jit", jax.jit(pj.gd_step), (params, X, Y, 1.0),
                repeat=3 if quick else 7, number=1 if quick else 100),
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
                repeat=1 if quick else 5),
    ]
    # The loops chapter times its own jitted while_loop, called directly;
    # the package's train_fused adds input checks in Python on every call
    # (a large share of a sub-millisecond run), so time its jitted core.
    Y_array = jnp.asarray(Y)
    variants.append(Variant(
        "fused lax.while_loop",
        lambda: pj.train_fused_core(params, X, Y_array, 1.0, every=10,
                                    max_steps=max_steps),
        repeat=3 if quick else 21))
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
                             repeat=3 if quick else 7),
                     Variant("lax.fori_loop, jit", scanned,
                             repeat=3 if quick else 7),
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
                             (first, second), repeat=3 if quick else 7),
                     Variant("lax.fori_loop, jit", scanned,
                             (first, second), repeat=3 if quick else 7),
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
                             repeat=3 if quick else 20),
                     Variant("vmap, jit", pj.hamming_to_rows, (x, Y),
                             repeat=3 if quick else 20),
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
    # per step to fill it.
    tile = 128 if jax.default_backend() == "cpu" else 1 << 16

    def in_x64(fn, **kwargs):
        def run(*args):
            with jax.enable_x64(True):
                return jax.block_until_ready(fn(*args, **kwargs))
        return run

    reps = 2 if quick else 5
    args = (cr, ci, max_iter)
    args64 = (cr64, ci64, max_iter)
    return Group("mandelbrot", "Mandelbrot escape counts",
                 f"{width}x{height}, {max_iter} iterations",
                 chapter="benchmarking", about=(
                     "The chapter's race: the first NumPy and JAX versions "
                     "(every pixel runs every step), then the strong ones "
                     "(NumPy dropping escaped pixels, Numba's compiled "
                     "loops, JAX in tiles that stop early), all float64, "
                     "drawing identical images; JAX in float32 for "
                     "contrast. Numba's compile figure is its first "
                     "call's compilation."),
                 variants=[
                     Variant("NumPy, float64", pj.mandelbrot_numpy, args,
                             repeat=reps),
                     Variant("NumPy compact, float64",
                             pj.mandelbrot_numpy_compact, args, repeat=reps),
                     Variant("Numba, float64", pj.mandelbrot_numba, args,
                             repeat=reps),
                     Variant("JAX jit, float64", in_x64(pj.mandelbrot_jax),
                             args64, repeat=reps),
                     Variant("JAX vmap, float64", in_x64(pj.mandelbrot_vmap),
                             args64, repeat=reps),
                     Variant("JAX tiles, float64",
                             in_x64(pj.mandelbrot_jax_fast, tile=tile),
                             args64, repeat=reps),
                     Variant("JAX jit, float32", pj.mandelbrot_jax,
                             (cr32, ci32, max_iter), repeat=reps),
                 ])


GROUPS = [group_xor_step, group_xor_training, group_sequence,
          group_sequence_inputs, group_hamming, group_mandelbrot]


def run_groups(quick: bool, progress) -> list[dict]:
    results = []
    built = [make(quick) for make in GROUPS]
    total = sum(len(g.variants) for g in built)
    done = 0
    for group in built:
        rows = []
        for v in group.variants:
            done += 1
            progress(f"[{done}/{total}] {group.title}: {v.name}")
            timing = pj.time_it(v.fn, *v.args, repeat=v.repeat,
                                number=v.number)
            rows.append({
                "variant": v.name,
                "best_s": timing.best,
                "median_s": timing.median,
                "first_call_s": timing.first_call,
                "compile_s": timing.compile,
                "repeat": v.repeat,
                "number": v.number,
            })
        slowest = max(r["median_s"] for r in rows)
        for r in rows:
            r["speedup_vs_slowest"] = slowest / r["median_s"]
        results.append({"key": group.key, "title": group.title,
                        "size": group.size, "chapter": group.chapter,
                        "about": group.about, "variants": rows})
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
    lines = [f"{'variant':<34} {'compile*':>10} {'best':>10} "
             f"{'median':>10} {'speedup':>9}"]
    for group in results:
        lines.append(f"\n{group['title']} ({group['size']}; chapter "
                     f"{group['chapter']})")
        for r in group["variants"]:
            lines.append(
                f"  {r['variant']:<32} {pj.format_seconds(r['compile_s']):>10}"
                f" {pj.format_seconds(r['best_s']):>10}"
                f" {pj.format_seconds(r['median_s']):>10}"
                f" {r['speedup_vs_slowest']:>8.1f}x")
    lines.append(
        "\n* first call minus median: tracing and compilation (for eager "
        "code, JAX's\n  per-operation dispatch caches). Speedup: the "
        "group's slowest median / this median.")
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
    ax.set_xlabel("speedup over the slowest variant of its group (median)")
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
    print(f"\nTotal {pj.format_seconds(total)}; wrote "
          f"{args.out / 'results.json'} and {args.out / 'speedups.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
