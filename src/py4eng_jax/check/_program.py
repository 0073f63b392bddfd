"""Inspecting the program JAX records for the student's function: how
big it is (:func:`program_size`), its largest array
(:func:`largest_array`), which operations it uses (:func:`primitives`),
whether it loops over a batch (:func:`loops_over_batch`,
:func:`require_vectorized`, :func:`require_vectorized_sampler`, with
:func:`jitted_or_plain` to run a sampler compiled), and how an array
is split over devices (:func:`spec_axes`).

Part of the framework behind :mod:`py4eng_jax.check` (see
``_framework.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jax
import jax.extend as jex
import jax.numpy as jnp
from jax.sharding import PartitionSpec

from ._deadline import beat, criterion
from ._explain import explain, stub_error
from ._feedback import fail, not_attempted


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
      >>> import jax.numpy as jnp
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
      >>> import jax.numpy as jnp
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
      >>> import jax.numpy as jnp
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
    criterion()


def require_vectorized_sampler(fn: Callable, args: tuple, *,
                               one: str) -> None:
    """Fail unless a Monte Carlo sampler ``fn(key, *args, n)`` draws its
    ``n`` samples at once.

    ``fn`` is traced with n = 64 and 128 (read from the length of a dummy
    array, so that n is a number while tracing); ``one`` names the work
    for one sample in the hint (e.g. "V_out for one sample"). A stub is
    "not attempted"; a function JAX cannot trace gets the explanation.
    """
    def by_size(key, *rest):
        return fn(key, *rest[:-1], rest[-1].shape[0])

    key = jax.random.key(0)
    try:
        how = loops_over_batch(by_size, (key, *args, jnp.zeros(64)),
                               (key, *args, jnp.zeros(128)))
    except Exception as err:  # any tracing failure becomes a hint
        if stub_error(err):
            raise not_attempted() from None
        raise fail(explain(err, where="Traced by JAX (as jax.jit and "
                                      "jax.vmap do), your function") +
                   " Keep the whole computation in jnp and jax.random "
                   "functions, and return arrays.", err) from err
    if how is not None:
        raise fail(f"Your function is not vectorized: {how}. Write {one} "
                   f"and let jax.vmap evaluate all the samples at once")


def jitted_or_plain(fn: Callable, static_argnums: int) -> Callable:
    """``fn`` under ``jax.jit`` (one compilation for every key), or
    ``fn`` itself where jit fails: the plain call then explains why."""
    jitted = jax.jit(fn, static_argnums=static_argnums)

    def run(*args):
        beat()
        try:
            return jitted(*args)
        except Exception:  # let the plain call explain it
            return fn(*args)
    return run


def spec_axes(sharding, ndim: int | None = None
              ) -> tuple[frozenset[str], ...] | None:
    """How a sharding (or a PartitionSpec) splits an array: one set of
    mesh axis names per array axis, empty where the axis is not split.

    ``ndim`` pads the answer with empty sets to one entry per axis of an
    array with that many dimensions. None when there is no PartitionSpec
    to read (an array on one device, an unspecified sharding).

    Examples:
      >>> spec_axes(PartitionSpec("rows"), 2)
      (frozenset({'rows'}), frozenset())
      >>> spec_axes(PartitionSpec(None, "batch"))
      (frozenset(), frozenset({'batch'}))
    """
    spec = getattr(sharding, "spec", sharding)
    if not isinstance(spec, PartitionSpec):
        return None
    entries = [frozenset() if entry is None
               else frozenset([entry]) if isinstance(entry, str)
               else frozenset(entry) for entry in spec]
    if ndim is not None:
        entries = (entries + [frozenset()] * ndim)[:ndim]
    return tuple(entries)
