"""The first cell of each chapter: installs what Colab lacks, only on Colab.

The cell's text is tools/colab_cell.py's ``source()``; tests/test_notebooks.py
checks that every chapter starts with it. Here it runs with `pip` replaced
by a recorder, once as on Colab (a ``google.colab`` module is loaded) and
once as anywhere else; the tool updates an old cell in place; and a change
of ``_config.yml``'s repository reaches every chapter's cell and every
launch button.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import types

import jupytext
import nbformat
import pytest
import yaml

import colab_cell
import notebooks
from book_files import ROOT, notebook_mds
from support import parsed_html


def pins(path: str) -> dict[str, str]:
    """``{name: "name==version"}`` as a requirements file pins them."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return {name.lower(): f"{name}=={version}" for name, version in
            re.findall(r"^([\w.-]+)==(\S+)$", text, re.M)}


def run_cell(monkeypatch, on_colab: bool, source: str = colab_cell.SOURCE
             ) -> list[list[str]]:
    """Run the cell; return the commands it would have run."""
    commands = []
    monkeypatch.setattr(subprocess, "run",
                        lambda command, **kw: commands.append(command))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab",
                            types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "<colab cell>", "exec"), {})
    return commands


def test_elsewhere_the_cell_does_nothing(monkeypatch):
    """off Colab (here, Binder, the tests) nothing is installed"""
    assert run_cell(monkeypatch, on_colab=False) == []


def test_on_colab_it_installs_the_student_set_and_the_package(monkeypatch):
    """on Colab: the student set's pins of what the chapters import (not
    the Jupyter part, which Colab has), and the package from the repository
    that _config.yml names"""
    repo = yaml.safe_load(
        (ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    commands = run_cell(monkeypatch, on_colab=True)
    assert all(c[:4] == [sys.executable, "-m", "pip", "install"]
               for c in commands)
    first = commands[0]
    student = pins("requirements-student.txt")
    for name in ("jax", "jaxlib", "numpy", "scipy", "matplotlib", "optax"):
        assert student[name] in first
    assert not [name for name in ("jupyterlab", "ipykernel", "ipython")
                if student[name] in first]
    # Every pin it installs is the student set's, and the book's.
    installed = [arg for arg in first[4:] if "==" in arg]
    book = pins("requirements.txt")
    assert [p for p in installed if p not in student.values()] == []
    assert [p for p in installed if p not in book.values()] == []
    assert "--ignore-requires-python" not in first
    assert f"py4eng-jax @ git+{repo['url']}@{repo['branch']}" in first


def test_on_colab_myst_nb_comes_without_its_dependencies(monkeypatch):
    """myst-nb (for the chapters' glue) is pinned and leaves Colab's
    IPython alone; the hand-outs' variant, with no glue, skips it"""
    commands = run_cell(monkeypatch, on_colab=True)
    [myst] = [c for c in commands if pins("requirements.txt")["myst-nb"]
              in c]
    assert "--no-deps" in myst
    hand_out = run_cell(monkeypatch, on_colab=True,
                        source=colab_cell.source(glue=False))
    assert hand_out == [commands[0]]


def test_the_cell_follows_the_house_style():
    """its lines fit in 79 characters and it says what it does first"""
    for source in (colab_cell.SOURCE, colab_cell.source(glue=False)):
        lines = source.splitlines()
        assert max(len(line) for line in lines) <= 79
        assert lines[0].startswith("# On Google Colab")


CHAPTER = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

(one)=
# One

```{code-cell} ipython3
:tags: [remove-cell]

%xmode minimal
```
"""

# The cell as it was before the student set (JAX and optax pins only).
OLD_CELL = '''\
# On Google Colab: install the versions this book was tested with, and its
# helper package. Anywhere else this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run(pip + [
        "--ignore-requires-python", "jax==0.10.1", "jaxlib==0.10.1",
        "py4eng-jax @ git+https://github.com/py4eng/py4eng-jax@main",
    ], check=True)'''


def test_the_tool_adds_the_cell_once(tmp_path):
    """`tools/colab_cell.py` puts the cell first, and only once"""
    md = tmp_path / "one.md"
    md.write_text(CHAPTER)
    assert colab_cell.add_to(md) == "added"
    assert colab_cell.add_to(md) is None
    nb = jupytext.read(md)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == colab_cell.SOURCE
    assert code[0].metadata["tags"] == colab_cell.TAGS
    assert code[1].source == "%xmode minimal"
    assert nb.cells[0].source.startswith("(one)=")


def test_the_tool_updates_an_old_cell_in_place(tmp_path, monkeypatch):
    """after a pin bump the cell is replaced, in the .md and its .ipynb,
    not added a second time; outputs that were current stay current"""
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    (tmp_path / "src" / "py4eng_jax").mkdir(parents=True)
    (tmp_path / "requirements.txt").write_text("jax==0.10.1\n")
    md = tmp_path / "one.md"
    md.write_text(CHAPTER.replace(
        "```{code-cell}", f"```{{code-cell}} ipython3\n:tags: [remove-cell]"
        f"\n\n{OLD_CELL}\n```\n\n```{{code-cell}}", 1))
    nb = jupytext.read(md)
    nb.metadata[notebooks.META_KEY] = {
        "inputs_sha256": notebooks.inputs_hash(md)}
    nbformat.write(nb, md.with_suffix(".ipynb"))

    assert colab_cell.add_to(md) == "updated"
    for paired in (jupytext.read(md),
                   nbformat.read(md.with_suffix(".ipynb"), as_version=4)):
        code = [c for c in paired.cells if c.cell_type == "code"]
        assert [c.source for c in code] == [colab_cell.SOURCE,
                                            "%xmode minimal"]
        assert code[0].metadata["tags"] == colab_cell.TAGS
    stored = notebooks.stored_hash(md.with_suffix(".ipynb"))
    assert stored == notebooks.inputs_hash(md)
    assert colab_cell.add_to(md) is None


def test_the_tool_refuses_a_page_without_code(tmp_path):
    """a page with no code cell is an error, not a silent no-op"""
    md = tmp_path / "plain.md"
    md.write_text("# Plain\n")
    with pytest.raises(ValueError, match="has no code cell"):
        colab_cell.add_to(md)


def test_a_missing_pin_is_named(tmp_path):
    """a package in requirements-student.in without a pin is an error
    that says to run pip-compile"""
    for name in ("requirements-student.in", "requirements.txt",
                 "_config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "requirements-student.txt").write_text("jax==0.10.2\n")
    with pytest.raises(ValueError, match="no pin for.*pip-compile"):
        colab_cell.source(tmp_path)


# --- the repository is one setting -----------------------------------------

FORK = "https://github.com/a-lecturer/jax-course"


def forked_config(path) -> None:
    """_config.yml as a fork would set it: another URL and branch."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    old = config["repository"]["url"]
    assert text.count(old) == 1
    text = text.replace(old, FORK).replace(
        "  branch: main", "  branch: spring-2027")
    path.write_text(text, encoding="utf-8")


def test_a_fork_changes_one_setting_and_every_cell_follows(tmp_path):
    """in a copy of the repository, changing _config.yml's repository and
    running the tool (as `make book` does) rewrites every chapter's Colab
    cell, .md and .ipynb, and nothing else"""
    old = yaml.safe_load((ROOT / "_config.yml").read_text(
        encoding="utf-8"))["repository"]["url"]
    copy = tmp_path / "fork"
    shutil.copytree(ROOT / "tools", copy / "tools",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "book", copy / "book",
                    ignore=shutil.ignore_patterns("_static", "*.json"))
    shutil.copytree(ROOT / "src", copy / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg*"))
    for name in ("_toc.yml", "requirements.txt", "requirements-student.in",
                 "requirements-student.txt"):
        shutil.copy(ROOT / name, copy / name)
    forked_config(copy / "_config.yml")
    proc = subprocess.run([sys.executable, "tools/colab_cell.py", "--all"],
                          cwd=copy, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    chapters = [md.name for md in notebook_mds()]
    assert len(chapters) >= 10
    for name in chapters:
        md = copy / "book" / name
        for nb in (jupytext.read(md),
                   nbformat.read(md.with_suffix(".ipynb"), as_version=4)):
            first = next(c for c in nb.cells if c.cell_type == "code")
            assert f"git+{FORK}@spring-2027" in first.source, name
            assert old not in json.dumps(nb), name
        # Only the Colab cell changed.
        def others(nb):
            return [c.source for c in nb.cells
                    if not c.source.startswith(colab_cell.FIRST_LINE)]

        assert others(jupytext.read(ROOT / "book" / name)) == others(
            jupytext.read(md))


@pytest.mark.build
def test_a_fork_changes_one_setting_and_every_launch_link_follows(tmp_path):
    """the book built with a fork's _config.yml: every chapter's Binder and
    Colab buttons open the fork, none the original repository"""
    old = yaml.safe_load((ROOT / "_config.yml").read_text(
        encoding="utf-8"))["repository"]["url"]
    config = tmp_path / "_config.yml"
    forked_config(config)
    # Read from another folder, the configuration's relative paths need
    # to name ROOT's files.
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    extensions = settings["sphinx"]["local_extensions"]
    for name, folder in extensions.items():
        extensions[name] = str(ROOT / folder)
    settings["html"]["favicon"] = str(ROOT / settings["html"]["favicon"])
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    # The build reads this configuration and the repository's sources;
    # _config.yml names its extensions' folder relative to ROOT.
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "jupyter-book"), "build", str(ROOT),
         "--config", str(config), "--path-output", str(tmp_path)],
        capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    html = tmp_path / "_build" / "html"
    fork_path = FORK.removeprefix("https://github.com/")
    old_path = old.removeprefix("https://github.com/")
    for md in notebook_mds():
        page = html / md.relative_to(ROOT).with_suffix(".html")
        links = [a["href"] for a in parsed_html(page).find_all("a", href=True)
                 if "mybinder.org" in a["href"]
                 or "colab.research.google.com" in a["href"]]
        binder = [link for link in links if "mybinder.org" in link]
        colab = [link for link in links if "colab.research" in link]
        assert binder and colab, f"{md.stem}: no launch buttons"
        assert all(fork_path in link and "spring-2027" in link
                   for link in links), (md.stem, links)
        assert not [link for link in links if old_path in link]
