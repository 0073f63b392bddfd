"""Attempts at every exercise, for the checker catalogue.

``OK_*``: correct solutions, written differently from the book's.
``BAD_*``: typical wrong answers. ``_correct_*``: a correct function that
some wrong answers are built from (not an attempt). The catalogue
(tests/test_check_catalogue.py) states the verdict and the hint each one
must get. The book's own solutions are not copied here:
tests/test_exercises.py checks their stored outputs.
"""


import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import py4eng_jax

# ------------------------------------------------------------- fitting-ex1


def _cubic_rhs(t, y, k, c, k3):
    x, v = y
    return jnp.stack([v, -(c * v + k * x + k3 * x**3)])


def _cubic_states(theta, t, rhs=_cubic_rhs, per_interval=10, every=10,
                  dt=None):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / per_interval if dt is None else dt
    return py4eng_jax.rk4_solve(rhs, y0, 0.0, dt,
                                per_interval * (len(t) - 1), (k, c, k3),
                                every=every)


def _correct_cubic_residuals(theta, t, x_meas):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / 10       # t may be traced: no float() here
    ys = py4eng_jax.rk4_solve(_cubic_rhs, y0, 0.0, dt, 10 * (len(t) - 1),
                              (k, c, k3), every=10)
    return ys[:, 0] - x_meas


def OK_cubic_own_scan(theta, t, x_meas):
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

    _, xs = lax.scan(interval, jnp.array([x0, 0.0 * x0]),
                     length=len(t) - 1)
    return jnp.concatenate([x0[None], xs]) - x_meas


def OK_cubic_every_step_sliced(theta, t, x_meas):
    return _cubic_states(theta, t, every=1)[::10, 0] - x_meas


def OK_cubic_parameter_vector(theta, t, x_meas):
    def rhs(t, y, p):
        force = p[0] * y[0] + p[1] * y[1] + p[2] * y[0] ** 3
        return jnp.array([y[1], -force])

    n = 10 * (t.shape[0] - 1)
    ys = py4eng_jax.rk4_solve(rhs, jnp.array([theta[3], 0.0]), t[0],
                              (t[-1] - t[0]) / n, n, (theta[:3],),
                              every=10)
    return -(x_meas - ys[:, 0])


def BAD_cubic_sign(theta, t, x_meas):
    return x_meas - _cubic_states(theta, t)[:, 0]


def BAD_cubic_positions(theta, t, x_meas):
    return _cubic_states(theta, t)[:, 0]


def BAD_cubic_square(theta, t, x_meas):
    def rhs(t, y, k, c, k3):
        x, v = y
        return jnp.stack([v, -(c * v + k * x + k3 * x**2)])

    return _cubic_states(theta, t, rhs)[:, 0] - x_meas


def BAD_cubic_linear(theta, t, x_meas):
    k, c, k3, x0 = theta
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    ys = py4eng_jax.rk4_solve(py4eng_jax.msd_rhs, y0, 0.0,
                              (t[1] - t[0]) / 10, 10 * (len(t) - 1), (k, c),
                              every=10)
    return ys[:, 0] - x_meas


def BAD_cubic_cubic_sign(theta, t, x_meas):
    def rhs(t, y, k, c, k3):
        x, v = y
        return jnp.stack([v, -(c * v + k * x) + k3 * x**3])

    return _cubic_states(theta, t, rhs)[:, 0] - x_meas


def BAD_cubic_fixed_step(theta, t, x_meas):
    return _cubic_states(theta, t, dt=0.01)[:, 0] - x_meas


def BAD_cubic_one_step(theta, t, x_meas):
    return _cubic_states(theta, t, per_interval=1, every=1)[:, 0] - x_meas


def BAD_cubic_both_states(theta, t, x_meas):
    return _cubic_states(theta, t) - x_meas[:, None]


def BAD_cubic_sum_of_squares(theta, t, x_meas):
    return jnp.sum(_correct_cubic_residuals(theta, t, x_meas) ** 2)


def BAD_cubic_every_step(theta, t, x_meas):
    xs = _cubic_states(theta, t, every=1)[:, 0]
    return xs - jnp.repeat(x_meas, 10, total_repeat_length=len(xs))


def BAD_cubic_fixed_length(theta, t, x_meas):
    k, c, k3, x0 = theta
    ys = py4eng_jax.rk4_solve(_cubic_rhs, jnp.stack([x0, 0.0 * x0]), 0.0,
                              (t[1] - t[0]) / 10, 1000, (k, c, k3),
                              every=10)   # the chapter's 1000 steps
    return ys[:, 0] - x_meas


def BAD_cubic_no_initial_state(theta, t, x_meas):
    return _cubic_states(theta, t)[1:, 0] - x_meas[1:]


def BAD_cubic_float_step(theta, t, x_meas):
    k, c, k3, x0 = theta
    ys = py4eng_jax.rk4_solve(_cubic_rhs, jnp.stack([x0, 0.0 * x0]), 0.0,
                              float(t[1] - t[0]) / 10, 10 * (len(t) - 1),
                              (k, c, k3), every=10)
    return ys[:, 0] - x_meas


def BAD_cubic_numpy_rhs(theta, t, x_meas):
    def rhs(t, y, k, c, k3):
        x, v = np.asarray(y)
        return np.array([v, -(c * v + k * x + k3 * x**3)])

    return _cubic_states(theta, t, rhs)[:, 0] - x_meas


def BAD_cubic_list(theta, t, x_meas):
    return list(_correct_cubic_residuals(theta, t, x_meas))


def BAD_cubic_python_loop(theta, t, x_meas):
    k, c, k3, x0 = theta
    h = (t[1] - t[0]) / 10
    y, xs = jnp.stack([x0, 0.0 * x0]), [x0]
    for i in range(10 * (len(t) - 1)):   # unrolled under jit
        y = py4eng_jax.rk4_solve(_cubic_rhs, y, 0.0, h, 1, (k, c, k3))[-1]
        if i % 10 == 9:
            xs.append(y[0])
    return jnp.stack(xs) - x_meas


def BAD_cubic_python_forever(theta, t, x_meas):
    k, c, k3, x0 = theta
    h = (t[1] - t[0]) // 10      # floor division: a step of 0.0
    y, now, xs = jnp.stack([x0, 0.0 * x0]), 0.0, []
    while now <= t[-1]:          # never reached: now stays 0
        y = y + h * _cubic_rhs(now, y, k, c, k3)
        now = now + h
        xs.append(y[0])
    return jnp.stack(xs[::10]) - x_meas


# ------------------------------------------------------------- fitting-ex2


def _x_final(theta, T, h=0.01, steps=None):
    k, c, x0 = theta
    n = round(T / h) if steps is None else steps
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return py4eng_jax.rk4_solve(py4eng_jax.msd_rhs, y0, 0.0, T / n, n,
                                (k, c))[-1]


def _correct_dxT_dk(theta, T):
    k, c, x0 = theta
    n = round(T / 0.01)

    def x_final(k):
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        return py4eng_jax.rk4_solve(py4eng_jax.msd_rhs, y0, 0.0, T / n, n,
                                    (k, c))[-1, 0]

    return jax.grad(x_final)(k)


def OK_dx_jacfwd_entry(theta, T):
    return jax.jacfwd(_x_final)(theta, T)[0, 0]


def OK_dx_jvp(theta, T):
    direction = jnp.zeros_like(theta).at[0].set(1.0)
    return jax.jvp(lambda th: _x_final(th, T)[0], (theta,), (direction,))[1]


def OK_dx_grad_of_theta(theta, T):
    return jax.grad(lambda th: _x_final(th, T)[0])(theta)[0]


def BAD_dx_wrt_c(theta, T):
    return jax.grad(lambda th: _x_final(th, T)[0])(theta)[1]


def BAD_dx_wrt_x0(theta, T):
    return jax.grad(lambda th: _x_final(th, T)[0])(theta)[2]


def BAD_dx_velocity(theta, T):
    return jax.grad(lambda th: _x_final(th, T)[1])(theta)[0]


def BAD_dx_int_steps(theta, T):
    n = int(T / 0.01)            # 2.3 / 0.01 = 229.99999999999997
    return jax.grad(lambda th: _x_final(th, n * 0.01, steps=n)[0])(theta)[0]


def BAD_dx_whole_gradient(theta, T):
    return jax.grad(lambda th: _x_final(th, T)[0])(theta)


def BAD_dx_final_state(theta, T):
    return jax.jacfwd(_x_final)(theta, T)[:, 0]


def BAD_dx_forward_difference(theta, T):
    h = 1e-3
    up = theta.at[0].add(h)
    return (_x_final(up, T)[0] - _x_final(theta, T)[0]) / h


def BAD_dx_coarse_step(theta, T):
    return jax.grad(lambda th: _x_final(th, T, h=0.1)[0])(theta)[0]


def BAD_dx_list(theta, T):
    return [_correct_dxT_dk(theta, T)]


def BAD_dx_float_k(theta, T):
    def x_final(k):
        return _x_final(jnp.stack([float(k), theta[1], theta[2]]), T)[0]

    return jax.grad(x_final)(theta[0])


def BAD_dx_python_forever(theta, T):
    n, now = 0, 0.0
    while now != T:              # 0.01 added up never lands on T exactly
        now += 0.01
        n += 1
    return jax.grad(lambda th: _x_final(th, T, steps=n)[0])(theta)[0]
