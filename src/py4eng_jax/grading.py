"""The grader behind an assignment's locked test cells (see the page
"Teaching with this book" and ``tools/course.py``).

A test cell made by ``make assignments`` loads this file afresh from the
installed package's folder (found on ``sys.path``, not through the
student's ``py4eng_jax``), then calls::

    _grader.grade("numpy-differences-ex1", "bin_counts", globals(),
                  points=3, criteria=8,
                  checker="py4eng_jax.check:bin_counts")

:func:`grade` does not trust the names in the student's notebook. It loads
a fresh copy of the checker's module (and of ``py4eng_jax``) from the files
on disk, under ``sys.modules`` entries that only exist while it loads, so a
student's ``check = ...`` or a patched ``py4eng_jax.check.NAME`` (or a
patched checker machinery) takes no part in the check. It then compares the
student's ``check`` and the ``py4eng_jax`` modules of their kernel with the
fresh ones: any difference is reported as tampering, with 0 points. Then
:func:`integrity` looks at the callables the check relies on (builtins,
``math``, NumPy, JAX, the ``py4eng_jax`` modules, ``sys.stdout`` and the
display hooks): one defined in the notebook (its code's file is not under
the Python installation, its packages or ``py4eng_jax``), or the display of
a cell's result switched off, is tampering too. A tampered cell also
writes a line to stderr, which alone gives 0 in nbgrader.

These are in-process checks: they stop the tricks named above, not a
student who writes code to defeat the checks themselves.

The cell's last output is the score, a bare number: nbgrader reads it as
the cell's partial credit. The line before it, ``Grade for LABEL: X of Y
points (STATUS ...)``, is what ``tools/course.py`` reads for the status.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import io
import os
import sys
import sysconfig
import types
import warnings

__all__ = ["grade", "fresh_checker", "STATUSES"]

#: The statuses a test cell reports.
STATUSES = ("correct", "partial", "wrong", "not attempted", "tampered")

_WATCHED = ("py4eng_jax",)


def _owned(name: str, tops: tuple[str, ...]) -> bool:
    return any(name == top or name.startswith(top + ".") for top in tops)


_NONE = object()


def fresh_modules(module: str, *, shared: bool = False
                  ) -> dict[str, types.ModuleType]:
    """Import ``module`` (and ``py4eng_jax``) afresh from disk.

    The kernel's own entries in ``sys.modules`` are set aside while the
    fresh copies load and put back afterwards, so the student's kernel is
    left as it was and the fresh copies are reachable only from here.
    With ``shared``, only the checkers (``py4eng_jax.check`` and
    ``module``'s package) load afresh; they use the kernel's other
    ``py4eng_jax`` modules (compared with fresh copies beforehand), so
    that a class the checker makes (a ``Truss``) is the one the student's
    code knows. Returns the fresh modules by name.
    """
    tops = tuple(dict.fromkeys(_WATCHED + (module.split(".")[0],)))
    if shared:
        tops = tuple(dict.fromkeys(
            ("py4eng_jax.check",) + tuple(t for t in tops
                                          if t not in _WATCHED)))
    saved = {name: mod for name, mod in sys.modules.items()
             if _owned(name, tops)}
    parent = sys.modules.get("py4eng_jax")
    attribute = vars(parent).get("check", _NONE) if shared and \
        parent is not None else _NONE
    for name in saved:
        del sys.modules[name]
    importlib.invalidate_caches()
    try:
        if not shared:
            importlib.import_module("py4eng_jax")
        importlib.import_module(module)
        fresh = {name: mod for name, mod in sys.modules.items()
                 if _owned(name, tops)}
    finally:
        for name in [n for n in sys.modules if _owned(n, tops)]:
            del sys.modules[name]
        sys.modules.update(saved)
        if attribute is not _NONE:
            parent.check = attribute
        elif shared and parent is not None:
            vars(parent).pop("check", None)
    return fresh


def fresh_checker(spec: str):
    """The checker ``"module:name"``, loaded afresh on the kernel's other
    modules; also the fully fresh modules, to compare the kernel's
    with."""
    module, _, name = spec.partition(":")
    fresh = fresh_modules(module)
    return getattr(fresh_modules(module, shared=True)[module], name), fresh


def _code_of(obj):
    """What identifies a function: its code (and its body's, for a
    checker), or None for something that is not a function."""
    body = getattr(obj, "body", None)
    if isinstance(obj, types.FunctionType):
        own = (obj.__code__.co_code, obj.__code__.co_consts,
               obj.__code__.co_names)
        if isinstance(body, types.FunctionType):
            return own, _code_of(body)
        return own
    if isinstance(obj, property):
        return tuple(_code_of(f) for f in (obj.fget, obj.fset, obj.fdel))
    return None


def _members(mod: types.ModuleType) -> dict[str, object]:
    """Functions of a module, and those of its classes, by dotted name."""
    found = {}
    for name, value in vars(mod).items():
        if isinstance(value, types.FunctionType):
            found[name] = value
        elif isinstance(value, type) and value.__module__ == mod.__name__:
            for attr, member in vars(value).items():
                if isinstance(member, (types.FunctionType, property)):
                    found[f"{name}.{attr}"] = member
    return found


def _differences(kernel: types.ModuleType,
                 fresh: types.ModuleType) -> list[str]:
    """Names whose code in the kernel's module differs from the fresh
    module's (a patched function, a replaced checker)."""
    mine = _members(kernel)
    changed = []
    for name, genuine in _members(fresh).items():
        if name not in mine and "." not in name and not hasattr(
                kernel, name):
            changed.append(name)
            continue
        got = mine.get(name, getattr(kernel, name, None)) if "." not in \
            name else _class_member(kernel, name)
        if _code_of(got) != _code_of(genuine):
            changed.append(name)
    return changed


def _class_member(mod, dotted: str):
    cls_name, attr = dotted.split(".", 1)
    cls = getattr(mod, cls_name, None)
    return vars(cls).get(attr) if isinstance(cls, type) else None


def tampering(namespace: dict, checker_name: str,
              fresh: dict[str, types.ModuleType]) -> str:
    """Why the student's kernel does not hold the genuine checkers, or ""
    when it does."""
    module_name = next(name for name, mod in fresh.items()
                       if getattr(mod, checker_name, None) is not None
                       and callable(getattr(mod, checker_name)))
    check = namespace.get("check")
    if check is not None:
        if not isinstance(check, types.ModuleType):
            return ("the name `check` in your notebook is not the book's "
                    "checker module (it was redefined)")
        genuine = fresh.get(getattr(check, "__name__", ""))
        if genuine is None:
            return ("the name `check` in your notebook is not the book's "
                    "checker module (it was redefined)")
        changed = _differences(check, genuine)
        if changed:
            return (f"{genuine.__name__}.{changed[0]} in your notebook is "
                    f"not the package's own (it was patched)")
    for name, mod in fresh.items():
        kernel = sys.modules.get(name)
        if kernel is None or kernel is mod:
            continue
        changed = _differences(kernel, mod)
        if changed:
            return (f"{name}.{changed[0]} in your notebook is not the "
                    f"package's own (it was patched)")
    del module_name
    return ""


# Modules whose callables a check relies on (and all ``py4eng_jax.*``).
_RELIED_ON = ("builtins", "math", "numpy", "numpy.linalg", "numpy.testing",
              "jax", "jax.numpy", "jax.lax", "jax.random", "importlib",
              "importlib.util", "importlib.machinery", "contextlib",
              "warnings", "functools", "io", "types", "os")
# The display of a cell's last value: what nbgrader reads as the score.
_SHOWN = ("last_expr", "last_expr_or_assign", "last", "all")


def _roots(extra=()) -> tuple[str, ...]:
    """Folders whose code is genuine: Python's, its packages', and
    ``py4eng_jax``'s."""
    paths = sysconfig.get_paths()
    roots = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib",
                                    "platlib")}
    roots |= {sys.prefix, sys.base_prefix, sys.exec_prefix,
              sys.base_exec_prefix, os.path.dirname(os.path.dirname(
                  os.path.abspath(__file__))), *extra}
    return tuple(os.path.realpath(r).rstrip(os.sep) + os.sep
                 for r in roots if r)


def _foreign(obj, roots, cache) -> str | None:
    """The file where ``obj`` was defined, when it is a function (or a
    method, a partial, an instance or a class) defined outside ``roots``:
    in the notebook; else None."""
    if isinstance(obj, functools.partial):
        obj = obj.func
    if isinstance(obj, (types.MethodType, classmethod, staticmethod)):
        obj = obj.__func__
    if isinstance(obj, types.FunctionType):
        where = obj.__code__.co_filename
        if where.startswith("<frozen "):
            return None
        if where not in cache:
            cache[where] = not os.path.realpath(where).startswith(roots)
        return where if cache[where] else None
    kind = obj if isinstance(obj, type) else type(obj)
    if getattr(kind, "__module__", "") == "__main__":
        return "the notebook"
    return None


def _class_hits(kind: type, roots, cache) -> str | None:
    """A method of ``kind`` (or its bases) defined in the notebook."""
    for base in kind.__mro__[:-1]:
        for attr, value in vars(base).items():
            where = _foreign(value, roots, cache)
            if where:
                return f"{base.__name__}.{attr}"
    return None


def integrity(extra_roots=()) -> str:
    """Why the callables a check relies on are not genuine, or "".

    A function the notebook put in place of one of the builtins, of
    ``math``, NumPy, JAX or ``py4eng_jax``, a patched ``sys.stdout`` or
    display hook, or the display of results switched off."""
    roots, cache = _roots(extra_roots), {}
    names = [n for n in _RELIED_ON if n in sys.modules]
    names += sorted(n for n in sys.modules if _owned(n, _WATCHED))
    for name in names:
        module = sys.modules[name]
        for attr, value in list(vars(module).items()):
            if attr.startswith("__"):
                continue
            if _foreign(value, roots, cache):
                return f"{name}.{attr} was replaced by the notebook"
    from importlib.machinery import FileFinder, PathFinder, SourceFileLoader
    for kind in (PathFinder, FileFinder, SourceFileLoader):
        hit = _class_hits(kind, roots, cache)
        if hit:
            return f"importlib's {hit} was replaced by the notebook"
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    streams = {"sys.stdout": sys.stdout, "sys.stderr": sys.stderr,
               "sys.displayhook": sys.displayhook}
    if shell is not None:
        streams["the notebook's display hook"] = shell.displayhook
        streams["the notebook's display publisher"] = shell.display_pub
    for what, stream in streams.items():
        for attr, value in list(getattr(stream, "__dict__", {}).items()):
            if _foreign(value, roots, cache):
                return f"{what}.{attr} was replaced by the notebook"
        hit = (_foreign(stream, roots, cache) and what) or _class_hits(
            type(stream), roots, cache)
        if hit:
            return f"{what} ({hit}) was replaced by the notebook"
    if shell is not None and shell.ast_node_interactivity not in _SHOWN:
        return ("the display of a cell's result was switched off "
                "(ast_node_interactivity)")
    return ""


def _status(feedback, passed: int, total: int) -> str:
    status = getattr(feedback, "status", "fail")
    if status == "pass":
        return "correct"
    if status == "not attempted":
        return "not attempted"
    return "partial" if passed > 0 else "wrong"


def _counts(feedback, criteria: int | None) -> tuple[int, int]:
    """Criteria passed and tested. A pass passes them all. A failing
    check stops at its first failure, so it passed at most all but one
    of the ``criteria`` the book's solution passes (the count that
    ``make assignments`` wrote into the test cell); without a count, the
    exercise is one criterion."""
    passed = getattr(feedback, "criteria_passed", None) or 0
    if getattr(feedback, "status", "") == "pass":
        total = getattr(feedback, "criteria_total", None) or criteria or 1
        return total, total
    if not criteria:
        return 0, 1
    return min(int(passed), criteria - 1), criteria


def grade(label: str, name: str, namespace: dict, *, points: float,
          checker: str, criteria: int | None = None) -> float:
    """Check the student's ``name`` with ``checker``; print the hint and
    the grade; return the score (nbgrader's partial credit).

    ``checker`` is ``"module:function"``, e.g.
    ``"py4eng_jax.check:bin_counts"`` or a lecturer's own module;
    ``criteria``: how many criteria the checker tests (the points are
    shared equally among them).
    """
    points = float(points)
    checker_name = checker.partition(":")[2]
    check_fn, fresh = fresh_checker(checker)
    extra = [os.path.dirname(os.path.abspath(getattr(m, "__file__", "")
                                             or "."))
             for m in fresh.values()]
    why = tampering(namespace, checker_name, fresh) or integrity(extra)
    # Written through the stream's own method, never through print.
    write, warn = sys.stdout.write, sys.stderr.write
    if why:
        write(f"⚠️ Tampered: {why}, so this exercise gets no points.\n"
              f"Grade for {label}: 0 of {points:g} points (tampered).\n")
        warn(f"The grader found tampering in {label}: 0 points.\n")
        return 0.0
    fn = namespace.get(name)
    if fn is None:
        fn = _missing
    # What the student's code prints or warns while it is checked stays
    # out of the cell: nbgrader gives 0 to a cell that wrote to stderr.
    with contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feedback = check_fn(fn)
    passed, total = _counts(feedback, criteria)
    status = _status(feedback, passed, total)
    score = round(points * passed / total, 2) if status != "not " \
        "attempted" else 0.0
    write(f"{feedback!r}\nGrade for {label}: {score:g} of {points:g} "
          f"points ({status}, {passed} of {total} criteria).\n")
    return score


def _missing(*args, **kwargs):
    """Stands for a function the notebook no longer defines."""
    return None
