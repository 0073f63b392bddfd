"""Explaining what went wrong: the student's errors and answers as hints.

- :func:`explain` is the one place that maps JAX errors to hints (NumPy
  on a traced array, Python control flow on a traced value, shapes that
  depend on traced values, non-hashable static arguments, vmap axis
  errors, ...); ``overrides`` let a checker put its own words on a kind
  of error (see :func:`error_kind` for the kinds).
- :func:`call` calls the student's code: the stub's own
  ``NotImplementedError`` (:func:`stub_error`) or ``None`` from a body
  that does nothing mean "not attempted yet"; ``None`` from a body that
  does work asks "did you forget `return`?" (:func:`returned_none`); any
  other exception, a ``NotImplementedError`` raised by JAX included,
  becomes a hint through :func:`explain`. :func:`jittable` runs
  ``jax.jit(fn)(*args)`` and explains a failure; :func:`answer` computes
  an answer under ``jit`` when possible.
- :func:`require_array`, :func:`require_scalar` and :func:`same_values`
  check what came back; a wrong array is summarised, never printed
  whole (:func:`~._feedback.difference`).

Part of the framework behind :mod:`py4eng_jax.check` (see
``_framework.py``).
"""

from __future__ import annotations

import dis
import functools
import os
import re
from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from ._deadline import beat, criterion, student_function
from ._feedback import (
    CheckFailed,
    describe,
    difference,
    fail,
    not_attempted,
    one_line,
)

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
        return overrides[kind].format(error=one_line(err),
                                      sizes=_vmap_sizes(str(err)))
    if kind is None and isinstance(err, NotImplementedError):
        return (f"{where} raised {one_line(err)}. This error comes from "
                f"JAX, not from the unfinished stub: JAX does not "
                f"implement what the code asks of it at that point (its "
                f"message says what). Write that part another way")
    if kind is None:
        return f"{where} raised {one_line(err)}"
    hint = _HINTS[kind].format(sizes=_vmap_sizes(str(err)))
    if (kind in ("control_flow", "concrete", "index", "shape")
            and any(word in str(err) for word in _LOOP_WORDS)):
        hint += "." + _LOOP_BODY
    return f"{where} fails: {hint}."


# Library code: a NotImplementedError raised in these files is JAX's (or
# NumPy's ...), never the stub's.
_LIBRARIES = tuple(os.path.dirname(module.__file__) + os.sep
                   for module in (jax, np)) + (
    f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def stub_error(err: BaseException) -> bool:
    """Is ``err`` the stub's own ``NotImplementedError``?

    True only for a ``raise NotImplementedError`` written in the
    student's code: the innermost frame of its traceback is a ``raise``
    statement outside the libraries. One that JAX raises for a
    construct the student wrote (the frame JAX leaves innermost is then
    the student's line that called JAX) is a failure to explain.

    Examples:
      >>> def stub(x):
      ...     raise NotImplementedError
      >>> try:
      ...     stub(1)
      ... except NotImplementedError as err:
      ...     stub_error(err)
      True
    """
    if not isinstance(err, NotImplementedError):
        return False
    tb = err.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    if any(part in code.co_filename for part in _LIBRARIES):
        return False
    at = [ins for ins in dis.get_instructions(code)
          if ins.offset <= tb.tb_lasti]
    return bool(at) and at[-1].opname.startswith("RAISE")


def _code_of(fn):
    """The code object of the function behind ``fn`` (through jax.jit,
    functools.wraps, functools.partial, bound methods), or None."""
    for _ in range(20):
        code = getattr(fn, "__code__", None)
        if code is not None:
            return code
        if isinstance(fn, functools.partial):
            fn = fn.func
        elif getattr(fn, "__wrapped__", None) is not None:
            fn = fn.__wrapped__
        else:
            return None
    return None


# What an empty body (``...``, ``pass``, a docstring) compiles to.
_EMPTY = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST",
          "CACHE", "EXTENDED_ARG"}


def returned_none() -> CheckFailed:
    """The stop signal for a function that returned None.

    The running checker's function (see :func:`student_function`) with
    an empty body (``...``, ``pass``) has not been attempted yet; one
    that does work has forgotten its ``return``. Outside a checker, or
    for a callable whose code cannot be read, the hint says both.
    """
    fn = student_function()
    code = None if fn is None else _code_of(fn)
    if fn is None:
        return not_attempted()
    if code is None:
        return not_attempted(
            "Your function returned None: not attempted yet? Write its "
            "body, ending with `return` and the answer, then run this "
            "cell again")
    if {ins.opname for ins in dis.get_instructions(code)} <= _EMPTY:
        return not_attempted()
    return fail("Your function returned None: did you forget `return`? "
                "Its body runs, but a Python function without a `return` "
                "statement gives back None")


def call(fn: Callable, *args, where: str = "Your function",
         overrides: dict[str, str] | None = None, **kwargs) -> Any:
    """Call the student's code; turn "not done" and crashes into hints.

    The stub's own ``NotImplementedError`` (:func:`stub_error`) means
    "not attempted yet", and so does ``None`` from an empty body (``...``
    or ``pass``); ``None`` from a body that does work is a forgotten
    ``return`` (:func:`returned_none`). Any other exception, a
    ``NotImplementedError`` from JAX included, becomes the hint of
    :func:`explain`.
    """
    beat()
    try:
        out = fn(*args, **kwargs)
    except Exception as err:  # any crash becomes a hint, not a traceback
        if stub_error(err):
            raise not_attempted() from None
        raise fail(explain(err, where=where, overrides=overrides), err)
    if out is None:
        raise returned_none()
    return out


def jittable(fn: Callable, *args, hint: str = "",
             overrides: dict[str, str] | None = None,
             **jit_options) -> Any:
    """Run ``jax.jit(fn, **jit_options)(*args)``; explain a failure.

    ``hint`` is added to the explanation of an error about a traced
    value (e.g. what to use in this exercise); ``overrides`` as in
    :func:`explain`. The stub and ``None`` are told as by :func:`call`.
    """
    beat()
    try:
        out = jax.jit(fn, **jit_options)(*args)
    except Exception as err:
        if stub_error(err):
            raise not_attempted() from None
        message = explain(err, where="Your function is not jittable; it",
                          overrides=overrides)
        message = message.replace("it fails: ", "")
        if error_kind(err) not in _TRACED_VALUE:
            hint = ""
        raise fail(f"{message} {hint}".strip(), err)
    if out is None:
        raise returned_none()
    criterion()
    return out


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


def require_array(got, what: str) -> np.ndarray:
    """The answer as a NumPy array; a hint if it is not an array at all."""
    if isinstance(got, bool) or not isinstance(
            got, (jax.Array, np.ndarray, int, float, np.generic)):
        if isinstance(got, (list, tuple)):
            raise fail(f"{what} should be an array, but your function "
                       f"returned {describe(got)}: build the array with "
                       f"jnp functions (or jnp.stack a list of arrays)")
        raise fail(f"{what} should be an array, but your function returned "
                   f"{describe(got)}")
    try:
        return np.asarray(got)
    except Exception as err:  # e.g. a typed PRNG key array
        raise fail(f"{what} cannot be read as numbers: {one_line(err)}")


def require_scalar(got, what: str, *, shown: str = "",
                   many: str = "") -> np.ndarray:
    """The answer as a 0-d NumPy array; a hint if it is not one number.

    Accepts Python numbers (also ``bool``), NumPy scalars and 0-d arrays
    of NumPy or JAX. ``many`` is added to the hint for an array of several
    numbers (e.g. "did you forget the mean?").

    Examples:
      >>> import jax.numpy as jnp
      >>> float(require_scalar(jnp.float32(2.5), "the time"))
      2.5
    """
    if isinstance(got, (bool, np.bool_)):
        return np.asarray(got)
    value = require_array(got, what)
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
    got = require_array(got, what)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        raise fail(f"Wrong shape for {what}: expected {expected.shape}, got "
                   f"{got.shape}, for {shown}")
    if not np.allclose(got.astype(float), expected.astype(float),
                       rtol=rtol, atol=atol):
        raise fail(f"Wrong values for {what} with {shown}: "
                   f"{difference(got, expected, rtol=rtol, atol=atol)}")
    criterion()
