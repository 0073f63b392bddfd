"""The first cell of each chapter: installs what Colab lacks, only on Colab.

The cell's text is tools/colab_cell.py's SOURCE; tests/test_notebooks.py
checks that every chapter starts with it. Here it runs with `pip` replaced
by a recorder, once as on Colab (a ``google.colab`` module is loaded) and
once as anywhere else.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types

import jupytext
import pytest
import yaml

import colab_cell
from book_files import ROOT


def pinned(package: str) -> str:
    """``package==version`` as requirements.txt pins it."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    [version] = re.findall(rf"^{re.escape(package)}==(\S+)$", text, re.M)
    return f"{package}=={version}"


def run_cell(monkeypatch, on_colab: bool) -> list[list[str]]:
    """Run the cell; return the commands it would have run."""
    commands = []
    monkeypatch.setattr(subprocess, "run",
                        lambda command, **kw: commands.append(command))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab",
                            types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(colab_cell.SOURCE, "<colab cell>", "exec"), {})
    return commands


def test_elsewhere_the_cell_does_nothing(monkeypatch):
    """off Colab (here, Binder, the tests) nothing is installed"""
    assert run_cell(monkeypatch, on_colab=False) == []


def test_on_colab_it_installs_the_pinned_jax_and_the_package(monkeypatch):
    """on Colab: this book's JAX and optax pins, its package from the
    repository"""
    repo = yaml.safe_load(
        (ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    commands = run_cell(monkeypatch, on_colab=True)
    assert all(c[:4] == [sys.executable, "-m", "pip", "install"]
               for c in commands)
    first = commands[0]
    assert pinned("jax") in first and pinned("jaxlib") in first
    assert pinned("optax") in first
    assert f"py4eng-jax @ git+{repo['url']}@{repo['branch']}" in first


def test_on_colab_myst_nb_comes_without_its_dependencies(monkeypatch):
    """myst-nb (for glue) is pinned and leaves Colab's IPython alone"""
    commands = run_cell(monkeypatch, on_colab=True)
    [myst] = [c for c in commands if pinned("myst-nb") in c]
    assert "--no-deps" in myst


def test_the_cell_follows_the_house_style():
    """its lines fit in 79 characters and it says what it does first"""
    lines = colab_cell.SOURCE.splitlines()
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


def test_the_tool_adds_the_cell_once(tmp_path):
    """`tools/colab_cell.py` puts the cell first, and only once"""
    md = tmp_path / "one.md"
    md.write_text(CHAPTER)
    assert colab_cell.add_to(md) is True
    assert colab_cell.add_to(md) is False
    nb = jupytext.read(md)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].source == colab_cell.SOURCE
    assert code[0].metadata["tags"] == colab_cell.TAGS
    assert code[1].source == "%xmode minimal"
    assert nb.cells[0].source.startswith("(one)=")


def test_the_tool_refuses_a_page_without_code(tmp_path):
    """a page with no code cell is an error, not a silent no-op"""
    md = tmp_path / "plain.md"
    md.write_text("# Plain\n")
    with pytest.raises(ValueError, match="has no code cell"):
        colab_cell.add_to(md)
