"""Build the student edition: the HTML book without the solutions.

    python tools/build_student.py [--output DIR] [--strict]

builds the book as `make book` does, with sphinx-exercise's
``hide_solutions`` switched on, into DIR/html (default DIR: _build/student).
The exercises, their stubs and checkers stay; every solution goes, prose
and code cells alike (tools/sphinx/book_student.py), and the download menu
offers the hand-out notebooks (tools/sphinx/book_downloads.py).
``--strict`` turns warnings into errors and checks every reference, as the
tests' build does.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

from book_files import ROOT

OUTPUT = ROOT / "_build" / "student"


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
    result = build_sphinx(
        ROOT, output / "html", noconfig=True,
        path_config=str(ROOT / "_config.yml"), confoverrides=overrides,
        doctreedir=output / ".doctrees", warningiserror=strict,
        keep_going=strict)
    if isinstance(result, Exception):
        print(f"error: {result}", file=sys.stderr)
        return 1
    return result


def _theme_options_without_launch_buttons() -> dict:
    """The book's theme options as `make book` computes them, with no
    launch-button provider (sphinx-book-theme adds no button without a
    URL). The providers are emptied, not dropped: with `recursive_update`
    in _config.yml the overrides are merged into the computed options, so
    a dropped key would come back."""
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(
        user_yaml=ROOT / "_config.yml", sourcedir=ROOT,
        cli_config={"latex_individualpages": False})
    options = dict(config["html_theme_options"])
    options["launch_buttons"] = {
        key: ("" if key.endswith("_url") else value)
        for key, value in options.get("launch_buttons", {}).items()}
    options["launch_buttons"]["thebe"] = False
    return options


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
