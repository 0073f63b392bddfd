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


def BAD_profile_mean(c, t, x_meas):
    """half the mean of the squared residuals, not half their sum"""
    fit = levenberg_marquardt(_res, jnp.array([3.0, 0.8]), (c, t, x_meas))
    return jnp.mean(fit.residual ** 2) / 2


def _res_every_step(p, c, t, x_meas):
    y0 = jnp.stack([p[1], jnp.zeros_like(p[1])])
    ys = rk4_solve(msd_rhs, y0, 0.0, (t[1] - t[0]) / 10,
                   10 * (len(t) - 1), (p[0], c))     # every=10 forgotten
    return ys[:, 0] - x_meas


def BAD_profile_every_step(c, t, x_meas):
    """every=10 left out: one position per RK4 step"""
    return levenberg_marquardt(_res_every_step, jnp.array([3.0, 0.8]),
                               (c, t, x_meas)).cost


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


def BAD_profile_typed_step(c, t, x_meas):
    """the chapter's step, 0.01 s, typed in; the count taken from t"""
    def residuals(p, c, t, x_meas):
        y0 = jnp.stack([p[1], jnp.zeros_like(p[1])])
        return rk4_solve(msd_rhs, y0, 0.0, 0.01, 10 * (len(t) - 1),
                         (p[0], c), every=10)[:, 0] - x_meas

    return levenberg_marquardt(residuals, jnp.array([3.0, 0.8]),
                               (c, t, x_meas)).cost


def BAD_profile_float32(c, t, x_meas):
    """the data cast to float32, "for speed"."""
    t32, x32 = t.astype(jnp.float32), x_meas.astype(jnp.float32)
    return levenberg_marquardt(_res, jnp.array([3.0, 0.8], jnp.float32),
                               (jnp.float32(c), t32, x32)).cost


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


def _res_v0(theta, v0, t, x_meas):
    y0 = jnp.stack([theta[2], v0])
    ys = rk4_solve(msd_rhs, y0, 0.0, (t[1] - t[0]) / 10,
                   10 * (len(t) - 1), (theta[0], theta[1]), every=10)
    return ys[:, 0] - x_meas


def _start(t):
    """the chapter's theta_guess, in t's dtype"""
    return jnp.array([3.0, 1.0, 0.8], t.dtype)


def _loss_v0(theta, v0, t, x_meas):
    r = _res_v0(theta, v0, t, x_meas)
    return r @ r / 2


def _fit_v0(t, x_meas, v0=0.0):
    return levenberg_marquardt(_res_v0, _start(t),
                               (jnp.asarray(v0, t.dtype), t, x_meas))


def _implicit(theta, t, x_meas):
    """-H^-1 d(grad)/d v0, all three parameters"""
    v0 = jnp.zeros((), t.dtype)
    H = jax.hessian(_loss_v0)(theta, v0, t, x_meas)
    mixed = jax.jacfwd(jax.grad(_loss_v0), argnums=1)(theta, v0, t, x_meas)
    return -jnp.linalg.solve(H, mixed)


def BOOK_dc(t, x_meas):
    return _implicit(_fit_v0(t, x_meas).params, t, x_meas)[1]


def OK_dc_custom_root(t, x_meas):
    """lax.custom_root around the fit, then jax.grad in reverse mode"""
    def fitted_c(v0):
        grad_loss = lambda th: jax.grad(_loss_v0)(th, v0, t, x_meas)  # noqa: E731

        def solve(_, start):
            return levenberg_marquardt(_res_v0, start,
                                       (v0, t, x_meas)).params

        def tangent_solve(g, y):
            return jnp.linalg.solve(jax.jacfwd(g)(y), y)

        return lax.custom_root(grad_loss, _start(t), solve, tangent_solve)[1]

    return jax.grad(fitted_c)(jnp.zeros((), t.dtype))


def OK_dc_gauss_newton(t, x_meas):
    """Gauss-Newton: -(J^T J)^-1 J^T dr/dv0, the residual terms left out"""
    fit = _fit_v0(t, x_meas)
    dr = jax.jacfwd(_res_v0, argnums=1)(fit.params, jnp.zeros((), t.dtype),
                                         t, x_meas)
    return -jnp.linalg.solve(fit.jac.T @ fit.jac, fit.jac.T @ dr)[1]


def OK_dc_refits(t, x_meas):
    """a central difference of two refits"""
    h = 1e-4
    return (_fit_v0(t, x_meas, h).params[1]
            - _fit_v0(t, x_meas, -h).params[1]) / (2 * h)


def OK_dc_forward_through_loop(t, x_meas):
    """forward mode through the while_loop of the fit"""
    return jax.jacfwd(lambda v0: _fit_v0(t, x_meas, v0).params[1])(
        jnp.zeros((), t.dtype))


def BAD_dc_stub(t, x_meas):
    raise NotImplementedError


def BAD_dc_sign(t, x_meas):
    """+H^-1 (d grad / d v0): the minus sign lost"""
    return -BOOK_dc(t, x_meas)


def BAD_dc_stiffness(t, x_meas):
    """theta[0], the stiffness"""
    return _implicit(_fit_v0(t, x_meas).params, t, x_meas)[0]


def BAD_dc_all_three(t, x_meas):
    return _implicit(_fit_v0(t, x_meas).params, t, x_meas)


def BAD_dc_at_guess(t, x_meas):
    """the implicit formula at the starting guess: never fitted"""
    return _implicit(_start(t), t, x_meas)[1]


def BAD_dc_loss_derivative(t, x_meas):
    """d(loss at the fit)/d v0 instead of d(fitted c)/d v0"""
    fit = _fit_v0(t, x_meas)
    return jax.grad(_loss_v0, argnums=1)(fit.params, jnp.zeros((), t.dtype),
                                         t, x_meas)


def _res_rest(theta, v0, t, x_meas):
    """v0 accepted, never used: released from rest whatever v0"""
    return _res_v0(theta, 0.0 * t[0], t, x_meas)


def BAD_dc_v0_ignored(t, x_meas):
    """v0 an argument of the residuals, but never used"""
    fit = levenberg_marquardt(_res_rest, _start(t),
                              (jnp.zeros((), t.dtype), t, x_meas))
    return jax.jacfwd(lambda v0: levenberg_marquardt(
        _res_rest, fit.params, (v0, t, x_meas)).params[1])(
        jnp.zeros((), t.dtype))


def _res_chapter_steps(theta, v0, t, x_meas):
    y0 = jnp.stack([theta[2], v0])
    ys = rk4_solve(msd_rhs, y0, 0.0, 0.01, 1000, (theta[0], theta[1]),
                   every=10)
    return ys[:, 0] - x_meas


def _dc_with(residuals, t, x_meas):
    """the book's implicit derivative, for other residuals"""
    v0 = jnp.zeros((), t.dtype)
    theta = levenberg_marquardt(residuals, _start(t),
                                (v0, t, x_meas)).params

    def loss(th, v):
        r = residuals(th, v, t, x_meas)
        return r @ r / 2
    H = jax.hessian(loss)(theta, v0)
    mixed = jax.jacfwd(jax.grad(loss), argnums=1)(theta, v0)
    return -jnp.linalg.solve(H, mixed)[1]


def BAD_dc_chapter_steps(t, x_meas):
    """the chapter's 0.01 s and 1000 steps typed in: t ignored"""
    return _dc_with(_res_chapter_steps, t, x_meas)


def _res_typed_step(theta, v0, t, x_meas):
    y0 = jnp.stack([theta[2], v0])
    ys = rk4_solve(msd_rhs, y0, 0.0, 0.01, 10 * (len(t) - 1),
                   (theta[0], theta[1]), every=10)
    return ys[:, 0] - x_meas


def typed_step_dc(t, x_meas):
    """the chapter's step, 0.01 s, typed in; the count taken from t (not
    in the catalogue: its value is right, see test_check_fitting)"""
    return _dc_with(_res_typed_step, t, x_meas)


def BAD_dc_typed_answer(t, x_meas):
    """the chapter's value, computed once and typed in"""
    return jnp.asarray(-0.0756138, t.dtype)


def BAD_dc_grad_through_fit(t, x_meas):
    """jax.grad (reverse mode) straight through the while_loop"""
    return jax.grad(lambda v0: _fit_v0(t, x_meas, v0).params[1])(
        jnp.zeros((), t.dtype))


def BAD_dc_no_return(t, x_meas):
    d = BOOK_dc(t, x_meas)  # noqa: F841


def BAD_dc_forever(t, x_meas):
    """a hand-written Newton loop whose test never turns false"""
    return lax.while_loop(lambda th: jnp.linalg.norm(th) >= 0.0,
                          lambda th: th - 0.0 * th, _start(t))[1]


def BAD_dc_float_v0(t, x_meas):
    """float() on a traced value inside the residuals"""
    def res(theta, v0, t, x_meas):
        y0 = jnp.stack([theta[2], jnp.asarray(float(v0))])
        ys = rk4_solve(msd_rhs, y0, 0.0, (t[1] - t[0]) / 10,
                       10 * (len(t) - 1), (theta[0], theta[1]), every=10)
        return ys[:, 0] - x_meas
    return jax.jacfwd(lambda v0: levenberg_marquardt(
        res, _start(t), (v0, t, x_meas)).params[1])(jnp.zeros((), t.dtype))


def BAD_dc_python_forever(t, x_meas):
    """a Python loop stepping v0 until it lands on an exact value"""
    v0, steps = 0.0, 0
    while v0 != 1.0:             # 0.1 added up never lands on 1 exactly
        v0 += 0.1
        steps += 1
    return BOOK_dc(t, x_meas)
