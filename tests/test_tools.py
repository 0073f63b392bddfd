"""The tools behind `make`: clear messages for incomplete sources."""

import pytest

import check_sources
import notebooks
from book_files import BOOK


@pytest.fixture
def fake_book(tmp_path, monkeypatch):
    """A tiny book layout in a temporary folder."""
    (tmp_path / "book").mkdir()
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\n"
        "chapters:\n  - file: book/one\n  - file: book/two\n")
    (tmp_path / "book" / "intro.md").write_text("# Intro\n")
    monkeypatch.setattr(check_sources, "ROOT", tmp_path)
    monkeypatch.setattr(check_sources, "toc_entries",
                        lambda: ["book/intro", "book/one", "book/two"])
    return tmp_path


NOTEBOOK_MD = "---\nkernelspec:\n  name: python3\n---\n# One\n"


def test_check_sources_names_a_toc_entry_without_file(fake_book, monkeypatch):
    """a chapter listed in _toc.yml with no file is reported by name"""
    monkeypatch.setattr(check_sources, "notebook_mds", lambda: [])
    (fake_book / "book" / "one.ipynb").write_text("{}")
    assert check_sources.problems() == [
        "_toc.yml lists 'book/two', but neither book/two.ipynb nor "
        "book/two.md exists."]


def test_check_sources_names_an_unpaired_md(fake_book, monkeypatch):
    """a MyST notebook without its .ipynb is reported with the fix"""
    md = fake_book / "book" / "one.md"
    md.write_text(NOTEBOOK_MD)
    (fake_book / "book" / "two.ipynb").write_text("{}")
    monkeypatch.setattr(check_sources, "notebook_mds", lambda: [md])
    [message] = check_sources.problems()
    assert "book/one.md is a notebook but has no paired book/one.ipynb" \
        in message
    assert "make notebooks NB=book/one.md" in message


def test_check_sources_passes_for_the_real_book():
    """the repository's own sources are complete"""
    import importlib
    assert importlib.reload(check_sources).problems() == []


def test_inputs_hash_changes_with_the_source(tmp_path, monkeypatch):
    """editing a chapter's .md changes the hash that triggers re-execution"""
    md = BOOK / "autodiff.md"
    before = notebooks.inputs_hash(md)
    assert before == notebooks.inputs_hash(md)
    copy = tmp_path / "autodiff.md"
    copy.write_text(md.read_text() + "\nOne more line.\n")
    monkeypatch.setattr(notebooks, "ROOT", tmp_path)
    for name in ("requirements.txt",):
        source = BOOK.parent / name
        (tmp_path / name).write_text(source.read_text())
    (tmp_path / "src" / "py4eng_jax").mkdir(parents=True)
    assert notebooks.inputs_hash(copy) != before


def test_coalesce_streams_joins_consecutive_prints():
    """consecutive stdout chunks become one output; stderr stays apart"""
    outs = [{"output_type": "stream", "name": "stdout", "text": "a\n"},
            {"output_type": "stream", "name": "stdout", "text": "b\n"},
            {"output_type": "stream", "name": "stderr", "text": "c\n"}]
    merged = notebooks.coalesce_streams(outs)
    assert [o["text"] for o in merged] == ["a\nb\n", "c\n"]
