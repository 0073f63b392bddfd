"""What a checker answers: :class:`Feedback`, and the stop signal
:class:`CheckFailed` that a checker's body raises at the first problem
(built with :func:`fail` or :func:`not_attempted`).

Also the few words every part of the checker machinery uses to describe
what it got (:func:`describe`, :func:`one_line`, :func:`fmt`). Part of the
framework behind :mod:`py4eng_jax.check` (see ``_framework.py``).
"""

from __future__ import annotations

import textwrap

import numpy as np

_WIDTH = 72


def _sentence(message: str) -> str:
    """A capital first letter and exactly one full stop at the end."""
    message = " ".join(str(message).split())
    message = message.rstrip(" .:;,")
    if not message:
        return "."
    return message[0].upper() + message[1:] + "."


class Feedback:
    """The outcome of a checker. Displays as its message in a notebook,
    wrapped at 72 columns.

    Examples:
      >>> Feedback("fail", "wrong shape..")
      ❌ Wrong shape.
    """

    PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"

    def __init__(self, status: str, message: str):
        if status not in (self.PASS, self.FAIL, self.NOT_ATTEMPTED):
            raise ValueError(f"status must be pass, fail or not attempted, "
                             f"got {status!r}")
        self.status = status
        self.message = _sentence(message)

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
    """An exception as "TypeError: its first line", cut at ``limit``."""
    lines = [line for line in str(err).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def describe(got) -> str:
    """What ``got`` is, for a hint: "a list of 3", "a float"."""
    name = type(got).__name__
    if isinstance(got, (list, tuple)):
        return f"a {name} of {len(got)}"
    return f"a {name}"


def fmt(values, digits: int = 3) -> str:
    """A short list of numbers for a hint, e.g. ``[0.189, -0.523]``."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return "[" + ", ".join(f"{v:.{digits}g}" for v in flat) + "]"

