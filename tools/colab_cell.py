"""The first cell of every chapter: on Colab, install what the book needs.

The Colab launch button opens a chapter's .ipynb straight from GitHub, in a
runtime that has its own JAX and lacks the book's helper package and
myst-nb (whose ``glue`` the chapters call). The first code cell of each
chapter, tagged ``remove-cell`` so that the book does not show it,
installs them there; anywhere else (your machine, Binder, the tests) it
does nothing. Its text is ``SOURCE`` below, the one copy:
tests/test_notebooks.py checks that every chapter starts with exactly this
cell, tests/test_colab.py what it does.

    python tools/colab_cell.py book/NAME.md [...]

adds the cell to the chapters that lack it, just before their first code
cell; then run `make notebooks NB=book/NAME.md`.
"""

from __future__ import annotations

import pathlib
import sys

TAGS = ["remove-cell"]
SOURCE = '''\
# On Google Colab: install the versions this book was tested with, and its
# helper package. Anywhere else this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    # The book pins Python 3.11; Colab's may be newer.
    subprocess.run(pip + [
        "--ignore-requires-python", "jax==0.10.2", "jaxlib==0.10.2",
        "optax==0.2.8",
        "py4eng-jax @ git+https://github.com/py4eng/py4eng-jax@main",
    ], check=True)
    # The chapters use only myst-nb's glue(), which needs none of its
    # dependencies (they would replace Colab's own IPython).
    subprocess.run(pip + ["--no-deps", "myst-nb==1.4.0"], check=True)'''

MYST_CELL = ("```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
             f"{SOURCE}\n```\n\n")


def add_to(md: pathlib.Path) -> bool:
    """Insert the cell before ``md``'s first code cell; False if present."""
    text = md.read_text(encoding="utf-8")
    if SOURCE in text:
        return False
    at = text.find("```{code-cell}")
    if at < 0:
        raise ValueError(f"{md} has no code cell")
    md.write_text(text[:at] + MYST_CELL + text[at:], encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python tools/colab_cell.py book/NAME.md [...]",
              file=sys.stderr)
        return 2
    for name in argv:
        md = pathlib.Path(name)
        state = "added" if add_to(md) else "already there"
        print(f"   {md}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
