"""Fitting chapter checkers: solutions pass, typical mistakes get the hint.

The checkers run the student's function in float64 whatever the caller's
setting; these tests run with float64 off, as a fresh notebook would.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from py4eng_jax import check, msd_rhs, rk4_solve
from py4eng_jax.check import _fitting


def assert_hint(feedback, *fragments):
    assert feedback.status == "fail", feedback
    for fragment in fragments:
        assert fragment in feedback.message, feedback.message


@pytest.fixture
def short_deadline(monkeypatch):
    """a 1 s deadline, so that the never-returning attempts stay quick"""
    monkeypatch.setattr(_fitting, "DEADLINE_S", 1.0)


# cubic_residuals (exercise 1)

def cubic_rhs(t, y, k, c, k3):
    x, v = y
    return jnp.stack([v, -(c * v + k * x + k3 * x**3)])


def cubic_solution(theta, t, x_meas):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / 10
    ys = rk4_solve(cubic_rhs, y0, 0.0, dt, 10 * (len(t) - 1), (k, c, k3),
                   every=10)
    return ys[:, 0] - x_meas


def simulate_cubic(theta, t, rhs=cubic_rhs, every=10, per_interval=10):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / per_interval
    return rk4_solve(rhs, y0, 0.0, dt, per_interval * (len(t) - 1),
                     (k, c, k3), every=every)


def test_cubic_passes_the_solution():
    """the chapter's solution passes"""
    feedback = check.cubic_residuals(cubic_solution)
    assert feedback.passed, feedback
    assert "jax.jacfwd differentiates them" in feedback.message


def test_cubic_passes_an_own_rk4_in_a_scan():
    """an RK4 written by hand in lax.scan, with the same steps, passes"""
    def cubic_residuals(theta, t, x_meas):
        k, c, k3, x0 = theta
        h = (t[1] - t[0]) / 10

        def f(y):
            return jnp.array([y[1], -(c * y[1] + k * y[0] + k3 * y[0]**3)])

        def step(y, _):
            a = f(y)
            b = f(y + h / 2 * a)
            d = f(y + h / 2 * b)
            e = f(y + h * d)
            return y + h / 6 * (a + 2 * b + 2 * d + e), None

        def interval(y, _):
            y, _ = lax.scan(step, y, length=10)
            return y, y[0]

        y0 = jnp.array([x0, 0.0 * x0])
        _, xs = lax.scan(interval, y0, length=len(t) - 1)
        return jnp.concatenate([x0[None], xs]) - x_meas

    assert check.cubic_residuals(cubic_residuals).passed


def test_cubic_passes_every_step_then_a_slice():
    """keeping every step and slicing [::10] passes"""
    def cubic_residuals(theta, t, x_meas):
        ys = simulate_cubic(theta, t, every=1)
        return ys[::10, 0] - x_meas

    assert check.cubic_residuals(cubic_residuals).passed


def test_cubic_empty_stub_is_not_attempted():
    """the exercise's stub reports 'not attempted yet'"""
    def cubic_residuals(theta, t, x_meas):
        ...

    assert check.cubic_residuals(cubic_residuals).status == "not attempted"


def test_cubic_hints_at_the_wrong_sign():
    """measured minus simulated gets the 'wrong sign' hint"""
    def cubic_residuals(theta, t, x_meas):
        return -cubic_solution(theta, t, x_meas)

    assert_hint(check.cubic_residuals(cubic_residuals),
                "Wrong residuals for theta = (4.0, 0.4, 2.0, 1.0)",
                "wrong sign")


def test_cubic_hints_at_forgetting_the_measurements():
    """returning the simulated positions gets 'subtract x_meas'"""
    def cubic_residuals(theta, t, x_meas):
        return simulate_cubic(theta, t)[:, 0]

    assert_hint(check.cubic_residuals(cubic_residuals), "subtract x_meas")


def test_cubic_hints_at_a_square_instead_of_a_cube():
    """k3 x**2 gets the 'not the cubic term' hint"""
    def rhs(t, y, k, c, k3):
        x, v = y
        return jnp.stack([v, -(c * v + k * x + k3 * x**2)])

    def cubic_residuals(theta, t, x_meas):
        return simulate_cubic(theta, t, rhs)[:, 0] - x_meas

    assert_hint(check.cubic_residuals(cubic_residuals), "k3 x²")


def test_cubic_hints_at_a_missing_cubic_term():
    """the linear model of the chapter gets 'ignores the cubic term'"""
    def cubic_residuals(theta, t, x_meas):
        k, c, k3, x0 = theta
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        dt = (t[1] - t[0]) / 10
        ys = rk4_solve(msd_rhs, y0, 0.0, dt, 10 * (len(t) - 1), (k, c),
                       every=10)
        return ys[:, 0] - x_meas

    assert_hint(check.cubic_residuals(cubic_residuals),
                "ignores the cubic term")


def test_cubic_hints_at_returning_both_states():
    """returning (x, v) per time gets 'keep the positions'"""
    def cubic_residuals(theta, t, x_meas):
        return simulate_cubic(theta, t) - x_meas[:, None]

    assert_hint(check.cubic_residuals(cubic_residuals),
                "Wrong shape for the residuals: expected (101,), got "
                "(101, 2)", "keep the positions")


def test_cubic_hints_at_returning_the_loss():
    """a sum of squares instead of the vector gets a shape hint"""
    def cubic_residuals(theta, t, x_meas):
        return jnp.sum(cubic_solution(theta, t, x_meas) ** 2)

    assert_hint(check.cubic_residuals(cubic_residuals),
                "expected (101,), got ()", "not their sum of squares")


def test_cubic_hints_at_keeping_every_step():
    """forgetting every=10 (all 1001 states) gets a shape hint"""
    def cubic_residuals(theta, t, x_meas):
        ys = simulate_cubic(theta, t, every=1)
        return ys[:, 0] - jnp.repeat(x_meas, 10, total_repeat_length=1001)

    assert_hint(check.cubic_residuals(cubic_residuals),
                "got (1001,)", "every=10")


def test_cubic_hints_at_one_step_per_interval():
    """one RK4 step per measurement is too coarse: wrong values"""
    def cubic_residuals(theta, t, x_meas):
        return simulate_cubic(theta, t, every=1,
                              per_interval=1)[:, 0] - x_meas

    assert_hint(check.cubic_residuals(cubic_residuals),
                "Wrong residuals", "10 RK4 steps per interval")


def test_cubic_hints_at_float_of_a_traced_time():
    """float(t[1] - t[0]) works eagerly but not under jit (as in the fit)"""
    def cubic_residuals(theta, t, x_meas):
        k, c, k3, x0 = theta
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        ys = rk4_solve(cubic_rhs, y0, 0.0, float(t[1] - t[0]) / 10,
                       10 * (len(t) - 1), (k, c, k3), every=10)
        return ys[:, 0] - x_meas

    assert_hint(check.cubic_residuals(cubic_residuals),
                "not under jax.jit", "not float()")


def test_cubic_hints_at_numpy_inside():
    """a NumPy right-hand side cannot be traced: the jit hint"""
    def rhs(t, y, k, c, k3):
        y = np.asarray(y)
        return jnp.asarray([y[1], -(c * y[1] + k * y[0] + k3 * y[0]**3)])

    def cubic_residuals(theta, t, x_meas):
        return simulate_cubic(theta, t, rhs)[:, 0] - x_meas

    assert_hint(check.cubic_residuals(cubic_residuals), "Your function "
                "raised TracerArrayConversionError")


def test_cubic_hints_at_a_list():
    """a list of residuals gets 'should be an array'"""
    def cubic_residuals(theta, t, x_meas):
        return list(cubic_solution(theta, t, x_meas))

    assert_hint(check.cubic_residuals(cubic_residuals),
                "should be an array, but your function returned a list")


def test_cubic_hints_at_a_crash():
    """an exception becomes a hint naming it"""
    def cubic_residuals(theta, t, x_meas):
        k, c, k3 = theta   # four parameters, three names
        return x_meas

    assert_hint(check.cubic_residuals(cubic_residuals),
                "Your function raised ValueError")


def test_cubic_answers_a_function_that_never_returns(short_deadline):
    """a call that does not return gets a hint after the deadline"""
    def cubic_residuals(theta, t, x_meas):
        time.sleep(3)   # stands in for a loop that never ends

    start = time.perf_counter()
    feedback = check.cubic_residuals(cubic_residuals)
    assert time.perf_counter() - start < 2.5
    assert_hint(feedback, "did not return within 1 s")


# dxT_dk (exercise 2)

def x_final(theta, T):
    k, c, x0 = theta
    n = round(T / 0.01)
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, T / n, n, (k, c))[-1]


def dxT_dk_solution(theta, T):
    k, c, x0 = theta
    n = round(T / 0.01)

    def x_end(k):
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        return rk4_solve(msd_rhs, y0, 0.0, T / n, n, (k, c))[-1, 0]

    return jax.grad(x_end)(k)


def test_dx_passes_the_solution():
    """the chapter's solution passes"""
    feedback = check.dxT_dk(dxT_dk_solution)
    assert feedback.passed, feedback


def test_dx_passes_a_jacobian_entry():
    """the [0, 0] entry of jacfwd of the final state passes"""
    def dxT_dk(theta, T):
        return jax.jacfwd(x_final)(theta, T)[0, 0]

    assert check.dxT_dk(dxT_dk).passed


def test_dx_passes_a_jvp():
    """a jvp along the k direction passes"""
    def dxT_dk(theta, T):
        direction = jnp.zeros_like(theta).at[0].set(1.0)
        return jax.jvp(lambda th: x_final(th, T)[0], (theta,),
                       (direction,))[1]

    assert check.dxT_dk(dxT_dk).passed


def test_dx_empty_stub_is_not_attempted():
    """the exercise's stub reports 'not attempted yet'"""
    def dxT_dk(theta, T):
        ...

    assert check.dxT_dk(dxT_dk).status == "not attempted"


def test_dx_hints_at_the_wrong_parameter():
    """d x(T) / d c gets 'with respect to c'"""
    def dxT_dk(theta, T):
        return jax.grad(lambda th: x_final(th, T)[0])(theta)[1]

    assert_hint(check.dxT_dk(dxT_dk),
                "Wrong sensitivity for theta = (4.0, 0.4, 1.0), T = 5.0",
                "with respect to c")


def test_dx_hints_at_the_initial_position():
    """d x(T) / d x0 gets 'with respect to x0'"""
    def dxT_dk(theta, T):
        return jax.grad(lambda th: x_final(th, T)[0])(theta)[2]

    assert_hint(check.dxT_dk(dxT_dk), "with respect to x0")


def test_dx_hints_at_the_velocity():
    """the sensitivity of v(T) gets 'differentiated the velocity'"""
    def dxT_dk(theta, T):
        return jax.grad(lambda th: x_final(th, T)[1])(theta)[0]

    assert_hint(check.dxT_dk(dxT_dk), "differentiated the velocity")


def test_dx_hints_at_one_step_too_few():
    """integrating n - 1 steps gets 'one step too early'"""
    def dxT_dk(theta, T):
        return jax.grad(lambda th: x_final(th, T - 0.01)[0])(theta)[0]

    assert_hint(check.dxT_dk(dxT_dk), "one step too early")


def test_dx_hints_at_the_whole_gradient():
    """returning the gradient over theta gets a shape hint"""
    def dxT_dk(theta, T):
        return jax.grad(lambda th: x_final(th, T)[0])(theta)

    assert_hint(check.dxT_dk(dxT_dk), "expected (), got (3,)",
                "only its k component")


def test_dx_hints_at_a_coarse_forward_difference():
    """a forward difference with h = 1e-3 is too inaccurate"""
    def dxT_dk(theta, T):
        h = 1e-3
        up = theta.at[0].add(h)
        return (x_final(up, T)[0] - x_final(theta, T)[0]) / h

    assert_hint(check.dxT_dk(dxT_dk), "Wrong sensitivity",
                "with jax.grad")


def test_dx_hints_at_a_coarse_step():
    """steps of 0.1 s instead of 0.01 s give wrong values"""
    def dxT_dk(theta, T):
        k, c, x0 = theta
        n = round(T / 0.1)
        xs = lambda k: rk4_solve(msd_rhs, jnp.stack([x0, 0.0 * x0]), 0.0,
                                 T / n, n, (k, c))[-1, 0]
        return jax.grad(xs)(k)

    assert_hint(check.dxT_dk(dxT_dk), "Wrong sensitivity")


def test_dx_hints_at_a_list():
    """a one-element list gets 'should be an array'"""
    def dxT_dk(theta, T):
        return [dxT_dk_solution(theta, T)]

    assert_hint(check.dxT_dk(dxT_dk),
                "should be an array, but your function returned a list")


def test_dx_answers_a_function_that_never_returns(short_deadline):
    """a call that does not return gets a hint after the deadline"""
    def dxT_dk(theta, T):
        time.sleep(3)

    assert_hint(check.dxT_dk(dxT_dk), "did not return within 1 s")
