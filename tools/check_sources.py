"""Fail early, with a clear message, when the book's sources are incomplete.

Checks that every entry of _toc.yml has a file, and that every MyST
notebook (book/NAME.md with a kernelspec) has its paired NAME.ipynb.
"""

from __future__ import annotations

import sys

from book_files import ROOT, notebook_mds, toc_entries

SUFFIXES = (".ipynb", ".md")


def problems() -> list[str]:
    found = []
    for entry in toc_entries():
        if not any((ROOT / (entry + s)).exists() for s in SUFFIXES):
            found.append(
                f"_toc.yml lists '{entry}', but neither {entry}.ipynb nor "
                f"{entry}.md exists.")
    for md in notebook_mds():
        nb = md.with_suffix(".ipynb")
        if not nb.exists():
            rel = md.relative_to(ROOT)
            found.append(
                f"{rel} is a notebook but has no paired "
                f"{nb.relative_to(ROOT)}: run `make notebooks NB={rel}`.")
    return found


if __name__ == "__main__":
    errors = problems()
    for message in errors:
        print(f"error: {message}", file=sys.stderr)
    sys.exit(1 if errors else 0)
