"""Build the student edition: the HTML book without the solutions.

    python tools/build_student.py [--output DIR] [--strict]

builds the book as `make book` does, with sphinx-exercise's
``hide_solutions`` switched on, into DIR/html (default DIR: _build/student).
The exercises, their stubs and checkers stay; every solution goes, prose
and code cells alike (tools/sphinx/book_student.py), and the download menu
offers the hand-out notebooks (tools/sphinx/book_downloads.py).
``--strict`` turns warnings into errors and checks every reference, as the
tests' build does.

Everything under DIR may be published: nothing there holds a solution
(tests/test_student.py scans every file). The build's working files, which
would (myst-nb's executed copies of the full notebooks, in
DIR/jupyter_execute, and Sphinx's doctrees), are kept beside it, in
DIR-work/, never inside it.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys

from book_files import ROOT

OUTPUT = ROOT / "_build" / "student"


def work_folder(output: pathlib.Path) -> pathlib.Path:
    """Where the build keeps what must not be published: DIR-work."""
    return output.with_name(output.name + "-work")


def build(output: pathlib.Path, strict: bool = False) -> int:
    """Build into ``output``/html; return the build's exit status."""
    from jupyter_book.sphinx import build_sphinx

    os.chdir(ROOT)  # _config.yml names its local extensions' folder relatively
    overrides = {
        # What `jupyter-book build` passes for a book.
        "external_toc_path": (ROOT / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "hide_solutions": True,
        # No launch buttons: Binder and Colab would open the repository's
        # notebooks, solutions included.
        "html_theme_options": _theme_options_without_launch_buttons(),
    }
    if strict:
        overrides["nitpicky"] = True
    work = work_folder(output)
    # myst-nb writes its executed copies of the notebooks, solutions
    # included, into the html folder's parent: build in the work folder
    # (kept, for the next build to be incremental), then copy only html/
    # into ``output``.
    result = build_sphinx(
        ROOT, work / "html", noconfig=True,
        path_config=str(ROOT / "_config.yml"), confoverrides=overrides,
        doctreedir=work / ".doctrees", warningiserror=strict,
        keep_going=strict)
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    if (work / "html").exists():
        shutil.copytree(work / "html", output / "html")
    if isinstance(result, Exception):
        print(f"error: {result}", file=sys.stderr)
        return 1
    return result


def _theme_options_without_launch_buttons() -> dict:
    """Theme options that switch every launch provider off.

    Jupyter Book merges these into the book's options key by key, so each
    provider is set to "none" rather than left out; sphinx-book-theme then
    adds no launch button at all.
    """
    providers = ("binderhub_url", "jupyterhub_url", "colab_url",
                 "deepnote_url", "jupyterlite_url")
    launch = {name: "" for name in providers}
    launch["thebe"] = False
    return {"launch_buttons": launch}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=OUTPUT,
                        help="folder for html/ (default: %(default)s)")
    parser.add_argument("--strict", action="store_true",
                        help="warnings are errors (-W -n --keep-going)")
    args = parser.parse_args(argv)
    status = build(args.output.resolve(), args.strict)
    if status == 0:
        print(f"== Student edition: {args.output}/html/index.html")
    return status


if __name__ == "__main__":
    sys.exit(main())
