"""The machinery behind the exercise checkers, in one import for the
chapter modules ``check/_CHAPTER.py``.

A checker calls the student's function on inputs whose answer is known and
returns a :class:`Feedback`: a pass, "not attempted yet", or one specific
hint. It never raises for a wrong answer, and it answers within
:func:`deadline_s` seconds even for a function that never returns.

How to write a checker (a new chapter adds ``check/_chapter.py``, imports
what it needs from here, and lists its checkers in ``check/__init__.py``)::

    @checker("my_exercise")           # the name students call: check.NAME
    def my_exercise(fn) -> str:
        got = call(fn, x)                    # crash -> hint; stub -> "not
        value = require_scalar(got, "the loss", shown="x = ...")  # attempted"
        same_values(value, expected, what="the loss", shown="x = ...")
        jittable(fn, x)                      # jit failure -> hint
        require_vectorized(fn, small, large, rows="rows", one="one row")
        return "Correct: ..."                # the success message

The parts, by what they do:

- ``_feedback.py``: :class:`Feedback` and the stop signal
  :class:`CheckFailed` (:func:`fail`, :func:`not_attempted`); messages
  start with a capital (or a name from code in backticks, never
  capitalised: see :func:`capital`), end with one full stop, and display
  wrapped at 72 columns. The words for what came back: :func:`describe`
  ("a jax.Array of shape (3,)"), :func:`fmt`, and :func:`difference`,
  which summarises a wrong array (never printed whole) and names a dtype
  to blame (:func:`dtype_note`).
- ``_deadline.py``: running a checker under a deadline (:func:`checker`,
  :func:`beat`, :func:`capped_while_loops`); the deadline is set by the
  environment variable ``PY4ENG_CHECK_DEADLINE_S`` (default 8 s).
- ``_explain.py``: explaining errors and answers (:func:`explain`,
  :func:`call`, :func:`jittable`, :func:`answer`, :func:`require_array`,
  :func:`require_scalar`, :func:`same_values`). "Not attempted yet" is
  only for the stub: its own ``raise NotImplementedError``
  (:func:`stub_error`; one raised by JAX is explained) or an empty body
  returning None; a body that does work and returns None is asked "did
  you forget `return`?" (:func:`returned_none`). A checker that calls
  the student's code itself, without :func:`call`, uses these two.
- ``_program.py``: inspecting the program JAX records
  (:func:`program_size`, :func:`largest_array`, :func:`primitives`,
  :func:`loops_over_batch`, :func:`require_vectorized`,
  :func:`spec_axes`).
"""

from ._deadline import (
    DEADLINE_ENV,
    DEFAULT_DEADLINE_S,
    WHILE_CAP,
    beat,
    capped_while_loops,
    checker,
    criterion,
    deadline_s,
    last_wait,
    student_function,
)
from ._explain import (
    answer,
    call,
    error_kind,
    explain,
    jittable,
    require_array,
    require_scalar,
    returned_none,
    same_values,
    stub_error,
)
from ._feedback import (
    CheckFailed,
    Feedback,
    capital,
    describe,
    difference,
    dtype_note,
    fail,
    fmt,
    not_attempted,
    one_line,
)
from ._program import (
    largest_array,
    loops_over_batch,
    primitives,
    program_size,
    require_vectorized,
    spec_axes,
)

__all__ = ["Feedback", "CheckFailed", "checker", "fail", "not_attempted",
           "call", "explain", "error_kind", "require_array",
           "require_scalar", "same_values", "jittable", "answer", "fmt",
           "describe", "one_line", "require_vectorized", "loops_over_batch",
           "capped_while_loops", "program_size", "largest_array",
           "primitives", "spec_axes", "deadline_s", "last_wait",
           "DEADLINE_ENV", "DEFAULT_DEADLINE_S", "WHILE_CAP", "beat",
           "criterion", "stub_error", "returned_none", "student_function",
           "difference", "dtype_note", "capital"]
