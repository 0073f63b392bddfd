"""Sphinx extension: the status page's data, from the executed notebooks.

The book is built from stored outputs (myst-nb execution is off), so
myst-nb records no execution data of its own. ``make notebooks`` keeps
each run's figures in the notebook's metadata; this extension hands them
to myst-nb, so that its ``{nb-exec-table}`` directive lists them, and adds
two directives:

- ``{book-environment}``: a table of the Python, JAX and jaxlib versions
  and the device each notebook's outputs were produced on;
- ``{bench-results}``: the committed ``make bench`` snapshot,
  ``book/pages/bench-results.json`` (written by ``make bench-publish``).
  Only that file is read, never a local run in ``_build``, so that every
  build of one commit shows the same figures.
"""

from __future__ import annotations

import json
import pathlib

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from py4eng_jax import format_seconds

META_KEY = "py4eng_jax"
ENV_KEY = "book_status_machines"
PAGES_KEY = "book_status_pages"  # documents that show the table
COLUMNS = [("Notebook", None), ("Device", "device"), ("Processor", "cpu"),
           ("Cores", "cores"), ("Python", "python"), ("JAX", "jax"),
           ("jaxlib", "jaxlib")]
BENCH_SNAPSHOT = "book/pages/bench-results.json"


def _cell(content) -> nodes.entry:
    """A table cell from text or from inline nodes."""
    if isinstance(content, str):
        return nodes.entry("", nodes.paragraph(text=content))
    return nodes.entry("", nodes.paragraph("", "", *content))


def _table(header: list[str], rows: list[list]) -> nodes.table:
    """A table with a header row; each cell is text or a list of nodes."""
    table = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in header]
    head = nodes.thead()
    group += head
    head += nodes.row("", *[_cell(h) for h in header])
    body = nodes.tbody()
    group += body
    for row in rows:
        body += nodes.row("", *[_cell(c) for c in row])
    return table


# --- the machine each notebook ran on --------------------------------------


class _Placeholder(nodes.General, nodes.Element):
    pass


class BookEnvironment(SphinxDirective):
    """Placeholder replaced by the table once every notebook is read."""

    def run(self):
        pages = self.env.__dict__.setdefault(PAGES_KEY, set())
        pages.add(self.env.docname)
        return [_Placeholder()]


def _read_metadata(app: Sphinx, doctree) -> None:
    env = app.env
    source = env.doc2path(env.docname)
    if not str(source).endswith(".ipynb"):
        return
    with open(source, encoding="utf-8") as f:
        meta = json.load(f).get("metadata", {}).get(META_KEY, {})
    if "execution" in meta:
        data = dict(meta["execution"], traceback=None)
        NbMetadataCollector.set_exec_data(env, env.docname, data)
    if "machine" in meta:
        if not hasattr(env, ENV_KEY):
            setattr(env, ENV_KEY, {})
        getattr(env, ENV_KEY)[env.docname] = meta["machine"]


def _purge(app, env, docname) -> None:
    getattr(env, ENV_KEY, {}).pop(docname, None)
    getattr(env, PAGES_KEY, set()).discard(docname)


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Rebuild the status pages whenever any document is re-read."""
    if added or changed or removed:
        return sorted(getattr(env, PAGES_KEY, set()) - added - changed)
    return []


def _merge(app, env, docnames, other) -> None:
    if not hasattr(env, ENV_KEY):
        setattr(env, ENV_KEY, {})
    getattr(env, ENV_KEY).update(getattr(other, ENV_KEY, {}))
    env.__dict__.setdefault(PAGES_KEY, set()).update(
        getattr(other, PAGES_KEY, set()))


def _make_table(app: Sphinx, doctree, docname: str) -> None:
    machines = getattr(app.env, ENV_KEY, {})
    for placeholder in list(doctree.findall(_Placeholder)):
        rows = []
        for nb_doc in sorted(machines):
            info = machines[nb_doc]
            title = app.env.titles.get(nb_doc)
            link = nodes.reference(
                "", title.astext() if title else nb_doc,
                refuri=app.builder.get_relative_uri(docname, nb_doc))
            row = [[link]]
            for _, key in COLUMNS[1:]:
                value = info.get(key, "?")
                if key == "device":
                    value = f"{info.get('device_count', 1)} × {value}"
                row.append(str(value))
            rows.append(row)
        placeholder.replace_self(_table([t for t, _ in COLUMNS], rows))


# --- the committed `make bench` snapshot ----------------------------------


class BenchResults(SphinxDirective):
    """The committed `make bench` run: what each group times, and its
    figures. Reads book/pages/bench-results.json only."""

    def run(self):
        path = pathlib.Path(self.env.srcdir) / BENCH_SNAPSHOT
        if not path.exists():
            return [nodes.paragraph(text=(
                "No benchmark snapshot yet: run `make bench`, then "
                "`make bench-publish`, and commit "
                f"{BENCH_SNAPSHOT}."))]
        self.env.note_dependency(str(path))
        report = json.loads(path.read_text(encoding="utf-8"))
        out = [nodes.paragraph(text=(
            f"Measured {report['created']} on {report['machine_text']} "
            f"(the committed snapshot, {BENCH_SNAPSHOT}). Each group is "
            f"one race: its variants' samples were taken in alternation. "
            f"Compile: for a jitted variant, a cold lower().compile() of "
            f"that variant alone, after jax.clear_caches(); for the others "
            f"(NumPy, Numba, eager or Python-loop code), the first call "
            f"minus the median, a first-call overhead (for Numba, its "
            f"compiler). Median and best: of the samples after the first "
            f"call. Speedup: the group's slowest best divided by this "
            f"one."))]
        for group in report["groups"]:
            title = nodes.paragraph()
            title += nodes.strong(text=f"{group['title']} ({group['size']})")
            chapter = group.get("chapter")
            if chapter:
                title += nodes.Text(". Chapter: ")
                title += addnodes.pending_xref(
                    "", nodes.inline(text=chapter), refdomain="std",
                    reftype="doc", reftarget=f"/book/{chapter}",
                    refdoc=self.env.docname, refexplicit=False,
                    refwarn=True)
            if group.get("about"):
                title += nodes.Text(". " + group["about"])
            out.append(title)
            rows = [[v["variant"], format_seconds(v["compile_s"]),
                     format_seconds(v["median_s"]),
                     format_seconds(v["best_s"]),
                     f"{v['speedup_vs_slowest']:,.1f}×"]
                    for v in group["variants"]]
            out.append(_table(["Variant", "Compile", "Median", "Best",
                               "Speedup"], rows))
        book = report.get("book", {})
        costs = [[name, "failed" if secs is None else format_seconds(secs)]
                 for name, secs in book.get("notebooks_s", {}).items()]
        if book.get("make_book_s") is not None:
            costs.append(["jupyter-book build",
                          format_seconds(book["make_book_s"])])
        if costs:
            out.append(nodes.paragraph(text=(
                "What the book costs on that machine: each chapter "
                "executed top to bottom in a fresh kernel, and a full "
                "build of the HTML book from the stored outputs.")))
            out.append(_table(["The book's cost", "Time"], costs))
        return out


def setup(app: Sphinx):
    app.add_directive("book-environment", BookEnvironment)
    app.add_directive("bench-results", BenchResults)
    app.add_node(_Placeholder)
    app.connect("doctree-read", _read_metadata)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-resolved", _make_table)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
