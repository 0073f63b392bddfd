"""Where the book's sources are: shared by the tools and the tests."""

from __future__ import annotations

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def toc_entries(toc_path: pathlib.Path = ROOT / "_toc.yml") -> list[str]:
    """Every ``file:``/``root:`` entry of ``_toc.yml``, in order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return found


def is_notebook_md(path: pathlib.Path) -> bool:
    """A MyST markdown notebook has a kernelspec in its front matter."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    return "kernelspec:" in text.split("\n---", 1)[0]


def notebook_mds() -> list[pathlib.Path]:
    """The chapters' MyST sources: ``book/*.md`` with a kernelspec."""
    return [p for p in sorted(BOOK.glob("*.md")) if is_notebook_md(p)]
