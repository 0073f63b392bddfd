"""The first cell of every chapter: on Colab, install what the book needs.

The Colab launch button opens a chapter's .ipynb straight from GitHub, in a
runtime that has its own Jupyter but not this book's versions, its helper
package, nor myst-nb (whose ``glue`` the chapters call). The first code
cell of each chapter, tagged ``remove-cell`` so that the book does not
show it, installs them there; anywhere else (your machine, Binder, the
tests) it does nothing. It installs the student set: the exact pins, from
requirements-student.txt, of the packages requirements-student.in lists
before its notebook-interface part (Colab brings its own JupyterLab and
kernel), and the helper package from the repository that ``_config.yml``
names (``repository: url`` and ``branch``), the one setting the launch
buttons follow too.

The cell's text is ``source()``, written from those files; ``SOURCE`` is
this repository's. tests/test_notebooks.py checks that every chapter starts
with exactly this cell, tests/test_colab.py what it does.

    python tools/colab_cell.py book/NAME.md [...]
    python tools/colab_cell.py --all

adds the cell to the chapters that lack it, just before their first code
cell, and updates it in place where it is out of date (after a pin bump or
a change of repository), in the .md and in its paired .ipynb. The cell
prints nothing, so a notebook whose outputs were up to date stays so (its
stored inputs hash is refreshed); a new chapter still needs
`make notebooks NB=book/NAME.md`.
"""

from __future__ import annotations

import pathlib
import re
import sys
import textwrap

import nbformat
import yaml

from book_files import ROOT, notebook_mds

TAGS = ["remove-cell"]
FIRST_LINE = "# On Google Colab"
# requirements-student.in lists what the chapters import first; from this
# line on, the notebook interface, which Colab has.
INTERFACE_MARKER = "--- The notebook interface"


def repository(root: pathlib.Path = ROOT) -> tuple[str, str]:
    """The repository's URL and branch, as ``_config.yml`` sets them."""
    config = yaml.safe_load((root / "_config.yml").read_text(
        encoding="utf-8"))
    repo = config.get("repository") or {}
    if not repo.get("url"):
        raise ValueError("_config.yml: expected a repository: url: setting")
    return repo["url"].rstrip("/"), repo.get("branch") or "main"


def _pins(path: pathlib.Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return {name.lower(): f"{name}=={version}" for name, version in
            re.findall(r"^([A-Za-z0-9][\w.-]*)==(\S+)", text, re.M)}


def colab_packages(root: pathlib.Path = ROOT) -> list[str]:
    """Exact pins of the student set's packages that Colab must install."""
    names = []
    for line in (root / "requirements-student.in").read_text(
            encoding="utf-8").splitlines():
        if INTERFACE_MARKER in line:
            break
        match = re.match(r"^([A-Za-z0-9][\w.-]*)", line)
        if match:
            names.append(match[1].lower())
    pins = _pins(root / "requirements-student.txt")
    missing = [name for name in names if name not in pins]
    if missing:
        raise ValueError(f"requirements-student.txt has no pin for "
                         f"{missing}: run pip-compile (see "
                         f"requirements-student.in)")
    return [pins[name] for name in names]


def source(root: pathlib.Path = ROOT, glue: bool = True) -> str:
    """The cell's text for the repository at ``root``.

    ``glue=False``: the hand-outs' variant (tools/student_notebooks.py),
    without myst-nb, since a hand-out calls no ``glue``.
    """
    url, branch = repository(root)
    myst_nb = _pins(root / "requirements.txt")["myst-nb"]
    quoted = ", ".join(f'"{pin}"' for pin in colab_packages(root))
    packages = textwrap.fill(quoted, width=79, initial_indent=" " * 8,
                             subsequent_indent=" " * 8,
                             break_on_hyphens=False, break_long_words=False)
    text = f'''\
{FIRST_LINE}: install the versions this book was tested with (its
# student set, requirements-student.txt) and its helper package. Anywhere
# else this cell does nothing. Written by tools/colab_cell.py.
import subprocess
import sys

if "google.colab" in sys.modules:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + [
{packages},
        "py4eng-jax @ git+{url}@{branch}",
    ], check=True)
    # The chapters use only myst-nb's glue(), which needs none of its
    # dependencies (they would replace Colab's own IPython).
    subprocess.run(pip + ["--no-deps", "{myst_nb}"], check=True)'''
    if not glue:
        text = text[:text.index("\n    # The chapters use only myst-nb")]
    return text


def __getattr__(name: str) -> str:
    """``SOURCE``: this repository's cell, read when first asked for (so
    that importing the module reads no file)."""
    if name == "SOURCE":
        return source()
    raise AttributeError(name)


def myst_cell(text: str) -> str:
    return ("```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
            f"{text}\n```\n\n")


# The Colab cell in a MyST file: its body, from the first line to the fence.
_MYST_BODY = re.compile(
    r"^(?P<body>" + re.escape(FIRST_LINE) + r".*?)\n(?=```\s*$)",
    re.M | re.S)


def add_to(md: pathlib.Path, root: pathlib.Path = ROOT) -> str | None:
    """Put the current cell in ``md`` (and its .ipynb); say what changed.

    Returns "added" (before the first code cell), "updated" (an older
    Colab cell replaced in place) or None (already up to date).
    """
    text = source(root)
    original = md.read_text(encoding="utf-8")
    found = _MYST_BODY.search(original)
    if found and found["body"] == text:
        state = None
    elif found:
        state = "updated"
        new = original[:found.start("body")] + text + original[
            found.end("body"):]
    else:
        at = original.find("```{code-cell}")
        if at < 0:
            raise ValueError(f"{md} has no code cell")
        state = "added"
        new = original[:at] + myst_cell(text) + original[at:]
    ipynb = md.with_suffix(".ipynb")
    if state == "updated" and ipynb.exists():
        _update_notebook(md, ipynb, new, text)
    elif state:
        md.write_text(new, encoding="utf-8")
    return state


def _update_notebook(md: pathlib.Path, ipynb: pathlib.Path, new_md: str,
                     text: str) -> None:
    """Write ``new_md`` and the same cell into the paired notebook.

    Its outputs stay valid (the cell prints nothing), so if they were up
    to date before, the stored inputs hash is brought up to date too.
    """
    import notebooks

    was_current = notebooks.stored_hash(ipynb) == notebooks.inputs_hash(md)
    nb = nbformat.read(ipynb, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"
             and c.source.startswith(FIRST_LINE)]
    md.write_text(new_md, encoding="utf-8")
    if not cells:
        return
    cells[0].source = text
    if was_current:
        nb.metadata[notebooks.META_KEY]["inputs_sha256"] = \
            notebooks.inputs_hash(md)
    nbformat.write(nb, ipynb)


def main(argv: list[str]) -> int:
    if argv == ["--all"]:
        mds = notebook_mds()
    elif argv and "--all" not in argv:
        mds = [pathlib.Path(name) for name in argv]
    else:
        print("usage: python tools/colab_cell.py book/NAME.md [...] | --all",
              file=sys.stderr)
        return 2
    for md in mds:
        state = add_to(md) or "up to date"
        print(f"   {md}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
