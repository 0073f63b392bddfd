"""Checkers for the exercises of the truss chapter.

The buckling ratios are compared with the checker's own on two trusses,
and typical slips (the sign, L instead of L squared, a missing pi squared,
I proportional to A, an ignored k or truss) get their own hints. The
drift probability is random: it is compared with the exact probability,
known because the displacement is linear in the loads, within a few
standard errors, and again with other sample sizes, so that an answer
that ignores n is caught.
"""

from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .._truss import Truss, ten_bar_truss, truss_solve
from ._framework import (
    beat,
    call,
    checker,
    explain,
    fail,
    fmt,
    jitted_or_plain,
    require_array,
    require_scalar,
    require_vectorized_sampler,
)
from ._words import count_word

__all__ = ["buckling_ratios", "drift_exceedance"]


# -- Exercise 1: buckling ratios ------------------------------------------


# One Truss object per geometry: the model compiles once per Truss.
@functools.cache
def _ten_bar() -> Truss:
    return ten_bar_truss()


@functools.cache
def _three_bar() -> Truss:
    """A small truss of three members, two in compression."""
    nodes = np.array([[0.0, 0.0], [80.0, 0.0], [40.0, 30.0]])
    members = np.array([[0, 1], [0, 2], [1, 2]])
    supports = np.array([[True, True], [False, True], [False, False]])
    loads = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, -20.0]])
    return Truss(nodes, members, supports, loads, 2.9e4)


def _reference(truss, areas, k, *, power=2, pi2=True, inertia_power=2,
               sign=-1.0):
    """The ratios, or a typical slip of them (see the keywords)."""
    stresses = truss_solve(truss, areas).stresses
    factor = math.pi ** 2 if pi2 else 1.0
    critical = (factor * truss.youngs_modulus * k
                * areas ** (inertia_power - 1) / truss.lengths ** power)
    return sign * stresses / critical


def _buckling_cases():
    """(shown, truss, areas, k) for the checks."""
    ten = _ten_bar()
    yield ("the 10-bar truss, areas linspace(1, 20, 10), k = 1.0", ten,
           jnp.linspace(1.0, 20.0, 10), 1.0)
    yield ("the 10-bar truss, areas 5.0 everywhere, k = 0.5", ten,
           jnp.full(10, 5.0), 0.5)
    yield ("a three-bar truss, areas [0.5, 1.0, 2.0], k = 2.0",
           _three_bar(), jnp.array([0.5, 1.0, 2.0]), 2.0)


def _slips(truss, areas, k):
    """(hint, values) of typical wrong answers for one case."""
    yield ("Your ratios have the wrong sign: compressive stresses are "
           "negative in truss_solve, and the ratio must be positive in "
           "compression. Divide minus the stress by the critical stress",
           _reference(truss, areas, k, sign=1.0))
    yield ("Your ratios look like L instead of L squared in Euler's "
           "formula: the critical stress falls with the square of the "
           "length", _reference(truss, areas, k, power=1))
    yield ("Your ratios are pi squared times too large: Euler's critical "
           "stress has the factor pi squared",
           _reference(truss, areas, k, pi2=False))
    yield ("Your critical stress does not grow with the area: with I = k "
           "A**2 the critical stress pi**2 E I / (L**2 A) is "
           "proportional to A itself",
           _reference(truss, areas, k, inertia_power=1))
    ratios = _reference(truss, areas, k)
    yield ("Your ratios are positive for the members in tension too: "
           "the ratio is negative in tension, so don't take abs of the "
           "stress; minus the stress over the critical stress",
           jnp.abs(ratios))
    ten_bar_e = _ten_bar().youngs_modulus
    if truss.youngs_modulus != ten_bar_e:
        yield (f"Your ratios use E = {ten_bar_e:g}, the 10-bar truss's "
               f"Young's modulus, for a truss whose E is "
               f"{truss.youngs_modulus:g}: use truss.youngs_modulus, not "
               f"a number typed in",
               ratios * truss.youngs_modulus / ten_bar_e)
    yield ("Your ratios divide the stress by Euler's critical load P_cr: "
           "P_cr is a load, and the ratio compares stresses. Divide P_cr "
           "by A for the critical stress",
           ratios / areas)
    yield ("Your ratios are upside down: the critical stress over the "
           "stress. The exercise asks for minus the stress over the "
           "critical stress (at most 1 for a safe member)",
           1.0 / ratios)
    yield ("Your ratios are zero for the members in tension: the exercise "
           "asks for minus the stress over the critical stress for every "
           "member, negative in tension (do not clip them)",
           jnp.maximum(ratios, 0.0))


def _close(got, expected) -> bool:
    """Equal to float32 rounding (the checker may run without float64)."""
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and np.allclose(
        got, expected, rtol=1e-4, atol=1e-6 * np.abs(expected).max())


@checker("buckling_ratios")
def buckling_ratios(fn) -> str:
    """Check ``buckling_ratios(truss, areas, k)``: -stress / Euler stress."""
    cases = list(_buckling_cases())
    got_first = None
    for shown, truss, areas, k in cases:
        if len(truss.members) != 10:
            beat()
            try:
                fn(truss, areas, k)
            except ValueError as err:
                if "shape (10,)" in str(err):
                    raise fail(f"Your function fails for {shown}, with "
                               f"'{err}': it ignores its truss argument "
                               f"and solves the 10-bar truss. Take the "
                               f"stresses and lengths of the truss it is "
                               f"given") from err
            except Exception:  # noqa: S110 - call() below explains it
                pass
        got = call(fn, truss, areas, k)
        value = require_array(got, "The ratios")
        expected = np.asarray(_reference(truss, areas, k))
        if value.shape != expected.shape:
            if value.shape == (10,) and expected.shape != (10,):
                raise fail(f"Your function returned 10 ratios for {shown}: "
                           f"it ignores its truss argument. Take the "
                           f"stresses and lengths of the truss it is given")
            raise fail(f"Wrong shape for {shown}: expected one ratio per "
                       f"member, shape {expected.shape}, got shape "
                       f"{value.shape}")
        if got_first is None:
            got_first = value
        elif (k != cases[0][3] and areas.shape == cases[0][2].shape
              and _close(value, _reference(truss, areas, 1.0))):
            raise fail(f"Your ratios for {shown} are those of k = 1: your "
                       f"function ignores its k argument")
        if _close(value, expected):
            continue
        for hint, slip in _slips(truss, areas, k):
            if _close(value, slip):
                raise fail(f"{hint}. (For {shown}.)")
        raise fail(f"Wrong ratios for {shown}: expected {fmt(expected)}, "
                   f"got {fmt(value)}. Check the critical stress (Euler's "
                   f"critical load over the area, with I = k A**2) and "
                   f"the sign (the model's stresses are positive in "
                   f"tension)")
    shown, truss, areas, k = cases[0]
    beat()
    try:
        jac = jax.jit(jax.jacfwd(lambda a: fn(truss, a, k)))(areas)
    except Exception as err:  # any failure becomes a hint
        raise fail(explain(err, where="Under jax.jit(jax.jacfwd(...)) "
                                      "your function") +
                   " Keep the computation in jnp on the areas you are "
                   "given (no NumPy conversion, no Python if on a "
                   "stress), so JAX can trace it.", err) from err
    expected_jac = jax.jacfwd(lambda a: _reference(truss, a, k))(areas)
    if not _close(jac, expected_jac):
        raise fail(f"Your ratios are right, but their Jacobian with "
                   f"respect to the areas is not, for {shown}: compute "
                   f"them from the areas you are given, not from a copy "
                   f"made outside JAX")
    trusses = count_word(len({id(case[1]) for case in cases}))
    ks = count_word(len({case[3] for case in cases}))
    return (f"Correct: your ratios match Euler's formula on "
            f"{count_word(len(cases))} cases ({trusses} trusses, {ks} "
            f"values of k), and jax.jacfwd differentiates them.")


# -- Exercise 2: the probability that node 0 sags more than 2 in ---------

#: The published optimum of the 10-bar truss, rounded (Haftka and Gurdal).
DESIGN = np.array([30.52, 0.1, 23.20, 15.22, 0.1, 0.55, 7.46, 21.04,
                   21.53, 0.1])
MEAN, STD, LIMIT = 100.0, 10.0, 2.0
_N = 20_000
#: Other sample sizes: an answer that ignores n gets caught on these.
_OTHER_N = (5_000, 40_000)


def _influence(areas, node: int = 0) -> tuple[float, float]:
    """The sag of ``node`` (down positive) per kip at nodes 1 and 3."""
    truss = _ten_bar()
    out = []
    for loaded in (1, 3):
        loads = np.zeros((6, 2))
        loads[loaded, 1] = -1.0
        u = truss_solve(truss, jnp.asarray(areas), jnp.asarray(loads))
        out.append(-float(u.displacements[node, 1]))
    return out[0], out[1]


def exact_probability(areas, *, node: int = 0, reused: bool = False) -> float:
    """P(sag of node > 2 in) for independent (or, with ``reused``, equal)
    normal loads: the sag is a P1 + b P2, itself normal."""
    a, b = _influence(areas, node)
    mean = MEAN * (a + b)
    std = STD * ((a + b) if reused else math.hypot(a, b))
    return 0.5 * math.erfc((LIMIT - mean) / (std * math.sqrt(2)))


def _designs():
    """(shown, areas) for the checks: two uniform designs, where the
    typical slips give probabilities far from the right one, and the
    published optimum."""
    yield "areas = 20.0 everywhere", np.full(10, 20.0)
    yield "areas = 18.0 everywhere", np.full(10, 18.0)
    yield "areas = the published optimum (rounded)", DESIGN


def _pair(got, shown: str):
    """(p, se) as two floats, or a hint."""
    if isinstance(got, (jax.Array, np.ndarray)) and got.shape == (2,):
        got = (got[0], got[1])
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise fail(f"Your function should return a pair (p, se), but "
                   f"returned something else, for {shown}")
    p = require_scalar(got[0], "p", shown=shown,
                       many="return the fraction of samples that sag too "
                            "far (a mean of the flags), not one flag per "
                            "sample")
    se = require_scalar(got[1], "the standard error se", shown=shown,
                        many="the standard error of p is one number")
    return float(p), float(se)


def _check_sample_size(run, areas, p_main):
    """The first design again with other n: p within its standard error
    of the exact one, se = sqrt(p (1 - p) / n) for that n, and p not the
    same for every n (the same key)."""
    exact = exact_probability(areas)
    ps = [p_main]
    for n in _OTHER_N:
        shown = f"areas = 20.0 everywhere, key = jax.random.key(1), n = {n:,}"
        p, se = _pair(call(run, jax.random.key(1), areas, n), shown)
        ps.append(p)
        se_n = math.sqrt(p * (1 - p) / n)
        if not math.isclose(se, se_n, rel_tol=1e-3):
            if math.isclose(se, math.sqrt(p * (1 - p) / _N), rel_tol=1e-3):
                raise fail(f"Your standard error for {shown} is that of "
                           f"n = {_N:,}: your function ignores its n "
                           f"argument. Draw n samples and use n in the "
                           f"standard error")
            raise fail(f"The standard error should be sqrt(p (1 - p) / n) "
                       f"= {se_n:.4g} for your p = {p:.4g}, but your "
                       f"function returned {se:.4g}, for {shown}")
        se_exact = math.sqrt(exact * (1 - exact) / n)
        if abs(p - exact) > 5 * se_exact:
            raise fail(f"Your p = {p:.4g} is too far from the exact "
                       f"{exact:.4f}, for {shown} (more than 5 standard "
                       f"errors, {se_exact:.2g} each), although it was "
                       f"right for n = {_N:,}. Draw n samples, as many as "
                       f"the argument n asks for")
    if len(set(ps)) == 1 and 0 < ps[0] < 1:
        sizes = [f"{n:,}" for n in (_N, *_OTHER_N)]
        raise fail(f"Your function gives the same p for n = "
                   f"{', '.join(sizes[:-1])} and {sizes[-1]} (same key "
                   f"and areas): it ignores its n argument. Draw n "
                   f"samples")


@checker("drift_exceedance")
def drift_exceedance(fn) -> str:
    """Check ``drift_exceedance(key, areas, n)``: (p, se) of a sag > 2 in."""
    areas0 = jnp.asarray(np.full(10, 20.0))
    require_vectorized_sampler(fn, (areas0,),
                               one="the sag for one pair of loads")
    run = jitted_or_plain(fn, static_argnums=2)
    designs = list(_designs())
    shown0 = f"{designs[0][0]}, key = jax.random.key(1), n = {_N:,}"
    p_keys = [_pair(call(run, jax.random.key(seed), areas0, _N),
                    shown0)[0] for seed in (1, 2, 3)]
    if len(set(p_keys)) == 1 and 0 < p_keys[0] < 1:
        raise fail("Your function gives the same p for jax.random.key(1), "
                   "key(2) and key(3): it ignores its key argument. Draw "
                   "the loads from the key you are given")
    results = []
    for shown, areas in designs:
        shown = f"{shown}, key = jax.random.key(1), n = {_N:,}"
        p, se = _pair(call(run, jax.random.key(1), jnp.asarray(areas), _N),
                      shown)
        results.append((shown, areas, p, se))
    if len({p for _, _, p, _ in results}) == 1 and 0 < results[0][2] < 1:
        raise fail("Your function gives the same p for every design: it "
                   "ignores its areas argument. Solve the truss with the "
                   "areas you are given")
    for shown, areas, p, se in results:
        exact = exact_probability(areas)
        se_exact = math.sqrt(exact * (1 - exact) / _N)
        if abs(p - exact) > 5 * se_exact:
            reused = exact_probability(areas, reused=True)
            if abs(p - reused) < 5 * math.sqrt(reused * (1 - reused) / _N):
                raise fail(
                    f"Your p = {p:.4g} for {shown} is what you get when "
                    f"both loads come from the same random numbers (they "
                    f"are then always equal). Split the key, one key per "
                    f"load")
            if abs((1 - p) - exact) < 5 * se_exact:
                raise fail(f"Your p = {p:.4g}, for {shown}, is the "
                           f"probability that node 0 stays within the "
                           f"limit. Count the samples that sag more than "
                           f"2 in")
            lower = exact_probability(areas, node=1)
            if abs(p - lower) < 5 * math.sqrt(lower * (1 - lower) / _N):
                raise fail(f"Your p = {p:.4g}, for {shown}, is the "
                           f"probability for node 1, the lower corner. The "
                           f"exercise asks about node 0, the upper free "
                           f"corner")
            if p == 0.0:
                raise fail(f"Your p = 0 for {shown}: no sample sags below "
                           f"-2 in, where the exact probability is "
                           f"{exact:.4f}. Either the loads push the wrong "
                           f"way (they act downward, negative y), or their "
                           f"scatter is too small (check the standard "
                           f"deviation of the loads), or you compare the "
                           f"wrong displacement: it is the vertical one of "
                           f"node 0, negative when it sinks, that must be "
                           f"< -2")
            raise fail(
                f"Your p = {p:.4g} is too far from the exact {exact:.4f}, for "
                f"{shown} (more than 5 standard errors, {se_exact:.2g} "
                f"each). Check the load means and standard deviations and "
                f"which displacement you compare with the limit")
        if not math.isclose(se, math.sqrt(p * (1 - p) / _N), rel_tol=1e-3):
            raise fail(f"The standard error should be sqrt(p (1 - p) / n) "
                       f"= {math.sqrt(p * (1 - p) / _N):.4g} for your p = "
                       f"{p:.4g}, but your function returned {se:.4g}, for "
                       f"{shown}")
    _check_sample_size(run, areas0, results[0][2])
    return (f"Correct: for {count_word(len(designs))} designs and "
            f"{count_word(len(_OTHER_N) + 1)} sample sizes your estimate "
            f"agrees with the exact probability within its standard "
            f"error, each key gives its own answer, and the function is "
            f"vectorized.")
