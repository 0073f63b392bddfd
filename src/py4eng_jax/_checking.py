"""The machinery behind the exercise checkers in :mod:`py4eng_jax.check`.

A checker calls the student's function on inputs whose answer is known and
returns a :class:`Feedback`: a pass, "not attempted yet", or one specific
hint (wrong shape, wrong values for a shown input, not jittable, ...).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.extend as jex
import jax.numpy as jnp
import numpy as np

__all__ = ["Feedback", "CheckFailed", "checker", "fail", "call",
           "require_array", "same_values", "jittable", "program_size",
           "primitives"]


class Feedback:
    """The outcome of a checker. Displays as its message in a notebook."""

    PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"

    def __init__(self, status: str, message: str):
        if status not in (self.PASS, self.FAIL, self.NOT_ATTEMPTED):
            raise ValueError(f"status must be pass, fail or not attempted, "
                             f"got {status!r}")
        self.status = status
        self.message = message

    @property
    def passed(self) -> bool:
        """True only when every check passed."""
        return self.status == self.PASS

    def __repr__(self) -> str:
        mark = {"pass": "✅", "fail": "❌", "not attempted": "📝"}[self.status]
        return f"{mark} {self.message}"


class CheckFailed(Exception):
    """Raised inside a checker to stop at the first problem found."""

    def __init__(self, feedback: Feedback):
        super().__init__(feedback.message)
        self.feedback = feedback


def fail(message: str) -> CheckFailed:
    """A :class:`CheckFailed` carrying a failing hint."""
    return CheckFailed(Feedback(Feedback.FAIL, message))


def checker(name: str):
    """Turn ``body(fn) -> str`` into a checker returning :class:`Feedback`.

    ``body`` raises :class:`CheckFailed` (see :func:`fail`) at the first
    problem and returns the success message otherwise. A function that is
    not callable is refused with ``TypeError``.
    """
    def wrap(body: Callable[[Callable], str]):
        def check(fn: Callable) -> Feedback:
            if not callable(fn):
                raise TypeError(
                    f"{name} checker expects your function, got "
                    f"{type(fn).__name__}")
            try:
                return Feedback(Feedback.PASS, body(fn))
            except CheckFailed as stop:
                return stop.feedback
        check.__name__ = name
        check.__doc__ = body.__doc__
        return check
    return wrap


def call(fn: Callable, *args, **kwargs) -> Any:
    """Call the student's function; turn "not done" and crashes into hints.

    A function that returns ``None`` (an empty body, ``...`` or ``pass``) or
    raises ``NotImplementedError`` has not been attempted yet.
    """
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        out = None
    except Exception as err:  # any crash becomes a hint, not a traceback
        raise fail(f"Your function raised {type(err).__name__}: {err}")
    if out is None:
        raise CheckFailed(Feedback(
            Feedback.NOT_ATTEMPTED,
            "Not attempted yet: write the function body, then run this "
            "cell again."))
    return out


def require_array(got, what: str) -> np.ndarray:
    """The answer as a NumPy array; a hint if it is not an array at all."""
    if not isinstance(got, (jax.Array, np.ndarray, int, float, bool,
                            np.generic)):
        raise fail(f"{what} should be an array, but your function returned "
                   f"a {type(got).__name__}.")
    return np.asarray(got)


def same_values(got, expected, *, what: str, shown: str,
                rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Compare an answer with the expected one: type, shape, then values."""
    got = require_array(got, what)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        raise fail(f"Wrong shape for {what}: expected {expected.shape}, got "
                   f"{got.shape}, for {shown}.")
    if not np.allclose(got.astype(float), expected.astype(float),
                       rtol=rtol, atol=atol):
        raise fail(f"Wrong values for {what} with {shown}: expected "
                   f"{np.array2string(expected, precision=4)}, got "
                   f"{np.array2string(got, precision=4)}.")


def jittable(fn: Callable, *args) -> Any:
    """Run ``jax.jit(fn)(*args)``; explain the failure if it cannot be."""
    try:
        return jax.jit(fn)(*args)
    except jax.errors.ConcretizationTypeError:
        raise fail(
            "Your function is not jittable: it uses the value of a traced "
            "array in Python control flow (an `if`, `int()`, `bool()`). Use "
            "jnp.where or lax.cond, or mark the argument static.")
    except jax.errors.TracerArrayConversionError:
        raise fail(
            "Your function is not jittable: it converts a traced array to "
            "NumPy. Use jax.numpy (jnp) functions instead of numpy (np).")
    except Exception as err:
        raise fail(f"Your function is not jittable: "
                   f"{type(err).__name__}: {err}")


def to_host(x) -> np.ndarray:
    """A NumPy copy of ``x``, for comparisons."""
    return np.asarray(jnp.asarray(x))


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
    return _count_equations(jax.make_jaxpr(fn)(*args).jaxpr)


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
