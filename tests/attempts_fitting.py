"""Attempts at the fitting chapter's exercises, for
tests/test_check_fitting.py: ``BOOK_*`` (the chapter's solution) and
``OK_*`` (correct, written differently) pass; each ``BAD_*`` (a typical
wrong answer) fails, or is "not attempted", with the hint that the
catalogue there lists.
"""

import jax
import jax.numpy as jnp
from jax import lax

from py4eng_jax import levenberg_marquardt, msd_rhs, rk4_solve

# ------------------------------------------------------------- fitting-ex1


def _positions(k, c, x0, t):
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    dt = (t[1] - t[0]) / 10
    return rk4_solve(msd_rhs, y0, 0.0, dt, 10 * (len(t) - 1), (k, c),
                     every=10)[:, 0]


def _res(p, c, t, x_meas):
    return _positions(p[0], c, p[1], t) - x_meas


def BOOK_profile(c, t, x_meas):
    fit = levenberg_marquardt(_res, jnp.array([3.0, 0.8]), (c, t, x_meas))
    return fit.cost


def OK_profile_closure(c, t, x_meas):
    """a closure over c, the loss recomputed from the fitted residuals"""
    def residuals(p):
        return _positions(p[0], c, p[1], t) - x_meas

    fit = levenberg_marquardt(lambda p: residuals(p),
                              jnp.array([4.5, 1.1]))
    r = residuals(fit.params)
    return r @ r / 2


def OK_profile_theta_vector(c, t, x_meas):
    """theta = (k, c, x0) rebuilt inside, another start"""
    def residuals(p, c, t, x_meas):
        theta = jnp.stack([p[0], c, p[1]])
        return _positions(*theta, t) - x_meas

    fit = levenberg_marquardt(residuals, jnp.array([3.5, 1.0]),
                              (c, t, x_meas))
    return 0.5 * jnp.sum(fit.residual ** 2)


def OK_profile_x0_solved(c, t, x_meas):
    """x0 solved in closed form (the motion is linear in it), k fitted"""
    def residuals(kv, c, t, x_meas):
        unit = _positions(kv[0], c, 1.0, t)      # the motion from x0 = 1
        return unit * (unit @ x_meas) / (unit @ unit) - x_meas

    return levenberg_marquardt(residuals, jnp.array([3.0]),
                               (c, t, x_meas)).cost


def BAD_profile_stub(c, t, x_meas):
    ...


def BAD_profile_sum_of_squares(c, t, x_meas):
    return 2 * BOOK_profile(c, t, x_meas)


def BAD_profile_c_free(c, t, x_meas):
    """all three parameters fitted: c is not held"""
    def residuals(theta, t, x_meas):
        return _positions(*theta, t) - x_meas

    return levenberg_marquardt(residuals, jnp.array([3.0, c, 0.8]),
                               (t, x_meas)).cost


def BAD_profile_at_guess(c, t, x_meas):
    """the loss at the start, never fitted"""
    r = _res(jnp.array([3.0, 0.8]), c, t, x_meas)
    return r @ r / 2


def BAD_profile_ignores_c(c, t, x_meas):
    """the chapter's c = 0.4, whatever c is"""
    return BOOK_profile(0.4, t, x_meas)


def BAD_profile_params(c, t, x_meas):
    return levenberg_marquardt(_res, jnp.array([3.0, 0.8]),
                               (c, t, x_meas)).params


def BAD_profile_residuals(c, t, x_meas):
    return levenberg_marquardt(_res, jnp.array([3.0, 0.8]),
                               (c, t, x_meas)).residual


def BAD_profile_chapter_steps(c, t, x_meas):
    """the chapter's 0.01 s and 1000 steps, typed in"""
    def residuals(p, c, x_meas):
        y0 = jnp.stack([p[1], jnp.zeros_like(p[1])])
        return rk4_solve(msd_rhs, y0, 0.0, 0.01, 1000, (p[0], c),
                         every=10)[:, 0] - x_meas

    return levenberg_marquardt(residuals, jnp.array([3.0, 0.8]),
                               (c, x_meas)).cost


def BAD_profile_k_only(c, t, x_meas):
    """x0 held at 1 cm too: only k fitted"""
    def residuals(k, c, t, x_meas):
        return _positions(k[0], c, 1.0, t) - x_meas

    return levenberg_marquardt(residuals, jnp.array([3.0]),
                               (c, t, x_meas)).cost


def BAD_profile_two_iterations(c, t, x_meas):
    """stopped before the fit has converged"""
    return levenberg_marquardt(_res, jnp.array([3.0, 0.8]), (c, t, x_meas),
                               max_iter=2).cost


def BAD_profile_no_return(c, t, x_meas):
    """the fit made, its loss not returned"""
    fit = levenberg_marquardt(_res, jnp.array([3.0, 0.8]), (c, t, x_meas))
    fit.cost  # noqa: B018


def BAD_profile_forever(c, t, x_meas):
    """a hand-written fit whose loop never stops"""
    def body(p):
        return p - 1e-3 * jax.grad(lambda q: _res(q, c, t, x_meas)
                                   @ _res(q, c, t, x_meas))(p)
    p = lax.while_loop(lambda p: True, body, jnp.array([3.0, 0.8]))
    r = _res(p, c, t, x_meas)
    return r @ r / 2


# ------------------------------------------------------------- fitting-ex2


def _x_final(theta, T, h=0.01, steps=None):
    k, c, x0 = theta
    n = round(T / h) if steps is None else steps
    y0 = jnp.stack([x0, jnp.zeros_like(x0)])
    return rk4_solve(msd_rhs, y0, 0.0, T / n, n,
                                (k, c))[-1]


def _correct_dxT_dk(theta, T):
    k, c, x0 = theta
    n = round(T / 0.01)

    def x_final(k):
        y0 = jnp.stack([x0, jnp.zeros_like(x0)])
        return rk4_solve(msd_rhs, y0, 0.0, T / n, n,
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


def BAD_dx_central_difference(theta, T):
    """a central difference, as the chapter's check: close, not exact"""
    h = 1e-5
    up, down = theta.at[0].add(h), theta.at[0].add(-h)
    return (_x_final(up, T)[0] - _x_final(down, T)[0]) / (2 * h)


def BAD_dx_no_return(theta, T):
    """the derivative computed, not returned"""
    d = _correct_dxT_dk(theta, T)  # noqa: F841


def BAD_dx_fixed_time(theta, T):
    """T = 5.0 from the statement, whatever T is"""
    return _correct_dxT_dk(theta, 5.0)


def BAD_dx_stub(theta, T):
    ...
