"""The machinery behind the exercise checkers in :mod:`py4eng_jax.check`.

A checker calls the student's function on inputs whose answer is known and
returns a :class:`Feedback`: a pass, "not attempted yet", or one specific
hint. It never raises for a wrong answer, and it answers within
:data:`DEADLINE_S` seconds even for a function that never returns.

How to write a checker (a new chapter adds ``check/_chapter.py``)::

    @checker("my_exercise")           # the name students call: check.NAME
    def my_exercise(fn) -> str:
        got = call(fn, x)                    # crash -> hint; None -> "not
        value = require_scalar(got, "the loss", shown="x = ...")  # attempted"
        same_values(value, expected, what="the loss", shown="x = ...")
        jittable(fn, x)                      # jit failure -> hint
        require_vectorized(fn, small, large, rows="rows", one="one row")
        return "Correct: ..."                # the success message

The pieces:

- :func:`checker` turns ``body(fn) -> str`` into a checker: something that
  is not callable (the *result* passed instead of the function) gets a
  hint; :class:`CheckFailed` raised by the body becomes its feedback; the
  body runs in a worker thread under a deadline (counted from the last
  step begun: :func:`call`, :func:`jittable`, ... call :func:`beat`; a
  checker that runs the student's code some other way calls it too), with
  every
  ``lax.while_loop`` capped (:func:`capped_while_loops`), so an endless
  loop gets a hint instead of a dead kernel; and any other exception
  becomes a hint, never a traceback.
- :func:`fail` and :func:`not_attempted` build the stop signal.
- :func:`call` calls the student's code: ``None`` or
  ``NotImplementedError`` mean "not attempted yet", and any exception
  becomes a hint through :func:`explain`.
- :func:`explain` is the one place that maps JAX errors to hints (NumPy
  on a traced array, Python control flow on a traced value, shapes that
  depend on traced values, non-hashable static arguments, vmap axis
  errors, ...); ``overrides`` let a checker put its own words on a kind
  of error (see :func:`error_kind` for the kinds).
- :func:`jittable` runs ``jax.jit(fn)(*args)`` and explains a failure;
  :func:`answer` computes an answer under ``jit`` when possible (one
  compilation is cheaper than running a function op by op).
- :func:`require_array`, :func:`require_scalar`, :func:`same_values`
  check what came back; :func:`require_vectorized` tells vectorized code
  (``vmap``, broadcasting) from loops over the batch (a Python loop,
  ``lax.map``, ``lax.scan``, ``lax.fori_loop``, ``lax.while_loop``).
- :func:`program_size`, :func:`largest_array` and :func:`primitives` read
  the program JAX records.

Messages start with a capital and end with one full stop (:class:`Feedback`
makes sure), and display wrapped at 72 columns.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import re
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np

__all__ = ["Feedback", "CheckFailed", "checker", "fail", "not_attempted",
           "call", "explain", "error_kind", "require_array",
           "require_scalar", "same_values", "jittable", "answer", "fmt",
           "require_vectorized", "loops_over_batch", "capped_while_loops",
           "program_size", "largest_array", "primitives", "DEADLINE_S",
           "WHILE_CAP", "beat"]

#: Seconds a checker waits for one step of the student's code (a call, a
#: trace, a compilation) before it answers that the function never returns.
DEADLINE_S = 8.0
#: Steps after which a checker stops any ``lax.while_loop`` it runs.
WHILE_CAP = 10_000
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


# --- Deadline and capped while loops ------------------------------------


class _Stop(BaseException):
    """Raised asynchronously in a worker that ran past the deadline (a
    BaseException, so that ``except Exception`` in student code lets it
    through)."""


def _raise_in(thread: threading.Thread) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop))


_cap_hits: list[int] = []


def _note_cap(hit) -> None:
    if np.any(np.asarray(hit)):
        _cap_hits.append(1)


@contextlib.contextmanager
def capped_while_loops(cap: int | None = None):
    """Within this context ``jax.lax.while_loop`` stops after ``cap`` steps.

    A student's loop whose condition never turns false would run forever
    inside XLA, where no interrupt reaches it. Capped, it returns; a hit
    of the cap is noted (see :func:`checker`), so the checker can say so.
    Only code traced inside the context is capped; if any loop was, JAX's
    caches are cleared on the way out, so that no capped program stays
    in them.
    """
    cap = WHILE_CAP if cap is None else cap
    original = jax.lax.while_loop
    used = []

    def while_loop(cond_fun, body_fun, init_val):
        used.append(1)
        def cond(state):
            value, steps = state
            return jnp.logical_and(cond_fun(value), steps < cap)

        def body(state):
            value, steps = state
            return body_fun(value), steps + 1

        value, steps = original(cond, body, (init_val, jnp.int32(0)))
        jax.debug.callback(_note_cap, steps >= cap)
        return value

    while_loop.__doc__ = original.__doc__
    jax.lax.while_loop = while_loop
    try:
        yield
    finally:
        jax.lax.while_loop = original
        if used:
            jax.clear_caches()


_ORIGINAL_WHILE = jax.lax.while_loop


def _never_returned(stopped: bool) -> Feedback:
    if stopped:
        tail = ("Look for a Python loop whose condition never turns "
                "false (a while loop whose variable is never updated).")
    else:
        tail = ("It is still running inside JAX, which no interrupt can "
                "stop: look for a loop that never ends, then restart the "
                "kernel (Kernel > Restart) to free the processor core it "
                "keeps busy.")
    return Feedback(Feedback.FAIL,
                    f"Your function did not return within {DEADLINE_S:g} "
                    f"s, so the check stopped waiting. {tail}")


_CAP_HINT = (
    "A lax.while_loop in your function was still running after {cap} "
    "steps, where the checker stopped it: its condition never turned "
    "false. Make sure the condition becomes False, e.g. by also testing "
    "the step count against max_iter.")


def checker(name: str, *, expects: str = "your function",
            clear_caches: bool = False):
    """Turn ``body(fn) -> str`` into a checker returning :class:`Feedback`.

    ``body`` raises :class:`CheckFailed` (see :func:`fail`) at the first
    problem and returns the success message otherwise. Something that is
    not callable gets a hint ("pass the function, not its result");
    ``expects`` names what should be passed. The body runs in a worker
    thread: after :data:`DEADLINE_S` seconds the checker answers with a
    hint and stops the worker if it is in Python code. ``clear_caches``
    drops JAX's caches first, so that a function jitted before the check
    is traced again, with its while loops capped.
    """
    def wrap(body: Callable[[Callable], str]):
        def check(fn: Callable) -> Feedback:
            if not callable(fn):
                return Feedback(
                    Feedback.FAIL,
                    f"This checker expects {expects} itself, but got "
                    f"{_kind_of(fn)}: pass its name without calling it, "
                    f"as in check.{name}(my_function), not "
                    f"check.{name}(my_function(...)).")
            if clear_caches:
                jax.clear_caches()
            return _run_with_deadline(body, fn)
        check.__name__ = name
        check.__qualname__ = name
        check.__doc__ = body.__doc__
        check.body = body
        return check
    return wrap


def _run_body(body, fn, box: dict) -> None:
    try:
        with capped_while_loops():
            box["feedback"] = Feedback(Feedback.PASS, body(fn))
    except CheckFailed as stop:
        box["feedback"] = stop.feedback
    except _Stop:
        box["stopped"] = True
    except Exception as err:  # a gap in the checker: a hint, not a trace
        box["feedback"] = Feedback(
            Feedback.FAIL,
            f"The checker could not finish: {_one_line(err)}. Check what "
            f"your function returns against the exercise statement.")


_last_beat = [0.0]


def beat(*_, **__) -> None:
    """Note progress: the deadline counts from the last step begun."""
    _last_beat[0] = time.monotonic()


# Every trace and compilation JAX reports is progress too: a function run
# op by op on a busy machine compiles many small programs, one by one.
jax.monitoring.register_event_duration_secs_listener(beat)


@contextlib.contextmanager
def _quiet_stops():
    """Swallow a stop signal that lands in a callback (e.g. JAX's garbage
    collection hook), where Python can only print it; the next one stops
    the worker."""
    hook = sys.unraisablehook

    def quiet(unraisable):
        if not isinstance(unraisable.exc_value, _Stop):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook


def _run_with_deadline(body, fn) -> Feedback:
    box: dict = {}
    del _cap_hits[:]
    worker = threading.Thread(target=_run_body, args=(body, fn, box),
                              daemon=True, name="py4eng-checker")
    beat()
    worker.start()
    try:
        while worker.is_alive() and (
                time.monotonic() - _last_beat[0] < DEADLINE_S):
            worker.join(0.05)
    except BaseException:   # an interrupt: stop the worker too
        _raise_in(worker)
        jax.lax.while_loop = _ORIGINAL_WHILE
        raise
    if worker.is_alive():
        with _quiet_stops():
            for _ in range(10):
                _raise_in(worker)
                worker.join(0.1)
                if not worker.is_alive():
                    break
        jax.lax.while_loop = _ORIGINAL_WHILE
        jax.clear_caches()
        return _never_returned(stopped=not worker.is_alive())
    feedback = box.get("feedback")
    if feedback is None:
        return _never_returned(stopped=True)
    if _cap_hits and not feedback.passed:
        return Feedback(Feedback.FAIL, _CAP_HINT.format(cap=WHILE_CAP))
    return feedback


# --- Calling the student's code and explaining errors -------------------


def _one_line(err: BaseException, limit: int = 160) -> str:
    lines = [line for line in str(err).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " ..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


_LOOP_WORDS = ("for scan", "for fori_loop", "for while_loop", "for cond",
               "for switch")


def error_kind(err: BaseException) -> str | None:
    """The kind of a JAX error, for :func:`explain`; None if unknown.

    Kinds: ``numpy`` (NumPy on a traced array), ``control_flow`` (a
    Python ``if``/``while``/``bool()`` on a traced value), ``concrete``
    (``int()``, ``float()``, ``.item()`` of a traced value), ``index``
    (a traced value used as a Python integer, e.g. ``range(n)``),
    ``shape`` (a shape or slice that depends on a traced value),
    ``bool_index`` (``x[mask]``), ``leak`` (a tracer that escaped),
    ``unhashable_static`` (an array or list marked static),
    ``vmap_rank``, ``vmap_sizes``, ``vmap_in_axes`` (vmap axes),
    ``many_truths`` (one ``if`` or ``lax.cond`` for many elements),
    ``concatenate`` (arrays of different dimensions), ``while_pred``,
    ``grad_scalar`` (``jax.grad`` of a function with several outputs),
    ``jvp_tuples`` (``jax.jvp`` without tuples), ``tangent`` (a tangent or
    cotangent whose shape or dtype does not match).
    """
    text = str(err)
    if isinstance(err, jax.errors.TracerArrayConversionError):
        return "numpy"
    if isinstance(err, jax.errors.TracerBoolConversionError):
        return "control_flow"
    if isinstance(err, jax.errors.TracerIntegerConversionError):
        return "index"
    if isinstance(err, jax.errors.NonConcreteBooleanIndexError):
        return "bool_index"
    if isinstance(err, jax.errors.UnexpectedTracerError):
        return "leak"
    if isinstance(err, jax.errors.ConcretizationTypeError):
        return "concrete"
    for kind, fragments in _ERROR_TEXTS:
        if any(fragment in text for fragment in fragments):
            return kind
    return None


# Errors JAX raises as plain TypeError/ValueError, told apart by their text
# (first match wins).
_ERROR_TEXTS = (
    ("unhashable_static", ("Non-hashable static arguments",)),
    ("shape", ("Shapes must be 1D sequences of concrete values",
               "Slice entries must be static",
               "slice indices must have static")),
    ("vmap_rank", ("which implies that its rank should be at least",)),
    ("vmap_sizes", ("vmap got inconsistent sizes",)),
    ("vmap_in_axes", ("vmap in_axes must be",)),
    ("many_truths", ("truth value of an array", "Pred must be a scalar")),
    ("concatenate", ("Cannot concatenate arrays with different numbers",)),
    ("while_pred", ("cond_fun must return a boolean scalar",)),
    ("grad_scalar", ("Gradient only defined for scalar-output functions",)),
    ("jvp_tuples", ("arguments to jax.jvp must be tuples or lists",)),
    ("tangent", ("jvp called with different primal and tangent shapes",
                 "primal and tangent arguments to jax.jvp do not match",
                 "for argument to VJP function")),
)


_TRACED_VALUE = ("control_flow", "concrete", "index", "shape")
_LOOP_BODY = (" Inside the body of a lax loop (scan, fori_loop, "
              "while_loop) the index and the carry are traced, even when "
              "the bounds are plain numbers.")

_HINTS = {
    "numpy": "it calls NumPy (np.*, np.asarray, or float()) on a traced "
             "array, but NumPy needs concrete numbers. Use the jax.numpy "
             "(jnp) functions inside the function",
    "control_flow": "it uses a traced value in a Python `if`, `while`, "
                    "`and`/`or` or bool(). Choose values with jnp.where, "
                    "a branch with lax.cond, or loop with lax.while_loop",
    "concrete": "it needs the concrete value of a traced array (int(), "
                "float(), .item(), or a Python condition). Keep it an "
                "array: use jnp functions, jnp.where or lax.cond instead",
    "index": "it uses a traced value as a Python integer (range(n), a "
             "list index, a repeat count). Loop with lax.fori_loop, whose "
             "bounds may be traced, or keep the shapes fixed",
    "shape": "a shape or a slice depends on a traced value (jnp.zeros(n), "
             "x[:n]), but shapes must be known when JAX traces. Keep the "
             "shape fixed and select entries with a mask, "
             "jnp.arange(size) < n",
    "bool_index": "x[mask] has a size that depends on the values. Keep the "
                  "shape: jnp.where(mask, x, 0), or the where= argument of "
                  "jnp.sum and jnp.mean",
    "leak": "a traced value escaped from the function (kept in a global "
            "or a list outside it). Return values instead of storing "
            "them",
    "unhashable_static": "an argument marked static is an array or a "
                         "list, which cannot be hashed. Mark static only "
                         "numbers, strings or tuples (sizes, names), and "
                         "pass arrays as ordinary arguments",
    "vmap_rank": "vmap was asked to map an axis that an argument does not "
                 "have (a number or an array shared by all calls). Give "
                 "that argument None in in_axes",
    "vmap_sizes": "vmap was asked to map axes of different sizes "
                  "({sizes}). Map only the batched arguments; give the "
                  "shared ones None in in_axes",
    "vmap_in_axes": "in_axes needs one entry per positional argument (a "
                    "tuple as long as the argument list)",
    "many_truths": "it asks one Python `if` (or one lax.cond) about an "
                   "array of several elements. Choose element by element "
                   "with jnp.where(condition, a, b)",
    "concatenate": "jnp.concatenate needs arrays with the same number of "
                   "dimensions. Flatten each leaf first (jnp.ravel), or "
                   "sum each leaf separately",
    "while_pred": "the condition of lax.while_loop must return one "
                  "boolean (a 0-d array), not an array of several",
    "grad_scalar": "jax.grad differentiates a function with one number as "
                   "output, but this one returns several. For a function "
                   "with several outputs ask for its Jacobian "
                   "(jax.jacfwd, jax.jacrev) or a product with it "
                   "(jax.jvp, jax.vjp)",
    "jvp_tuples": "jax.jvp takes the inputs and the tangents as tuples, "
                  "one entry per argument: jax.jvp(f, (x,), (v,))",
    "tangent": "a tangent (for jax.jvp) or a cotangent (for the function "
               "jax.vjp returns) must have the shape and dtype of the "
               "value it goes with: the input for a tangent, the output "
               "for a cotangent",
}


def _vmap_sizes(text: str) -> str:
    sizes = list(dict.fromkeys(re.findall(r"had size (\d+)", text)))
    return " and ".join(sizes) if sizes else "different sizes"


def explain(err: BaseException, *, where: str = "Your function",
            overrides: dict[str, str] | None = None) -> str:
    """A student hint for an exception from their code.

    ``where`` starts the sentence (e.g. "Under jax.jit your function");
    ``overrides`` maps kinds from :func:`error_kind` to the checker's own
    hint (it may use ``{error}`` for the error's first line).

    Examples:
      >>> explain(TypeError("Pred must be a scalar, got [1 2]"))[:47]
      'Your function fails: it asks one Python `if` (o'
    """
    kind = error_kind(err)
    overrides = overrides or {}
    if kind in overrides:
        return overrides[kind].format(error=_one_line(err),
                                      sizes=_vmap_sizes(str(err)))
    if kind is None:
        return f"{where} raised {_one_line(err)}"
    hint = _HINTS[kind].format(sizes=_vmap_sizes(str(err)))
    if (kind in ("control_flow", "concrete", "index", "shape")
            and any(word in str(err) for word in _LOOP_WORDS)):
        hint += "." + _LOOP_BODY
    return f"{where} fails: {hint}."


def call(fn: Callable, *args, where: str = "Your function",
         overrides: dict[str, str] | None = None, **kwargs) -> Any:
    """Call the student's function; turn "not done" and crashes into hints.

    A function that returns ``None`` (an empty body, ``...`` or ``pass``) or
    raises ``NotImplementedError`` has not been attempted yet. Any other
    exception becomes the hint of :func:`explain`.
    """
    beat()
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        out = None
    except Exception as err:  # any crash becomes a hint, not a traceback
        raise fail(explain(err, where=where, overrides=overrides), err)
    if out is None:
        raise not_attempted()
    return out


def jittable(fn: Callable, *args, hint: str = "",
             overrides: dict[str, str] | None = None,
             **jit_options) -> Any:
    """Run ``jax.jit(fn, **jit_options)(*args)``; explain a failure.

    ``hint`` is added to the explanation of an error about a traced
    value (e.g. what to use in this exercise); ``overrides`` as in
    :func:`explain`.
    """
    beat()
    try:
        out = jax.jit(fn, **jit_options)(*args)
    except Exception as err:
        message = explain(err, where="Your function is not jittable; it",
                          overrides=overrides)
        message = message.replace("it fails: ", "")
        if error_kind(err) not in _TRACED_VALUE:
            hint = ""
        raise fail(f"{message} {hint}".strip(), err)
    if out is None:
        raise not_attempted()
    return out


def fmt(values, digits: int = 3) -> str:
    """A short list of numbers for a hint, e.g. ``[0.189, -0.523]``."""
    flat = np.asarray(values, dtype=np.float64).ravel()
    return "[" + ", ".join(f"{v:.{digits}g}" for v in flat) + "]"


def answer(fn: Callable, *args) -> Any:
    """The student's answer, computed under ``jax.jit`` when that works.

    One compilation is much cheaper than running a batched function op by
    op. When ``jit`` fails, the function is called as it is, so that "not
    attempted yet" and crashes get their own hints (a function that fails
    only under ``jit`` gets its hint later, from :func:`jittable`).
    """
    beat()
    try:
        out = jax.jit(fn)(*args)
    except Exception:  # any failure: let the plain call explain it
        out = None
    return call(fn, *args) if out is None else out


# --- What came back -----------------------------------------------------


def _kind_of(got) -> str:
    name = type(got).__name__
    if isinstance(got, (list, tuple)):
        return f"a {name} of {len(got)}"
    return f"a {name}"


def require_array(got, what: str) -> np.ndarray:
    """The answer as a NumPy array; a hint if it is not an array at all."""
    if isinstance(got, bool) or not isinstance(
            got, (jax.Array, np.ndarray, int, float, np.generic)):
        if isinstance(got, (list, tuple)):
            raise fail(f"{what} should be an array, but your function "
                       f"returned {_kind_of(got)}: build the array with "
                       f"jnp functions (or jnp.stack a list of arrays)")
        raise fail(f"{what} should be an array, but your function returned "
                   f"{_kind_of(got)}")
    try:
        return np.asarray(got)
    except Exception as err:  # e.g. a typed PRNG key array
        raise fail(f"{what} cannot be read as numbers: {_one_line(err)}")


def require_scalar(got, what: str, *, shown: str = "",
                   many: str = "") -> np.ndarray:
    """The answer as a 0-d NumPy array; a hint if it is not one number.

    Accepts Python numbers (also ``bool``), NumPy scalars and 0-d arrays
    of NumPy or JAX. ``many`` is added to the hint for an array of several
    numbers (e.g. "did you forget the mean?").

    Examples:
      >>> float(require_scalar(jnp.float32(2.5), "the time"))
      2.5
    """
    if isinstance(got, (bool, np.bool_)):
        return np.asarray(got)
    value = require_array(got, what[:1].upper() + what[1:])
    for_shown = f" for {shown}" if shown else ""
    beat()
    if value.ndim == 0:
        return value
    if value.size == 1:
        raise fail(
            f"{what} should be one number (a 0-d array), got an array of "
            f"shape {value.shape}{for_shown}: drop the extra axes (no "
            f"keepdims=True, or index the single entry)")
    raise fail(f"{what} should be one number (a 0-d array), got shape "
               f"{value.shape}{for_shown}" + (f": {many}" if many else ""))


def same_values(got, expected, *, what: str, shown: str,
                rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Compare an answer with the expected one: type, shape, then values."""
    beat()
    got = require_array(got, what[:1].upper() + what[1:])
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        raise fail(f"Wrong shape for {what}: expected {expected.shape}, got "
                   f"{got.shape}, for {shown}")
    if not np.allclose(got.astype(float), expected.astype(float),
                       rtol=rtol, atol=atol):
        raise fail(f"Wrong values for {what} with {shown}: expected "
                   f"{np.array2string(expected, precision=4)}, got "
                   f"{np.array2string(got, precision=4)}")


# --- Reading the program JAX records: how big, and which operations -----


def _count_equations(jaxpr) -> int:
    """Operations in a jaxpr, including those of nested jaxprs (jit, loops,
    branches)."""
    return sum(1 + sum(_count_equations(sub)
                       for sub in jex.core.jaxprs_in_params(eqn.params))
               for eqn in jaxpr.eqns)


def program_size(fn: Callable, *args) -> int:
    """How many operations JAX records when it traces ``fn(*args)``.

    A Python loop is unrolled while tracing, so its program grows with the
    loop's length; a vectorized function or a ``lax`` loop does not.

    Examples:
      >>> program_size(lambda x: (2 * x).sum(), jnp.ones(3))
      2
    """
    beat()
    return _count_equations(jax.make_jaxpr(fn)(*args).jaxpr)


def _largest(jaxpr) -> int:
    """Most elements of any array a jaxpr captures or computes, at any
    depth."""
    sizes = [math.prod(getattr(var.aval, "shape", ()))
             for var in (*jaxpr.constvars, *(
                 out for eqn in jaxpr.eqns for out in eqn.outvars))]
    sizes += [_largest(sub) for eqn in jaxpr.eqns
              for sub in jex.core.jaxprs_in_params(eqn.params)]
    return max(sizes, default=0)


def largest_array(fn: Callable, *args) -> int:
    """The most elements of any array JAX records for ``fn(*args)``.

    Every intermediate result counts, and every array the function
    captures, also inside nested programs (jit, loops, branches); the
    inputs do not. Use it to tell a function that builds a big matrix
    (a Hessian, a matrix of pairwise distances) from one that never
    does.

    Examples:
      >>> largest_array(lambda x: jnp.outer(x, x).sum(), jnp.ones(3))
      9
      >>> largest_array(lambda x: x @ x, jnp.ones(3))
      1
    """
    beat()
    return _largest(jax.make_jaxpr(fn)(*args).jaxpr)


def primitives(jaxpr) -> set[str]:
    """Names of the primitives used in a jaxpr, at any depth.

    Examples:
      >>> sorted(primitives(jax.make_jaxpr(jnp.sin)(1.0).jaxpr))
      ['sin']
    """
    names = set()
    for eqn in jaxpr.eqns:
        names.add(eqn.primitive.name)
        for sub in jex.core.jaxprs_in_params(eqn.params):
            names |= primitives(sub)
    return names


def _loops(jaxpr) -> list[tuple[str, int | None]]:
    """(primitive, trip count or None) of every loop in a jaxpr."""
    found = []
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "scan":
            found.append(("scan", int(eqn.params["length"])))
        elif eqn.primitive.name == "while":
            found.append(("while", None))
        for sub in jex.core.jaxprs_in_params(eqn.params):
            found += _loops(sub)
    return found


def loops_over_batch(fn: Callable, small: tuple, large: tuple) -> str | None:
    """How ``fn`` loops over the batch, or None if it does not.

    ``small`` and ``large`` are argument tuples that differ only in their
    batch size. A Python loop grows the program with the batch; a
    ``lax.scan`` (``lax.map``, ``lax.fori_loop`` with fixed bounds) has a
    trip count that changes with it; a ``lax.while_loop`` runs one step
    at a time. ``vmap`` and broadcasting do none of these.
    """
    beat()
    jaxpr_small = jax.make_jaxpr(fn)(*small).jaxpr
    beat()
    jaxpr_large = jax.make_jaxpr(fn)(*large).jaxpr
    n_small, n_large = (_count_equations(jaxpr_small),
                        _count_equations(jaxpr_large))
    if n_small != n_large:
        return (f"its program grows with the batch ({n_small} operations "
                f"for a small batch, {n_large} for one twice as large), so "
                f"it loops over the batch in Python")
    loops_small, loops_large = _loops(jaxpr_small), _loops(jaxpr_large)
    if loops_small != loops_large:
        return ("it runs a lax loop (lax.map, lax.scan or lax.fori_loop) "
                "whose number of steps grows with the batch: one row at a "
                "time, in sequence")
    if any(kind == "while" for kind, _ in loops_large):
        return ("it runs a lax.while_loop, one step at a time, in "
                "sequence")
    return None


def require_vectorized(fn: Callable, small: tuple, large: tuple, *,
                       rows: str, one: str) -> None:
    """Fail unless ``fn`` handles a batch without looping over it.

    ``small`` and ``large`` are argument tuples that differ only in how
    many ``rows`` (e.g. "rows of Q") they hold, the larger twice as many;
    ``one`` names one of them in the hint (e.g. "one row").
    """
    how = loops_over_batch(fn, small, large)
    if how is not None:
        raise fail(
            f"Your values are right, but your function is not vectorized: "
            f"{how}. Write the work for {one} and let jax.vmap map it over "
            f"the {rows}; vmap runs them all at once")
