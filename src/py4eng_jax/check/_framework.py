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
        got = call(fn, x)                    # crash -> hint; None -> "not
        value = require_scalar(got, "the loss", shown="x = ...")  # attempted"
        same_values(value, expected, what="the loss", shown="x = ...")
        jittable(fn, x)                      # jit failure -> hint
        require_vectorized(fn, small, large, rows="rows", one="one row")
        return "Correct: ..."                # the success message

The parts, by what they do:

- ``_feedback.py``: :class:`Feedback` and the stop signal
  :class:`CheckFailed` (:func:`fail`, :func:`not_attempted`); messages
  start with a capital, end with one full stop, and display wrapped at 72
  columns.
- ``_deadline.py``: running a checker under a deadline (:func:`checker`,
  :func:`beat`, :func:`capped_while_loops`); the deadline is set by the
  environment variable ``PY4ENG_CHECK_DEADLINE_S`` (default 8 s).
- ``_explain.py``: explaining errors and answers (:func:`explain`,
  :func:`call`, :func:`jittable`, :func:`answer`, :func:`require_array`,
  :func:`require_scalar`, :func:`same_values`).
- ``_program.py``: inspecting the program JAX records
  (:func:`program_size`, :func:`largest_array`, :func:`primitives`,
  :func:`loops_over_batch`, :func:`require_vectorized`,
  :func:`spec_axes`, :func:`require_vectorized_sampler`,
  :func:`jitted_or_plain`).
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
)
from ._explain import (
    answer,
    call,
    error_kind,
    explain,
    jittable,
    require_array,
    require_scalar,
    same_values,
)
from ._feedback import (
    CheckFailed,
    Feedback,
    describe,
    fail,
    fmt,
    not_attempted,
    one_line,
)
from ._program import (
    jitted_or_plain,
    largest_array,
    loops_over_batch,
    primitives,
    program_size,
    require_vectorized,
    require_vectorized_sampler,
    spec_axes,
)

__all__ = ["Feedback", "CheckFailed", "checker", "fail", "not_attempted",
           "call", "explain", "error_kind", "require_array",
           "require_scalar", "same_values", "jittable", "answer", "fmt",
           "describe", "one_line", "require_vectorized", "loops_over_batch",
           "require_vectorized_sampler", "jitted_or_plain",
           "capped_while_loops", "program_size", "largest_array",
           "primitives", "spec_axes", "deadline_s", "last_wait",
           "DEADLINE_ENV", "DEFAULT_DEADLINE_S", "WHILE_CAP", "beat",
           "criterion"]
