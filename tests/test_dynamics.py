"""RK4 with lax.scan, the mass–spring–damper, Levenberg–Marquardt."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares

from py4eng_jax import levenberg_marquardt, msd_analytic, msd_rhs, rk4_solve


@pytest.fixture(autouse=True)
def x64():
    """every test here computes in float64, like the chapter"""
    with jax.enable_x64(True):
        yield


Y0 = np.array([1.0, 0.0])


def positions(theta, t_end=10.0, n=1000, every=10):
    k, c, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, t_end / n, n, (k, c),
                     every=every)[:, 0]


def residuals(theta, x_meas):
    return positions(theta) - x_meas


# rk4_solve: results

def test_rk4_matches_the_exact_solution():
    """1000 steps over 10 s reproduce the analytic motion to 1e-8"""
    xs = rk4_solve(msd_rhs, Y0, 0.0, 0.01, 1000, (4.0, 0.4))[:, 0]
    exact = msd_analytic(np.linspace(0, 10, 1001), 4.0, 0.4)
    assert_allclose(xs, exact, atol=1e-8)


def test_rk4_is_fourth_order():
    """halving the step divides the error by about 16 (slope 4 ± 0.2)"""
    counts = [100, 200, 400, 800]
    errors = []
    for n in counts:
        xs = rk4_solve(msd_rhs, Y0, 0.0, 10.0 / n, n, (4.0, 0.4))[:, 0]
        exact = msd_analytic(np.linspace(0, 10, n + 1), 4.0, 0.4)
        errors.append(float(jnp.abs(xs - exact).max()))
    slope = np.polyfit(np.log(10.0 / np.array(counts)), np.log(errors), 1)[0]
    assert abs(slope - 4) < 0.2, slope


def test_rk4_keeps_every_nth_state():
    """every=10 returns every tenth state of the every=1 run"""
    full = rk4_solve(msd_rhs, Y0, 0.0, 0.01, 100, (4.0, 0.4))
    sparse = rk4_solve(msd_rhs, Y0, 0.0, 0.01, 100, (4.0, 0.4), every=10)
    assert sparse.shape == (11, 2)
    assert_allclose(sparse, full[::10], rtol=1e-13)


def test_rk4_passes_the_time():
    """f receives t: y' = cos(t) integrates to sin(t)"""
    ys = rk4_solve(lambda t, y: jnp.cos(t) * jnp.ones_like(y),
                   np.zeros(1), 0.5, 0.01, 100)
    assert_allclose(ys[-1, 0], np.sin(1.5) - np.sin(0.5), atol=1e-10)


def test_rk4_checkpoint_gives_the_same_gradient_with_less_memory():
    """checkpoint=True: same gradient, much less scratch memory"""
    def loss(theta, checkpoint):
        k, c = theta
        ys = rk4_solve(msd_rhs, jnp.asarray(Y0), 0.0, 0.01, 4000, (k, c),
                       every=50, checkpoint=checkpoint)
        return jnp.sum(ys[:, 0] ** 2)

    theta = jnp.array([4.0, 0.4])
    grads, temps = [], []
    for checkpoint in (False, True):
        def grad_loss(th, checkpoint=checkpoint):
            return jax.grad(loss)(th, checkpoint)
        compiled = jax.jit(grad_loss).lower(theta).compile()
        grads.append(compiled(theta))
        temps.append(compiled.memory_analysis().temp_size_in_bytes)
    assert_allclose(grads[0], grads[1], rtol=1e-12)
    assert temps[1] * 5 < temps[0], temps


def test_rk4_grad_matches_finite_differences():
    """jax.grad through the scan agrees with central differences"""
    from jax.test_util import check_grads
    check_grads(lambda th: positions(th)[-1], (jnp.array([4.0, 0.4, 1.0]),),
                order=1, modes=["fwd", "rev"], eps=1e-6)


# rk4_solve: input validation

@pytest.mark.parametrize("dt", [0.0, -0.1])
def test_rk4_rejects_a_nonpositive_step(dt):
    """dt <= 0 is a ValueError naming dt and showing it"""
    with pytest.raises(ValueError, match=rf"dt must be a positive number, "
                       rf"got {dt}"):
        rk4_solve(msd_rhs, Y0, 0.0, dt, 10, (4.0, 0.4))


def test_rk4_rejects_zero_steps():
    """n_steps < 1 is a ValueError naming n_steps"""
    with pytest.raises(ValueError, match="n_steps must be a positive "
                       "integer, got 0"):
        rk4_solve(msd_rhs, Y0, 0.0, 0.1, 0, (4.0, 0.4))


def test_rk4_rejects_a_float_step_count():
    """n_steps=10.0 is a TypeError: a scan length must be an integer"""
    with pytest.raises(TypeError, match="n_steps must be a positive "
                       "integer, got float 10.0"):
        rk4_solve(msd_rhs, Y0, 0.0, 0.1, 10.0, (4.0, 0.4))


def test_rk4_rejects_every_that_does_not_divide():
    """every must divide n_steps, and the message shows both"""
    with pytest.raises(ValueError, match="every must divide n_steps, got "
                       "every=3 and n_steps=10"):
        rk4_solve(msd_rhs, Y0, 0.0, 0.1, 10, (4.0, 0.4), every=3)


def test_rk4_rejects_a_2d_state():
    """y0 must be 1-D; the message shows the shape that came"""
    with pytest.raises(ValueError, match=r"y0 must be 1-D, got 2-D with "
                       r"shape \(1, 2\)"):
        rk4_solve(msd_rhs, Y0[None], 0.0, 0.1, 10, (4.0, 0.4))


def test_rk4_rejects_an_integer_state():
    """an integer y0 is a TypeError (RK4 needs floating point)"""
    with pytest.raises(TypeError, match="y0 must have a floating-point "
                       "dtype, got dtype int"):
        rk4_solve(msd_rhs, np.array([1, 0]), 0.0, 0.1, 10, (4.0, 0.4))


def test_rk4_rejects_a_list_state():
    """a list y0 is a TypeError naming y0"""
    with pytest.raises(TypeError, match="y0 must be a JAX or NumPy array, "
                       "got list"):
        rk4_solve(msd_rhs, [1.0, 0.0], 0.0, 0.1, 10, (4.0, 0.4))


def test_rk4_rejects_args_that_are_not_a_tuple():
    """args=4.0 (not a tuple) is a TypeError naming args"""
    with pytest.raises(TypeError, match="args must be a tuple"):
        rk4_solve(msd_rhs, Y0, 0.0, 0.1, 10, 4.0)


def test_rk4_rejects_a_right_hand_side_of_the_wrong_shape():
    """f returning another shape than y0 is a ValueError showing both"""
    with pytest.raises(ValueError, match=r"f must return an array of the "
                       r"shape of y0, \(2,\); f\(t0, y0, \*args\) returned "
                       r"\(3,\)"):
        rk4_solve(lambda t, y: jnp.ones(3), Y0, 0.0, 0.1, 10)


def test_rk4_rejects_a_non_function():
    """f must be callable"""
    with pytest.raises(TypeError, match="f must be a function"):
        rk4_solve("msd", Y0, 0.0, 0.1, 10)


# msd_rhs and msd_analytic

def test_msd_rhs_is_the_equation_of_motion():
    """(x, v) -> (v, -(c v + k x) / m)"""
    assert_allclose(msd_rhs(0.0, jnp.array([2.0, -1.0]), 3.0, 0.5, 2.0),
                    [-1.0, -(0.5 * -1.0 + 3.0 * 2.0) / 2.0])


def test_msd_rhs_rejects_a_state_of_the_wrong_shape():
    """the state is (x, v); another shape is a ValueError naming y"""
    with pytest.raises(ValueError, match=r"y must have shape \(2,\), got "
                       r"shape \(3,\)"):
        msd_rhs(0.0, jnp.ones(3), 4.0, 0.4)


def test_msd_analytic_matches_scipy():
    """the closed form agrees with solve_ivp at a tight tolerance"""
    t = np.linspace(0, 8, 50)
    sol = solve_ivp(lambda t, y: [y[1], -(0.6 * y[1] + 5.0 * y[0]) / 2.0],
                    (0, 8), [0.7, 0.3], t_eval=t, rtol=1e-11, atol=1e-12)
    assert_allclose(msd_analytic(t, 5.0, 0.6, 2.0, 0.7, 0.3), sol.y[0],
                    atol=1e-9)


def test_msd_analytic_rejects_an_overdamped_system():
    """zeta >= 1 has no oscillating solution: ValueError with zeta"""
    with pytest.raises(ValueError, match="underdamped.*damping ratio 1.5"):
        msd_analytic(1.0, 1.0, 3.0)


# levenberg_marquardt

def test_lm_recovers_known_parameters_from_clean_data():
    """noise-free measurements give back the true parameters"""
    truth = jnp.array([4.0, 0.4, 1.0])
    fit = levenberg_marquardt(residuals, jnp.array([3.0, 1.0, 0.8]),
                              (positions(truth),))
    assert bool(fit.converged)
    assert_allclose(fit.params, truth, rtol=1e-7)
    assert fit.jac.shape == (101, 3)


def test_lm_agrees_with_scipy_least_squares():
    """on noisy data, the same parameters as SciPy's MINPACK fit"""
    truth = jnp.array([4.0, 0.4, 1.0])
    noise = 0.02 * jax.random.normal(jax.random.key(0), (101,))
    x_meas = positions(truth) + noise
    start = jnp.array([3.0, 1.0, 0.8])
    ours = levenberg_marquardt(residuals, start, (x_meas,))
    resid = jax.jit(residuals)
    ref = least_squares(lambda th: np.asarray(resid(jnp.asarray(th),
                                                    x_meas)),
                        np.asarray(start), method="lm", xtol=1e-12,
                        ftol=1e-12)
    assert_allclose(ours.params, ref.x, rtol=1e-7)
    assert_allclose(float(ours.cost), ref.cost, rtol=1e-9)


def test_lm_fits_a_line_exactly():
    """a linear problem is solved in a few iterations"""
    x = jnp.arange(6.0)
    fit = levenberg_marquardt(lambda th, x, y: th[0] * x + th[1] - y,
                              jnp.zeros(2), (x, 3 * x - 2))
    assert_allclose(fit.params, [3.0, -2.0], atol=1e-9)
    assert int(fit.iterations) < 10


def test_lm_counts_iterations_and_jacobians():
    """Jacobians are computed once plus once per accepted step"""
    truth = jnp.array([4.0, 0.4, 1.0])
    fit = levenberg_marquardt(residuals, jnp.array([3.0, 1.0, 0.8]),
                              (positions(truth),))
    assert 1 < int(fit.jacobians) <= int(fit.iterations) + 1


def test_lm_rejects_a_2d_start():
    """theta0 must be 1-D; the message shows its shape"""
    with pytest.raises(ValueError, match=r"theta0 must be 1-D, got 2-D"):
        levenberg_marquardt(residuals, jnp.ones((1, 3)), (jnp.zeros(101),))


def test_lm_rejects_an_integer_start():
    """an integer theta0 is a TypeError"""
    with pytest.raises(TypeError, match="theta0 must have a floating-point "
                       "dtype"):
        levenberg_marquardt(residuals, jnp.array([4, 0, 1]),
                            (jnp.zeros(101),))


def test_lm_rejects_a_scalar_residual():
    """a residual that returns the loss (a number) is a ValueError"""
    with pytest.raises(ValueError, match=r"residual must return a 1-D "
                       r"array; residual\(theta0, \*args\) returned \(\)"):
        levenberg_marquardt(lambda th: jnp.sum(th**2), jnp.ones(2))


@pytest.mark.parametrize("name", ["max_iter", "xtol", "ftol", "lam0"])
def test_lm_rejects_nonpositive_options(name):
    """max_iter, xtol, ftol and lam0 must be positive, and are named"""
    with pytest.raises(ValueError, match=f"{name} must be a positive"):
        levenberg_marquardt(lambda th: th, jnp.ones(2), **{name: 0})


def test_lm_rejects_args_that_are_not_a_tuple():
    """args must be a tuple"""
    with pytest.raises(TypeError, match="args must be a tuple"):
        levenberg_marquardt(residuals, jnp.ones(3), jnp.zeros(101))
