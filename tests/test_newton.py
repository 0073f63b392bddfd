"""newton_solve: Newton's method for systems, with the Jacobian from JAX."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.optimize import fsolve

from py4eng_jax import NewtonResult, newton_solve


def circle_line(p):
    """x**2 + y**2 = 4 and y = x: roots (sqrt 2, sqrt 2), -(sqrt 2, sqrt 2)"""
    x, y = p
    return jnp.array([x**2 + y**2 - 4, y - x])


def diodes(v, xp=jnp):
    """Kirchhoff's current law at the two nodes of a diode ladder (mA, V)"""
    source, r1, r2, i_s, v_t = 5.0, 1.0, 2.0, 1e-11, 0.02585
    v1, v2 = v[0], v[1]
    return xp.stack([
        (source - v1) / r1 - i_s * xp.expm1(v1 / v_t) - (v1 - v2) / r2,
        (v1 - v2) / r2 - i_s * xp.expm1(v2 / v_t)])


def test_newton_solve_finds_an_analytic_root():
    """circle meets line at (sqrt 2, sqrt 2), found to float32 precision"""
    result = newton_solve(circle_line, jnp.array([1.0, 2.0]))
    assert isinstance(result, NewtonResult)
    np.testing.assert_allclose(result.x, [2**0.5, 2**0.5], rtol=1e-6)
    assert bool(result.converged)
    assert float(jnp.linalg.norm(circle_line(result.x))) <= 1e-6


def test_newton_solve_start_picks_the_root():
    """from the third quadrant it converges to the other intersection"""
    result = newton_solve(circle_line, jnp.array([-1.0, -3.0]))
    np.testing.assert_allclose(result.x, [-2**0.5, -2**0.5], rtol=1e-6)


def test_newton_solve_linear_system_takes_one_step():
    """for a linear system one Newton step is the exact solution"""
    A = jnp.array([[3.0, 1.0], [1.0, 2.0]])
    b = jnp.array([9.0, 8.0])
    result = newton_solve(lambda x: A @ x - b, jnp.zeros(2), tol=1e-5)
    assert int(result.steps) == 1
    np.testing.assert_allclose(result.x, [2.0, 3.0], rtol=1e-6)


def test_newton_solve_start_at_root_takes_no_step():
    """a start that already solves the system takes zero steps"""
    result = newton_solve(circle_line, jnp.array([2**0.5, 2**0.5]),
                          tol=1e-5)
    assert int(result.steps) == 0
    assert bool(result.converged)


def test_newton_solve_history_is_padded_with_nan():
    """residuals[:steps + 1] is the history; the rest is NaN"""
    result = newton_solve(circle_line, jnp.array([1.0, 2.0]), max_iter=10)
    steps = int(result.steps)
    assert result.residuals.shape == (11,)
    assert np.all(np.isfinite(result.residuals[:steps + 1]))
    assert np.all(np.isnan(result.residuals[steps + 1:]))
    np.testing.assert_allclose(
        result.residuals[0], jnp.linalg.norm(circle_line(
            jnp.array([1.0, 2.0]))))


def test_newton_solve_converges_quadratically():
    """in float64 each residual is at most ~ the square of the one before"""
    with jax.enable_x64(True):
        result = newton_solve(circle_line, jnp.array([1.0, 2.0]),
                              tol=1e-13)
        r = np.asarray(result.residuals[:int(result.steps) + 1])
    assert r.dtype == np.float64
    # Once the residual is below 1, and until the next one reaches the
    # rounding level (~1e-15), the next one is below C * r**2.
    pairs = (r[:-1] < 1) & (r[1:] > 1e-13)
    assert pairs.sum() >= 2
    assert np.all(r[1:][pairs] <= 2.0 * r[:-1][pairs]**2), r


def test_newton_solve_agrees_with_scipy_on_a_diode_ladder():
    """a two-diode circuit: JAX's Newton and scipy's fsolve agree"""
    with jax.enable_x64(True):
        result = newton_solve(diodes, jnp.array([0.6, 0.6]), tol=1e-12,
                              max_iter=50)
        x = np.asarray(result.x)
    reference = fsolve(lambda v: diodes(v, np), [0.6, 0.6], xtol=1e-12)
    assert bool(result.converged)
    np.testing.assert_allclose(x, reference, rtol=1e-10)


def test_newton_solve_stops_at_max_iter():
    """with max_iter=2 it takes two steps and reports no convergence"""
    result = newton_solve(circle_line, jnp.array([1.0, 2.0]), max_iter=2,
                          tol=1e-6)
    assert int(result.steps) == 2
    assert not bool(result.converged)


def test_newton_solve_stops_on_a_singular_jacobian():
    """a singular Jacobian gives a non-finite residual: it stops there"""
    result = newton_solve(lambda x: x**2 + 1.0, jnp.array([0.0]))
    assert not bool(result.converged)
    assert int(result.steps) == 1


def test_newton_solve_works_under_jit_and_vmap():
    """jit over the start, and vmap over several starts, give the roots"""
    solve = jax.jit(lambda x0: newton_solve(circle_line, x0).x)
    np.testing.assert_allclose(solve(jnp.array([1.0, 2.0])),
                               [2**0.5, 2**0.5], rtol=1e-6)
    starts = jnp.array([[1.0, 2.0], [-1.0, -3.0]])
    roots = jax.vmap(lambda x0: newton_solve(circle_line, x0).x)(starts)
    np.testing.assert_allclose(
        roots, [[2**0.5, 2**0.5], [-2**0.5, -2**0.5]], rtol=1e-6)


def test_newton_solve_accepts_a_list_of_ints():
    """x0 = [1, 2] is converted to a float array"""
    result = newton_solve(circle_line, [1, 2])
    assert result.x.dtype == jnp.float32
    np.testing.assert_allclose(result.x, [2**0.5, 2**0.5], rtol=1e-6)


def test_newton_solve_rejects_a_non_function():
    """f must be callable"""
    with pytest.raises(TypeError, match="f must be a function, got int"):
        newton_solve(3, jnp.zeros(2))


def test_newton_solve_rejects_a_non_array_start():
    """x0 must be an array (or a list of numbers)"""
    with pytest.raises(TypeError, match="x0 must be a JAX or NumPy array"):
        newton_solve(circle_line, "1, 2")


def test_newton_solve_rejects_a_2d_start():
    """x0 must be 1-D"""
    with pytest.raises(ValueError, match=r"x0 must be 1-D, got 2-D"):
        newton_solve(circle_line, jnp.zeros((2, 1)))


def test_newton_solve_rejects_an_empty_start():
    """x0 must hold at least one unknown"""
    with pytest.raises(ValueError, match=r"at least one unknown"):
        newton_solve(circle_line, jnp.zeros(0))


def test_newton_solve_rejects_a_complex_start():
    """x0 must be real"""
    with pytest.raises(TypeError, match="x0 must have a real numeric dtype"):
        newton_solve(circle_line, jnp.zeros(2, dtype=jnp.complex64))


def test_newton_solve_rejects_fewer_equations_than_unknowns():
    """f(x0) must have the shape of x0"""
    with pytest.raises(ValueError,
                       match=r"same shape as x0, \(2,\), got \(1,\)"):
        newton_solve(lambda p: jnp.array([p.sum()]), jnp.zeros(2))


def test_newton_solve_rejects_a_function_that_fails():
    """an f that cannot be called on x0 is reported with its error"""
    with pytest.raises(TypeError, match="f could not be called on x0"):
        newton_solve(lambda p, q: p, jnp.zeros(2))


@pytest.mark.parametrize("tol, error, match", [
    (0.0, ValueError, "tol must be a positive number, got 0.0"),
    (-1e-6, ValueError, "tol must be a positive number"),
    ("1e-6", TypeError, "tol must be a positive number, got str"),
])
def test_newton_solve_rejects_a_bad_tolerance(tol, error, match):
    """tol must be a positive number"""
    with pytest.raises(error, match=match):
        newton_solve(circle_line, jnp.zeros(2), tol=tol)


@pytest.mark.parametrize("max_iter, error, match", [
    (0, ValueError, "max_iter must be a positive integer, got 0"),
    (2.5, TypeError, "max_iter must be a positive integer, got float"),
    (True, TypeError, "max_iter must be a positive integer, got bool"),
])
def test_newton_solve_rejects_a_bad_max_iter(max_iter, error, match):
    """max_iter must be a positive integer"""
    with pytest.raises(error, match=match):
        newton_solve(circle_line, jnp.zeros(2), max_iter=max_iter)
