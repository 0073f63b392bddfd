"""What a checker answers: :class:`Feedback`, and the stop signal
:class:`CheckFailed` that a checker's body raises at the first problem
(built with :func:`fail` or :func:`not_attempted`).

Also the few words every part of the checker machinery uses to describe
what it got (:func:`describe`, :func:`one_line`, :func:`fmt`), to say how
an answer differs from the expected one without printing whole arrays
(:func:`difference`, :func:`dtype_note`), and to start a sentence without
capitalising a name from code (:func:`capital`: "`p` = 0.2", not "P =
0.2"). Part of the framework behind :mod:`py4eng_jax.check` (see
``_framework.py``).
"""

from __future__ import annotations

import re
import textwrap

import numpy as np

_WIDTH = 72


# A name from code at the start of a message: an identifier, maybe
# dotted, maybe called or indexed ("p", "jnp.where", "x[0]", "f(x)").
_CODE_START = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*", re.ASCII)
# Words that look like code but are English at the start of a sentence.
_NOT_CODE = {"a", "i", "e.g", "i.e"}


def _code_name(message: str) -> str:
    """The name from code that ``message`` starts with, or "".

    A lowercase name is code when it is one letter ("p", "x"), has an
    underscore, a digit or a dot ("max_iter", "x0", "jnp.where"), is
    called or indexed ("f(x)", "u[:, -1]"), or is followed by "=" ("dx =
    0.5"); "the", "your" ... are words.
    """
    match = _CODE_START.match(message)
    if not match or not message[0].islower():
        return ""
    name, rest = match.group(), message[match.end():]
    if name.lower() in _NOT_CODE:
        return ""
    if rest.startswith(("(", "[")):
        depth = 0
        for end, char in enumerate(rest, 1):
            depth += (char in "([") - (char in ")]")
            if depth == 0:
                return name + rest[:end]
        return ""
    if (len(name) == 1 or any(c in name for c in "_.0123456789")
            or rest.lstrip().startswith("=")):
        return name
    return ""


def capital(message: str) -> str:
    """``message`` with a capital first letter, unless it starts with a
    name from code, which keeps its case and is set in backticks.

    Examples:
      >>> capital("the loss"), capital("p = 0.2 is too small")
      ('The loss', '`p` = 0.2 is too small')
    """
    name = _code_name(message)
    if name:
        return f"`{name}`{message[len(name):]}"
    return message[:1].upper() + message[1:]


def _sentence(message: str) -> str:
    """A capital first letter (or a name from code in backticks) and
    exactly one full stop at the end."""
    message = " ".join(str(message).split())
    message = message.rstrip(" .:;,")
    if not message:
        return "."
    return capital(message) + ("" if message.endswith(("?", "!")) else ".")


class Feedback:
    """The outcome of a checker. Displays as its message in a notebook,
    wrapped at 72 columns.

    Examples:
      >>> Feedback("fail", "wrong shape..")
      ❌ Wrong shape.
    """

    PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"

    def __init__(self, status: str, message: str, *,
                 criteria_passed: int | None = None,
                 criteria_total: int | None = None):
        if status not in (self.PASS, self.FAIL, self.NOT_ATTEMPTED):
            raise ValueError(f"status must be pass, fail or not attempted, "
                             f"got {status!r}")
        self.status = status
        self.message = _sentence(message)
        #: For partial credit (the course's test cells): how many of the
        #: checker's criteria passed before it stopped, and, after a
        #: pass, how many it tested. None when not counted; a failing
        #: check does not know how many criteria it did not reach.
        self.criteria_passed = criteria_passed
        self.criteria_total = criteria_total

    @property
    def passed(self) -> bool:
        """True only when every check passed."""
        return self.status == self.PASS

    def __repr__(self) -> str:
        mark = {"pass": "✅", "fail": "❌", "not attempted": "📝"}[self.status]
        return textwrap.fill(f"{mark} {self.message}", width=_WIDTH,
                             break_long_words=False,
                             break_on_hyphens=False)


class CheckFailed(Exception):
    """Raised inside a checker to stop at the first problem found.

    ``error`` is the student's exception behind it, if any.
    """

    def __init__(self, feedback: Feedback, error: BaseException | None = None):
        super().__init__(feedback.message)
        self.feedback = feedback
        self.error = error


def fail(message: str, error: BaseException | None = None) -> CheckFailed:
    """A :class:`CheckFailed` carrying a failing hint."""
    return CheckFailed(Feedback(Feedback.FAIL, message), error)


def not_attempted(message: str = "") -> CheckFailed:
    """A :class:`CheckFailed` saying the exercise is not attempted yet."""
    return CheckFailed(Feedback(
        Feedback.NOT_ATTEMPTED,
        message or "Not attempted yet: write the function body, then run "
                   "this cell again."))


# --- Words for a hint ----------------------------------------------------


def one_line(err: BaseException, limit: int = 160) -> str:
    """An exception as "TypeError: its first line", cut at a word before
    ``limit`` characters, the cut marked "[...]" (a trailing "..." would
    lose its dots to the full stop of the sentence).

    Examples:
      >>> one_line(ValueError("x " * 100), limit=10)
      'ValueError: x x x x x [...]'
    """
    lines = [line for line in str(err).splitlines() if line.strip()]
    text = (lines[0] if lines else "").rstrip(" .")
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(" .,;:") + " [...]"
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeio" else "a"


def describe(got) -> str:
    """What ``got`` is, for a hint, in words: "a list of 3", "an int",
    "a jax.Array of shape (3,)", "None".

    Examples:
      >>> describe(3), describe([1, 2]), describe(None)
      ('an int', 'a list of 2', 'None')
      >>> describe(np.zeros((2, 3)))
      'a NumPy array of shape (2, 3)'
    """
    import jax

    if got is None:
        return "None"
    if isinstance(got, (list, tuple)):
        return f"a {type(got).__name__} of {len(got)}"
    if isinstance(got, bool):
        return "a bool"
    if isinstance(got, (int, float, complex, str, dict, set)):
        name = {"str": "string", "complex": "complex number"}.get(
            type(got).__name__, type(got).__name__)
        return f"{_article(name)} {name}"
    if isinstance(got, jax.core.Tracer):
        return f"a traced array of shape {tuple(got.shape)}"
    if isinstance(got, jax.Array):
        return f"a jax.Array of shape {got.shape}"
    if isinstance(got, np.ndarray):
        return f"a NumPy array of shape {got.shape}"
    if isinstance(got, np.generic):
        return f"a NumPy {got.dtype.name} scalar"
    if callable(got) and hasattr(got, "__code__"):
        return "a function"
    name = type(got).__name__
    return f"{_article(name)} {name}"


def fmt(values, digits: int = 3, limit: int = 10) -> str:
    """A short list of numbers for a hint, e.g. ``[0.189, -0.523]``; more
    than ``limit`` numbers are cut to the first few and the last, with
    their count.

    Examples:
      >>> fmt([0.18912, -0.5234])
      '[0.189, -0.523]'
      >>> fmt(range(100))
      '[0, 1, 2, 3, ..., 99] (100 numbers)'
    """
    flat = np.asarray(values, dtype=np.float64).ravel()
    words = [f"{v:.{digits}g}" for v in flat]
    if len(words) > limit:
        return ("[" + ", ".join(words[:4]) + f", ..., {words[-1]}] "
                f"({len(words)} numbers)")
    return "[" + ", ".join(words) + "]"


def _index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _digits_apart(a: np.ndarray, b: np.ndarray, least: int) -> int:
    """The fewest significant digits (at least ``least``, at most 12)
    at which some entry of ``a`` and ``b`` prints differently."""
    for digits in range(least, 13):
        if any(f"{x:.{digits}g}" != f"{y:.{digits}g}"
               for x, y in zip(a.ravel(), b.ravel())):
            return digits
    return 12


def dtype_note(got, expected, *, rtol: float) -> str:
    """A sentence on the dtype of ``got`` when it explains why its values
    differ from ``expected``'s, else "": integers where floats are due
    (the fractions are dropped), or a float type too coarse for the
    tolerance ``rtol`` (e.g. float32 where the check needs 1e-8).

    Examples:
      >>> dtype_note(np.ones(2, np.int32), np.ones(2) * 1.5, rtol=1e-6)[:37]
      'The dtype is wrong: expected float64,'
    """
    got, expected = np.asarray(got), np.asarray(expected)
    want, have = expected.dtype, got.dtype
    if want.kind != "f":
        return ""
    if have.kind in "biu":
        if got.shape == expected.shape and any(
                np.array_equal(got, cut(expected))
                for cut in (np.trunc, np.floor, np.round)):
            return (f"The dtype is wrong: expected {want.name}, got "
                    f"{have.name}, and integers drop the fractions. "
                    f"Compute in floats (start from 0.0, not 0)")
        return ""
    if (have.kind == "f" and have.itemsize < want.itemsize
            and np.finfo(have).eps > rtol):
        return (f"The dtype is too coarse: expected {want.name}, got "
                f"{have.name}, whose precision (about "
                f"{np.finfo(have).eps:.0e}) cannot meet this check's "
                f"relative tolerance of {rtol:.0e}. Compute in "
                f"{want.name}")
    return ""


def difference(got, expected, *, rtol: float = 1e-5,
               atol: float = 1e-6) -> str:
    """How ``got`` differs from ``expected`` (real arrays of one shape),
    for a hint, in a few lines at most: a small array in full (as NumPy
    prints it), a larger one summarised (how many entries differ, the
    largest difference and where it is, the first entries), and the
    dtype when it is to blame. Numbers get as many digits as it takes to
    see them differ.

    Examples:
      >>> difference(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
      'expected [1. 3.], got [1. 2.]'
      >>> difference(np.arange(10.0) + (np.arange(10) == 7), np.arange(10.0))
      '1 of the 10 entries (shape (10,)) differs; the largest difference, \
1, is at [7]: expected 7, got 8. The first entries: expected [0, 1, 2, 3], \
got [0, 1, 2, 3]'
    """
    got, expected = np.asarray(got), np.asarray(expected)
    g, e = got.astype(np.float64), expected.astype(np.float64)
    note = dtype_note(got, expected, rtol=rtol)
    note = f". {note}" if note else ""
    if e.size <= 6:
        for digits in range(4, 13):      # NumPy's print, digits enough
            want = np.array2string(expected, precision=digits)
            have = np.array2string(got, precision=digits)
            if want != have:
                break
        return f"expected {want}, got {have}{note}"
    gap = np.abs(g - e)
    gap = np.where(np.isnan(gap), np.inf, gap)
    worst = np.unravel_index(int(np.argmax(gap)), e.shape)
    wrong = int((~np.isclose(g, e, rtol=rtol, atol=atol,
                             equal_nan=True)).sum())
    digits = _digits_apart(g[worst], e[worst], 4)
    return (f"{wrong} of the {e.size} entries (shape {e.shape}) "
            f"{'differs' if wrong == 1 else 'differ'}; the largest "
            f"difference, {gap[worst]:.3g}, is at {_index(worst)}: "
            f"expected {e[worst]:.{digits}g}, got {g[worst]:.{digits}g}. "
            f"The first entries: expected {fmt(e.ravel()[:4], digits)}, "
            f"got {fmt(g.ravel()[:4], digits)}{note}")
