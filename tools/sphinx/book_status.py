"""Sphinx extension: the status page's data, from the executed notebooks.

The book is built from stored outputs (myst-nb execution is off), so
myst-nb records no execution data of its own. ``make notebooks`` keeps
each run's figures in the notebook's metadata; this extension hands them
to myst-nb, so that its ``{nb-exec-table}`` directive lists them, and adds
a ``{book-environment}`` directive: a table of the Python, JAX and jaxlib
versions and the device each notebook's outputs were produced on.
"""

from __future__ import annotations

import json

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

META_KEY = "py4eng_jax"
ENV_KEY = "book_status_machines"
PAGES_KEY = "book_status_pages"  # documents that show the table
COLUMNS = [("Notebook", None), ("Device", "device"), ("Processor", "cpu"),
           ("Cores", "cores"), ("Python", "python"), ("JAX", "jax"),
           ("jaxlib", "jaxlib")]


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
        table = nodes.table(classes=["colwidths-auto"])
        group = nodes.tgroup(cols=len(COLUMNS))
        table += group
        group += [nodes.colspec(colwidth=1) for _ in COLUMNS]
        head = nodes.thead()
        group += head
        row = nodes.row()
        head += row
        for title, _ in COLUMNS:
            row += nodes.entry("", nodes.paragraph(text=title))
        body = nodes.tbody()
        group += body
        for nb_doc in sorted(machines):
            info = machines[nb_doc]
            row = nodes.row()
            body += row
            title = app.env.titles.get(nb_doc)
            link = nodes.reference(
                "", title.astext() if title else nb_doc,
                refuri=app.builder.get_relative_uri(docname, nb_doc))
            row += nodes.entry("", nodes.paragraph("", "", link))
            for _, key in COLUMNS[1:]:
                value = info.get(key, "?")
                if key == "device":
                    value = f"{info.get('device_count', 1)} × {value}"
                row += nodes.entry("", nodes.paragraph(text=str(value)))
        placeholder.replace_self(table)


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


# --- `make bench` results -------------------------------------------------

BENCH_SOURCES = ["_build/bench/results.json", "book/pages/bench-results.json"]


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _simple_table(header: list[str], rows: list[list[str]]) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in header]
    head = nodes.thead()
    group += head
    head += nodes.row("", *[nodes.entry("", nodes.paragraph(text=h))
                            for h in header])
    body = nodes.tbody()
    group += body
    for row in rows:
        body += nodes.row("", *[nodes.entry("", nodes.paragraph(text=c))
                                for c in row])
    return table


class BenchResults(SphinxDirective):
    """The newest `make bench` results: a fresh run's, else the stored ones.

    Looks for _build/bench/results.json (written by `make bench` on this
    machine), then book/pages/bench-results.json (a run kept with the book).
    """

    def run(self):
        root = self.env.srcdir
        for rel in BENCH_SOURCES:
            path = root / rel
            if path.exists():
                self.env.note_dependency(str(path))
                break
        else:
            return [nodes.paragraph(
                text="No benchmark results yet: run `make bench`.")]
        report = json.loads(path.read_text(encoding="utf-8"))
        intro = nodes.paragraph(text=(
            f"From {rel}, measured {report['created']} on "
            f"{report['machine_text']}. Speedup: the slowest variant's "
            f"median time divided by this one's."))
        rows = []
        for group in report["groups"]:
            for v in group["variants"]:
                rows.append([f"{group['title']} ({group['size']})",
                             v["variant"], _format_seconds(v["compile_s"]),
                             _format_seconds(v["median_s"]),
                             f"{v['speedup_vs_slowest']:,.1f}×"])
        out = [intro, _simple_table(
            ["Computation", "Variant", "Compile*", "Median", "Speedup"],
            rows)]
        out.append(nodes.paragraph(text=(
            "* First call minus median: tracing and compilation.")))
        claims = [[c["claim"], f"{c['ratio']:,.1f}×", f"{c['target']}×",
                   "yes" if c["met"] else "no"]
                  for c in report.get("targets", [])]
        if claims:
            out.append(_simple_table(["Claim", "Measured", "Target", "Met"],
                                     claims))
        book = report.get("book", {})
        costs = [[name, "failed" if secs is None else f"{secs:.1f} s"]
                 for name, secs in book.get("notebooks_s", {}).items()]
        if book.get("make_book_s") is not None:
            costs.append(["jupyter-book build", f"{book['make_book_s']:.1f} s"])
        if costs:
            out.append(_simple_table(["The book's cost", "Time"], costs))
        return out

