"""Sync each book/NAME.md with NAME.ipynb and execute it in a fresh kernel.

    python tools/notebooks.py [--force] [book/NAME.md ...]

The .md is the source people edit; the .ipynb is written from it, executed
top to bottom in a fresh kernel, and stored with its outputs. A notebook is
executed again only when its inputs changed: the .md text, the helper
package's source, or requirements.txt (their hash is kept in the
notebook's metadata). ``--force`` executes them all.

The notebook's metadata also records how the run went (time, success) and
on what (Python, JAX, jaxlib, device), for the book's status page.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pathlib
import sys
import time

import jupytext
import nbclient
import nbformat

from book_files import ROOT, notebook_mds
from py4eng_jax import machine_info  # installed (editable) by `make`

META_KEY = "py4eng_jax"
TIMEOUT_S = 600  # per cell; a lesson cell should take seconds


def inputs_hash(md: pathlib.Path) -> str:
    """Hash of everything the notebook's outputs depend on."""
    h = hashlib.sha256()
    paths = [md, ROOT / "requirements.txt",
             *sorted((ROOT / "src" / "py4eng_jax").rglob("*.py"))]
    for path in paths:
        h.update(path.relative_to(ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def stored_hash(nb_path: pathlib.Path) -> str | None:
    if not nb_path.exists():
        return None
    nb = nbformat.read(nb_path, as_version=4)
    return nb.metadata.get(META_KEY, {}).get("inputs_sha256")


def coalesce_streams(outputs: list) -> list:
    """Join consecutive prints to the same stream into one output.

    How a kernel chunks a long printout depends on timing; one output per
    stream keeps the stored notebook stable and its diffs small.
    """
    merged: list = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream"
                and merged[-1]["name"] == out["name"]):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def run(md: pathlib.Path):
    """Execute md top to bottom in a fresh kernel; nothing is written.

    Returns ``(notebook, seconds, error)``, where ``error`` is the
    ``CellExecutionError`` of a failing cell, or None. (Also used by
    ``tools/bench.py`` to time the chapters.)
    """
    nb = jupytext.read(md)
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,md:myst"
    client = nbclient.NotebookClient(
        nb, timeout=TIMEOUT_S, kernel_name="python3",
        resources={"metadata": {"path": str(md.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as err:
        error = err
    return nb, time.perf_counter() - start, error


def execute(md: pathlib.Path) -> bool:
    """Write md's .ipynb with fresh outputs; return True if it succeeded."""
    nb_path = md.with_suffix(".ipynb")
    nb, runtime, error = run(md)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata[META_KEY] = {
        "inputs_sha256": inputs_hash(md),
        "execution": {
            "mtime": time.time(),
            "runtime": round(runtime, 2),
            "method": "make notebooks",
            "succeeded": error is None,
            "error": None if error is None else type(error).__name__,
        },
        "machine": machine_info(),
    }
    jupytext.write(nb, nb_path, fmt="ipynb")
    # Keep the text file the newer of the pair, as jupytext expects.
    os.utime(md)
    rel = md.relative_to(ROOT)
    if error is None:
        print(f"   {rel}: executed in {runtime:.1f} s")
    else:
        print(f"   {rel}: FAILED after {runtime:.1f} s\n{error}",
              file=sys.stderr)
    return error is None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="book/NAME.md files (default: all chapters)")
    parser.add_argument("--force", action="store_true",
                        help="execute even when the inputs are unchanged")
    args = parser.parse_args(argv)

    mds = [p.resolve() for p in args.notebooks] or notebook_mds()
    for md in mds:
        if md.suffix != ".md" or not md.exists():
            parser.error(f"{md} is not an existing book/NAME.md file")
    ok = True
    for md in mds:
        rel = md.relative_to(ROOT)
        if not args.force and stored_hash(md.with_suffix(".ipynb")) == \
                inputs_hash(md):
            print(f"   {rel}: up to date")
            continue
        print(f"== {rel}", flush=True)
        ok = execute(md) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
