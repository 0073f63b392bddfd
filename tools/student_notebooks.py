"""Student notebooks: each chapter without its solutions, outputs cleared.

    python tools/student_notebooks.py [--output DIR] [book/NAME.md ...]

writes DIR/NAME.ipynb (default DIR: _build/student-notebooks) for every
chapter, or for the ones named, for an instructor to hand out. A solution
is everything from a ``{solution-start}`` directive to the end of its
``{solution-end}`` directive (the gated form the chapters use: the prose
and the code cells in between), or a whole ``{solution}`` directive. The
exercises, their stub cells and the checkers stay. The notebooks are not
paired with a .md (no jupytext metadata) and carry no outputs.

The student edition of the HTML book (``make book-student``) offers these
same files for download (see tools/sphinx/book_downloads.py).
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

import jupytext
import nbformat

from book_files import ROOT, notebook_mds

OUTPUT = ROOT / "_build" / "student-notebooks"
# The opening line of a MyST directive: a fence of 3+ backticks or colons
# followed by {name}.
_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}")
# Metadata that belongs to the book's pipeline, not to a hand-out.
_PIPELINE_METADATA = ("jupytext", "py4eng_jax")


def strip_solutions(text: str) -> tuple[str, int]:
    """Remove the solutions from MyST text; return it and how many.

    >>> text = '''Try it.
    ... ```{solution-start} ex1
    ... :class: dropdown
    ... ```
    ... The answer:
    ... ```{code-cell} ipython3
    ... print(42)
    ... ```
    ... ```{solution-end}
    ... ```
    ... Next.'''
    >>> print(strip_solutions(text)[0])
    Try it.
    Next.
    >>> strip_solutions(text)[1]
    1
    """
    kept: list[str] = []
    state, fence, count, start_line = "out", "", 0, 0
    after_cut = False  # just past a solution: drop surplus blank lines
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        match = _DIRECTIVE.match(line)
        name = match["name"] if match else None
        if state == "out":
            if name in ("solution-start", "solution"):
                state = "gated" if name == "solution-start" else "block"
                fence, start_line = match["fence"], number
                count += 1
            elif not (after_cut and not line.strip()
                      and (not kept or not kept[-1].strip())):
                kept.append(line)
                after_cut = False
        elif state == "gated":
            if name == "solution-end":
                state, fence = "closing", match["fence"]
        elif line.strip() == fence:  # the end of solution-end or solution
            state, after_cut = "out", True
    if state != "out":
        raise ValueError(
            f"the solution opened on line {start_line} never ends: expected "
            f"a {{solution-end}} directive after it")
    return "".join(kept), count


def student_notebook(md: pathlib.Path) -> nbformat.NotebookNode:
    """The chapter ``md`` as a hand-out: no solutions, no outputs."""
    text, _ = strip_solutions(md.read_text(encoding="utf-8"))
    nb = jupytext.reads(text, fmt="md:myst")
    nb.cells = [c for c in nb.cells if c.source.strip()]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    for key in _PIPELINE_METADATA:
        nb.metadata.pop(key, None)
    return nb


def student_md(md: pathlib.Path) -> str:
    """The chapter's MyST source without its solutions."""
    return strip_solutions(md.read_text(encoding="utf-8"))[0]


def write_all(mds: list[pathlib.Path], output: pathlib.Path) -> list[str]:
    """Write each chapter's student notebook into ``output``; report."""
    output.mkdir(parents=True, exist_ok=True)
    report = []
    for md in mds:
        try:
            nb = student_notebook(md)
        except ValueError as err:
            raise ValueError(f"{md.relative_to(ROOT)}: {err}") from None
        path = output / md.with_suffix(".ipynb").name
        nbformat.write(nb, path)
        removed = strip_solutions(md.read_text(encoding="utf-8"))[1]
        report.append(f"   {path.relative_to(output.parent)}: "
                      f"{removed} solution(s) removed")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="book/NAME.md files (default: all chapters)")
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT,
                        help="folder for the notebooks (default: %(default)s)")
    args = parser.parse_args(argv)
    mds = [p.resolve() for p in args.notebooks] or notebook_mds()
    for md in mds:
        if md.suffix != ".md" or not md.exists():
            parser.error(f"{md} is not an existing book/NAME.md file")
    try:
        report = write_all(mds, args.output.resolve())
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print("\n".join(report))
    print(f"== Student notebooks: {args.output}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
