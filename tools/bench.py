"""`make bench`: the book's speed claims and costs, measured in one process.

    python tools/bench.py [--quick] [--out DIR] [--no-book]

Each group times variants of one computation from the book with
py4eng_jax.time_it (a timed first call that includes compilation, then
repeats that block until the result is ready) and reports the best and
median of the repeats and each variant's speedup over the group's slowest.
Then it measures what the book costs: each notebook's execution in a fresh
kernel, and a full `jupyter-book build`.

Writes DIR/results.json (machine, versions, every figure) and
DIR/speedups.png, and prints a table. It is a benchmark, not a test: it
never fails because a machine is slow. ``--quick`` uses tiny sizes and one
repeat, to check that everything runs (the unit tests use it).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Callable

from book_files import ROOT, notebook_mds

sys.path.insert(0, str(ROOT / "src"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import py4eng_jax as pj  # noqa: E402


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


def xor_setup():
    X, Y = pj.xor_data()
    subkey, _ = jax.random.split(jax.random.key(9))
    return pj.init_params(subkey), X, Y


def group_xor_step(quick: bool) -> Group:
    params, X, Y = xor_setup()
    return Group("xor_step", "One XOR gradient step", "4 examples, 13 params", [
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
    train_fused = getattr(pj, "train_fused", None)
    if train_fused is not None:
        variants.append(Variant(
            "fused lax.while_loop",
            lambda: train_fused(params, X, Y, max_steps=max_steps),
            repeat=3 if quick else 20))
    return Group("xor_training", "XOR training until all four are right",
                 "max %d steps" % max_steps, variants)


GROUPS = [group_xor_step, group_xor_training]


def run_groups(quick: bool, progress) -> list[dict]:
    results = []
    total = None
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
                        "size": group.size, "variants": rows})
    return results


def time_notebooks(progress, quick: bool) -> dict[str, float | None]:
    """Execute each chapter in a fresh kernel (outputs are not saved)."""
    import jupytext
    import nbclient

    times = {}
    mds = notebook_mds()[:1] if quick else notebook_mds()
    for i, md in enumerate(mds, 1):
        progress(f"[notebook {i}/{len(mds)}] {md.name}")
        nb = jupytext.read(md)
        client = nbclient.NotebookClient(
            nb, timeout=600, kernel_name="python3",
            resources={"metadata": {"path": str(md.parent)}})
        start = time.perf_counter()
        try:
            client.execute()
            times[md.stem] = time.perf_counter() - start
        except Exception as err:  # a benchmark reports, it does not fail
            progress(f"   {md.name} failed: {type(err).__name__}")
            times[md.stem] = None
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
        lines.append(f"\n{group['title']} ({group['size']})")
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
    ax.set_title(machine, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes, one repeat: check that it runs")
    parser.add_argument("--out", type=pathlib.Path,
                        default=ROOT / "_build" / "bench",
                        help="where to write results.json and speedups.png")
    parser.add_argument("--no-book", action="store_true",
                        help="skip the notebooks and the book build")
    args = parser.parse_args(argv)

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
