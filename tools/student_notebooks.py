"""Student notebooks: each chapter as a clean hand-out, outputs cleared.

    python tools/student_notebooks.py [--output DIR] [book/NAME.md ...]

writes DIR/NAME.ipynb (default DIR: _build/student-notebooks) for every
chapter, or for the ones named, for an instructor to hand out. A hand-out
holds only what a student should read and run:

- no solution: everything from a ``{solution-start}`` directive to the end
  of its ``{solution-end}`` directive (the gated form the chapters use: the
  prose and the code cells in between), or a whole ``{solution}``
  directive, goes;
- no book machinery: the cells tagged ``remove-cell`` (the hidden checks
  of the prose's claims, timing assertions among them) go, except the
  Colab cell (tools/colab_cell.py), which installs what a hand-out needs
  when it is opened on Colab and does nothing elsewhere; myst-nb's
  ``glue`` import and calls go from the cells that stay;
- plain Markdown that plain Jupyter, JupyterLab and Colab render: each
  glued value (``{glue:text}`` role, ``{glue:md}`` directive) is replaced
  by the value stored in the executed book/NAME.ipynb, formatted as the
  book formats it; ``{ref}`` and ``{doc}`` become the title they point
  at; an exercise becomes a heading "Exercise N" (a solution, where one is
  kept, "Solution to exercise N"); a ``{note}`` becomes a quotation;
  target labels ``(name)=`` go.

The exercises, their stub cells and the checkers stay. The notebooks are
not paired with a .md (no jupytext metadata) and carry no outputs.

The student edition of the HTML book (``make book-student``) offers these
same files for download (see tools/sphinx/book_downloads.py).
"""

from __future__ import annotations

import argparse
import ast
import functools
import pathlib
import re
import sys

import jupytext
import nbformat

import colab_cell
from book_files import ROOT, notebook_mds

OUTPUT = ROOT / "_build" / "student-notebooks"
# The opening line of a MyST directive: a fence of 3+ backticks or colons
# followed by {name}.
_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}"
                        r"\s*(?P<argument>.*)$")
# Metadata that belongs to the book's pipeline, not to a hand-out.
_PIPELINE_METADATA = ("jupytext", "py4eng_jax")
# Cell metadata a hand-out keeps (raises-exception and the other tags tell
# JupyterLab and nbclient which errors are deliberate).
_CELL_METADATA = ("tags",)
# A MyST role: {name}`text`.
ROLE = re.compile(r"\{(?P<name>[\w:.-]+)\}`(?P<text>[^`]*)`")
# A role, or inline code (left as it is: `{V:batch}` is not a role).
_ROLE_OR_CODE = re.compile(
    ROLE.pattern + r"|(?P<code>(?P<ticks>`+)[^`]*?(?P=ticks))")
_TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*$")


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


# --- glued values -----------------------------------------------------------

def glued_values(ipynb: pathlib.Path) -> dict[str, dict[str, str]]:
    """The values the executed notebook glued: name -> {mime type: data}."""
    nb = nbformat.read(ipynb, as_version=4)
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if not record:
                continue
            prefix = record.get("mime_prefix", "")
            values[record["name"]] = {
                mime.removeprefix(prefix): data
                for mime, data in output.get("data", {}).items()}
    return values


def glued_text(values: dict, name: str, fmt: str = "") -> str:
    """``{glue:text}`name:fmt``` as the book shows it (myst-nb's formatting).

    >>> glued_text({"x": {"text/plain": "'5.00'"}}, "x")
    '5.00'
    >>> glued_text({"x": {"text/plain": "0.12345"}}, "x", ".2f")
    '0.12'
    """
    from myst_nb.core.variables import format_plain_text

    if name not in values or "text/plain" not in values[name]:
        raise ValueError(f"no glued text value named {name!r}: was the "
                         f"chapter executed (make notebooks)?")
    return format_plain_text(values[name]["text/plain"], fmt)


# --- labels and titles ------------------------------------------------------

@functools.cache
def reference_titles() -> dict[str, str]:
    """What ``{ref}`` and ``{doc}`` show for each target of the book.

    A ``(label)=`` target names the heading after it; an exercise label
    names "Exercise N" (N counted in its chapter); a page (``{doc}``, by
    its path relative to book/) names its first heading.
    """
    titles: dict[str, str] = {}
    pages = sorted((ROOT / "book").glob("*.md")) + sorted(
        (ROOT / "book" / "pages").glob("*.md"))
    for md in pages:
        lines = md.read_text(encoding="utf-8").splitlines()
        pending: list[str] = []
        exercise = 0
        page = md.relative_to(ROOT / "book").with_suffix("").as_posix()
        for index, line in enumerate(lines):
            target = _TARGET.match(line)
            heading = _HEADING.match(line)
            directive = _DIRECTIVE.match(line)
            if target:
                pending.append(target["label"])
            elif heading:
                title = plain_roles(heading["title"], {}, {})
                titles.setdefault(page, title)
                for label in pending:
                    titles[label] = title
                pending = []
            elif directive and directive["name"] == "exercise-start":
                exercise += 1
                for option in lines[index + 1:index + 5]:
                    if option.strip().startswith(":label:"):
                        label = option.split(":label:", 1)[1].strip()
                        titles[label] = f"Exercise {exercise}"
    return titles


def plain_roles(text: str, values: dict, titles: dict) -> str:
    """Replace MyST roles by the plain text the book would show.

    >>> plain_roles("see {ref}`the jit chapter <jit>`, {glue:text}`n`, "
    ...             "`{V:batch}`", {"n": {"text/plain": "'3'"}}, {})
    'see the jit chapter, 3, `{V:batch}`'
    """
    def replace(match: re.Match) -> str:
        if match["code"]:
            return match["code"]
        name, body = match["name"], match["text"]
        if name in ("glue:text", "glue"):
            key, _, fmt = body.partition(":")
            return glued_text(values, key.strip(), fmt)
        if name in ("ref", "doc", "numref"):
            explicit = re.fullmatch(r"(?s)(?P<title>.*?)\s*<(?P<t>[^<>]+)>",
                                    body)
            if explicit:
                return explicit["title"]
            target = body.strip()
            if name == "doc":
                target = target.removeprefix("../").removeprefix("book/")
            if target not in titles:
                raise ValueError(f"{{{name}}}`{body}`: no such target in "
                                 f"the book")
            return titles[target]
        if name == "math":
            return f"${body}$"
        if name in ("code", "literal", "samp", "kbd", "file"):
            return f"`{body}`"
        raise ValueError(f"the MyST role {{{name}}} has no plain form in a "
                         f"hand-out (tools/student_notebooks.py)")

    return _ROLE_OR_CODE.sub(replace, text)


# --- markdown cells ---------------------------------------------------------

def plain_markdown(source: str, values: dict, titles: dict,
                   exercises: list[str]) -> str:
    """A markdown cell's MyST as plain Markdown (see the module's help).

    ``exercises`` collects the chapter's exercise labels in order, across
    cells, so that each heading gets its number.

    >>> print(plain_markdown(
    ...     "(x)=\\n```{exercise-start} Core: A title\\n:label: c-ex1\\n```"
    ...     "\\n\\nDo it.", {}, {}, []))
    ### Exercise 1 (Core: A title)
    <BLANKLINE>
    Do it.
    """
    lines = source.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        if _TARGET.match(line):
            index += 1
            continue
        if not directive:
            out.append(line)
            index += 1
            continue
        # Collect the directive: its options (":name: value" lines right
        # after the opening) and its body, up to the closing fence.
        fence, name = directive["fence"], directive["name"]
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        if end == len(lines):
            raise ValueError(f"the {{{name}}} directive on its cell's line "
                             f"{index + 1} never closes")
        inner = lines[index + 1:end]
        options = {}
        while inner and re.match(r"^:[\w-]+:", inner[0]):
            key, _, value = inner.pop(0)[1:].partition(":")
            options[key] = value.strip()
        index = end + 1
        if name == "exercise-start":
            exercises.append(options.get("label", ""))
            title = directive["argument"].strip()
            out.append(f"### Exercise {len(exercises)}"
                       + (f" ({title})" if title else ""))
        elif name in ("exercise-end", "solution-end"):
            pass
        elif name in ("solution-start", "solution"):
            label = directive["argument"].strip()
            number = (exercises.index(label) + 1 if label in exercises
                      else len(exercises))
            out.append(f"#### Solution to exercise {number}")
            out += inner
        elif name == "glue:md":
            key = directive["argument"].strip()
            if "text/markdown" not in values.get(key, {}):
                raise ValueError(f"no glued Markdown value named {key!r}")
            out.append(values[key]["text/markdown"].strip())
        elif name in ("note", "tip", "warning", "important", "caution",
                      "attention", "hint", "admonition", "seealso"):
            title = (directive["argument"].strip() if name == "admonition"
                     else name.capitalize().replace("Seealso", "See also"))
            out.append(f"> **{title}**")
            out.append(">")
            out += [f"> {text}".rstrip() for text in inner]
        elif name in ("math",):
            out += ["$$", *inner, "$$"]
        else:
            raise ValueError(f"the MyST directive {{{name}}} has no plain "
                             f"form in a hand-out (tools/student_notebooks"
                             f".py)")
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return plain_roles(text, values, titles)


# --- code cells -------------------------------------------------------------

def _is_glue(node: ast.stmt) -> bool:
    """``glue(...)`` or ``from myst_nb import glue``."""
    if isinstance(node, ast.ImportFrom):
        return node.module is not None and node.module.startswith("myst_nb")
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "glue")


def without_glue(source: str) -> str:
    """The cell's code without myst-nb's glue import and calls.

    >>> print(without_glue("import jax\\nfrom myst_nb import glue\\n\\n"
    ...                    "x = 1\\nglue('x', f'{x}',\\n     display=False)\\n"
    ...                    "if x:\\n    glue('y', 2)\\n\\n\\ny = 2"))
    import jax
    <BLANKLINE>
    x = 1
    if x:
        pass
    <BLANKLINE>
    <BLANKLINE>
    y = 2
    """
    if "glue" not in source:
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    # Magics become Python on the same lines, so line numbers still hold.
    tree = ast.parse(TransformerManager().transform_cell(source))
    lines = source.splitlines()
    drop: set[int] = set()
    replace: dict[int, str] = {}

    def visit(body: list[ast.stmt]) -> None:
        gone = [node for node in body if _is_glue(node)]
        for node in gone:
            drop.update(range(node.lineno - 1, node.end_lineno))
        if gone and len(gone) == len(body):  # keep the block valid
            first = gone[0]
            replace[first.lineno - 1] = " " * first.col_offset + "pass"
        for node in body:
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                visit(handler.body)

    visit(tree.body)
    kept: list[str] = []
    for number, line in enumerate(lines):
        if number in replace:
            kept.append(replace[number])
        elif number not in drop:
            # A blank line right after removed code goes when the code
            # before the removal already ends in one (or is the start).
            if (not line.strip() and number - 1 in drop
                    and (not kept or not kept[-1].strip())):
                continue
            kept.append(line)
    return "\n".join(kept).strip("\n")


def is_colab_cell(cell) -> bool:
    return (cell.cell_type == "code"
            and cell.source.startswith(colab_cell.FIRST_LINE))


@functools.cache
def _hand_out_colab_source() -> str:
    return colab_cell.source(glue=False)


def student_notebook(md: pathlib.Path) -> nbformat.NotebookNode:
    """The chapter ``md`` as a hand-out (see the module's help)."""
    text, _ = strip_solutions(md.read_text(encoding="utf-8"))
    nb = jupytext.reads(text, fmt="md:myst")
    ipynb = md.with_suffix(".ipynb")
    values = glued_values(ipynb) if "{glue" in text else {}
    titles = reference_titles()
    exercises: list[str] = []
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            if is_colab_cell(cell):
                # As the chapter's, but without myst-nb: no glue here.
                tags = [t for t in tags if t != "remove-cell"]
                cell.source = _hand_out_colab_source()
            elif "remove-cell" in tags:
                continue
            else:
                cell.source = without_glue(cell.source)
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, values, titles,
                                         exercises)
        cell.metadata = {key: value for key, value in cell.metadata.items()
                         if key in _CELL_METADATA}
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        if is_colab_cell(cell):  # folded in JupyterLab: it is plumbing
            cell.metadata["jupyter"] = {"source_hidden": True}
        if cell.source.strip():
            cells.append(cell)
    nb.cells = cells
    for key in _PIPELINE_METADATA:
        nb.metadata.pop(key, None)
    return nb


def student_md(md: pathlib.Path) -> str:
    """The hand-out of chapter ``md`` as MyST text (its .md download)."""
    return jupytext.writes(student_notebook(md), fmt="md:myst")


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
