"""Attempts at every exercise, for the checker catalogue.

``OK_*``: correct solutions, written differently from the book's.
``BAD_*``: typical wrong answers. ``_correct_*``: a correct function that
some wrong answers are built from (not an attempt). The catalogue
(tests/test_check_catalogue.py) states the verdict and the hint each one
must get. The book's own solutions are not copied here:
tests/test_exercises.py checks their stored outputs.
"""

import functools
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import py4eng_jax
from py4eng_jax import (
    all_correct,
    gd_step,
    loss,
    predict,
)

# ------------------------------------------------------------ autodiff-ex1


def OK_accuracy_count(params, X, Y):
    right = jnp.where(predict(params, X) > 0.5, Y, 1 - Y)
    return right.sum() / Y.shape[0]


def OK_accuracy_float(params, X, Y):
    guess = jnp.round(predict(params, X))
    return jnp.mean(jnp.abs(guess - Y) < 0.5)


def BAD_accuracy_per_example(params, X, Y):
    return (predict(params, X) > 0.5) == Y


def BAD_accuracy_keepdims(params, X, Y):
    return jnp.mean((predict(params, X) > 0.5) == Y, keepdims=True)


def BAD_accuracy_threshold(params, X, Y):
    return jnp.mean((predict(params, X) > 0.9) == Y)


def BAD_accuracy_sum(params, X, Y):
    return jnp.sum((predict(params, X) > 0.5) == Y)


def BAD_accuracy_if(params, X, Y):
    right = jnp.mean((predict(params, X) > 0.5) == Y)
    if right > 0.99:
        return jnp.array(1.0)
    return right


def BAD_accuracy_numpy(params, X, Y):
    return np.mean((np.asarray(predict(params, X)) > 0.5) == np.asarray(Y))


def BAD_accuracy_list(params, X, Y):
    return [float(jnp.mean((predict(params, X) > 0.5) == Y))]


def BAD_accuracy_xor_targets(params, X, Y):
    xor = jnp.array([0.0, 1.0, 1.0, 0.0])
    return jnp.mean((predict(params, X) > 0.5) == xor)


def BAD_accuracy_constant(params, X, Y):
    return jnp.array(0.5)


def BAD_accuracy_transposed(params, X, Y):
    return predict(params, X.T)


# ------------------------------------------------------------ autodiff-ex2


def OK_grad_b2_scalar(params, X, Y):
    return (predict(params, X) - Y).sum() / len(Y)


def OK_grad_b2_chain_rule(params, X, Y):
    yhat = predict(params, X)
    dl_dyhat = -Y / yhat + (1 - Y) / (1 - yhat)
    return jnp.array([jnp.mean(dl_dyhat * yhat * (1 - yhat))])


def BAD_grad_b2_sign(params, X, Y):
    return jnp.mean(Y - predict(params, X), keepdims=True)


def BAD_grad_b2_no_mean(params, X, Y):
    return predict(params, X) - Y


def BAD_grad_b2_sum(params, X, Y):
    return jnp.sum(predict(params, X) - Y, keepdims=True)


def BAD_grad_b2_extra_sigmoid_factor(params, X, Y):
    yhat = predict(params, X)
    return jnp.mean((yhat - Y) * yhat * (1 - yhat), keepdims=True)


def BAD_grad_b2_xor_mean(params, X, Y):
    return jnp.mean(predict(params, X), keepdims=True) - 0.5


def BAD_grad_b2_list(params, X, Y):
    return [float(jnp.mean(predict(params, X) - Y))]


def BAD_grad_b2_w2(params, X, Y):
    return jax.grad(loss)(params, X, Y)[2]


# ------------------------------------------------------------ jit-ex1


def OK_clip_minimum(g, max_norm):
    return g * jnp.minimum(1.0, max_norm / jnp.linalg.norm(g))


def OK_clip_cond(g, max_norm):
    norm = jnp.sqrt(jnp.sum(g * g))
    return lax.cond(norm > max_norm, lambda: g / norm * max_norm, lambda: g)


def BAD_clip_if(g, max_norm):
    norm = jnp.linalg.norm(g)
    if norm > max_norm:
        return g * (max_norm / norm)
    return g


def BAD_clip_always_scales(g, max_norm):
    return g * max_norm / jnp.linalg.norm(g)


def BAD_clip_elementwise(g, max_norm):
    return jnp.clip(g, -max_norm, max_norm)


def BAD_clip_nan_at_zero(g, max_norm):
    norm = jnp.linalg.norm(g)
    return g / norm * jnp.minimum(norm, max_norm)


def BAD_clip_per_row(g, max_norm):
    norm = jnp.linalg.norm(g, axis=-1, keepdims=True)
    return g * jnp.minimum(1.0, max_norm / norm)


def BAD_clip_numpy(g, max_norm):
    norm = np.linalg.norm(g)
    return g * jnp.minimum(1.0, max_norm / norm)


def BAD_clip_squared_norm(g, max_norm):
    return g * jnp.minimum(1.0, max_norm / jnp.sum(g**2))


# ------------------------------------------------------------ jit-ex2


@jax.jit
def _ok_train_step(params, X, Y, lr):
    grads = jax.grad(loss)(params, X, Y)
    new = jax.tree.map(lambda p, g: p - lr * g, params, grads)
    right = jnp.all((predict(params, X) > 0.5) == (Y > 0.5))
    return new, loss(params, X, Y), right


OK_train_step_tree_map = jax.jit(_ok_train_step)


@functools.partial(jax.jit, static_argnames="lr")
def OK_train_step_static_lr(params, X, Y, lr):
    return gd_step(params, X, Y, lr), loss(params, X, Y), \
        all_correct(params, X, Y)


def BAD_train_step_not_jitted(params, X, Y, lr):
    return _ok_train_step(params, X, Y, lr)


@jax.jit
def BAD_train_step_loss_after(params, X, Y, lr):
    new = gd_step(params, X, Y, lr)
    return new, loss(new, X, Y), all_correct(params, X, Y)


@jax.jit
def BAD_train_step_flag_after(params, X, Y, lr):
    new = gd_step(params, X, Y, lr)
    return new, loss(params, X, Y), all_correct(new, X, Y)


@jax.jit
def BAD_train_step_ascent(params, X, Y, lr):
    grads = jax.grad(loss)(params, X, Y)
    new = tuple(p + lr * g for p, g in zip(params, grads))
    return new, loss(params, X, Y), all_correct(params, X, Y)


@jax.jit
def BAD_train_step_ignores_lr(params, X, Y, lr):
    return gd_step(params, X, Y, 1.0), loss(params, X, Y), \
        all_correct(params, X, Y)


@jax.jit
def BAD_train_step_flags(params, X, Y, lr):
    return gd_step(params, X, Y, lr), loss(params, X, Y), \
        (predict(params, X) > 0.5) == Y


@jax.jit
def BAD_train_step_python_bool(params, X, Y, lr):
    return gd_step(params, X, Y, lr), loss(params, X, Y), \
        bool(all_correct(params, X, Y))


@jax.jit
def BAD_train_step_two(params, X, Y, lr):
    return gd_step(params, X, Y, lr), loss(params, X, Y)


# ------------------------------------------------------------ loops-ex1


def OK_running_mean_index(x):
    def step(total, ix):
        i, xi = ix
        total = total + xi
        return total, total / (i + 1)

    return lax.scan(step, jnp.zeros(()), (jnp.arange(x.size), x))[1]


def OK_running_mean_update(x):
    def step(mean, ix):
        i, xi = ix
        mean = mean + (xi - mean) / (i + 1)
        return mean, mean

    return lax.scan(step, 0.0, (jnp.arange(1, x.size + 1) - 1, x))[1]


def BAD_running_mean_carry(x):
    def step(carry, xi):
        total, count = carry
        return (total + xi, count + 1), None

    (total, count), _ = lax.scan(step, (0.0, 0), x)
    return total / count


def BAD_running_mean_divide_by_n(x):
    return jnp.cumsum(x) / x.size


def BAD_running_mean_off_by_one(x):
    def step(carry, xi):
        total, count = carry
        return (total + xi, count + 1), total / jnp.maximum(count, 1)

    return lax.scan(step, (0.0, 0), x)[1]


def BAD_running_mean_python_loop(x):
    means, total = [], 0.0
    for i in range(x.shape[0]):
        total = total + x[i]
        means.append(total / (i + 1))
    return jnp.stack(means)


def BAD_running_mean_numpy(x):
    x = np.asarray(x)
    return np.cumsum(x) / np.arange(1, len(x) + 1)


def BAD_running_mean_list(x):
    return [float(v) for v in jnp.cumsum(x) / jnp.arange(1, x.size + 1)]


def BAD_running_mean_float_total(x):
    means, total = [], 0.0
    for i, xi in enumerate(x):
        total += float(xi)
        means.append(total / (i + 1))
    return jnp.array(means)


# ------------------------------------------------------------ loops-ex2


def _correct_newton(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)

    def keep_going(state):
        x, steps = state
        return (jnp.abs(f(x)) >= tol) & (steps < max_iter)

    def step(state):
        x, steps = state
        return x - f(x) / df(x), steps + 1

    return lax.while_loop(keep_going, step, (x0, 0))


def OK_newton_stop_flag(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)

    def cond(s):
        return jnp.logical_and(s[1] < max_iter, ~(jnp.abs(f(s[0])) < tol))

    def body(s):
        x, n = s
        return x - f(x) / df(x), n + 1

    x, n = jax.lax.while_loop(cond, body, (jnp.asarray(x0, jnp.float32),
                                           jnp.int32(0)))
    return x, n


def OK_newton_value_and_grad(f, x0, tol=1e-6, max_iter=50):
    fdf = jax.value_and_grad(f)

    def body(s):
        x, n = s
        fx, dfx = fdf(x)
        return x - fx / dfx, n + 1

    return lax.while_loop(
        lambda s: (abs(f(s[0])) >= tol) & (s[1] < max_iter), body,
        (jnp.float32(x0), 0))


def BAD_newton_forgets_max_iter(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)
    return lax.while_loop(lambda s: jnp.abs(f(s[0])) >= tol,
                          lambda s: (s[0] - f(s[0]) / df(s[0]), s[1] + 1),
                          (x0, 0))


def BAD_newton_python_while(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)
    x, steps = x0, 0
    while abs(f(x)) >= tol and steps < max_iter:
        x, steps = x - f(x) / df(x), steps + 1
    return x, steps


def BAD_newton_counts_from_one(f, x0, tol=1e-6, max_iter=50):
    x, steps = _correct_newton(f, x0, tol, max_iter)
    return x, steps + 1


def BAD_newton_float_steps(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)
    return lax.while_loop(
        lambda s: (jnp.abs(f(s[0])) >= tol) & (s[1] < max_iter),
        lambda s: (s[0] - f(s[0]) / df(s[0]), s[1] + 1.0), (x0, 0.0))


def BAD_newton_root_only(f, x0, tol=1e-6, max_iter=50):
    return _correct_newton(f, x0, tol, max_iter)[0]


def BAD_newton_fori(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)

    def body(i, s):
        x, steps = s
        go = jnp.abs(f(x)) >= tol
        return jnp.where(go, x - f(x) / df(x), x), steps + go

    return lax.fori_loop(0, max_iter, body, (jnp.float32(x0), 0))


def BAD_newton_le_max_iter(f, x0, tol=1e-6, max_iter=50):
    df = jax.grad(f)
    return lax.while_loop(
        lambda s: (jnp.abs(f(s[0])) >= tol) & (s[1] <= max_iter),
        lambda s: (s[0] - f(s[0]) / df(s[0]), s[1] + 1), (x0, 0))


def BAD_newton_python_forever(f, x0, tol=1e-6, max_iter=50):
    steps = 0
    while steps < max_iter:
        pass   # forgot to count
    return x0, steps


# ------------------------------------------------------------ benchmarking-ex1


def _correct_honest_times(f, x, repeat):
    jax.block_until_ready(f(x))            # warm-up: compiles, untimed
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(f(x))        # wait for the result
        times.append(time.perf_counter() - start)
    return times


def OK_honest_times_method(f, x, repeat):
    f(x).block_until_ready()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f(x).block_until_ready()
        times.append(time.perf_counter() - t0)
    return np.array(times)


def OK_honest_times_jax_array(f, x, repeat):
    jax.block_until_ready(f(x))
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        jax.block_until_ready(f(x))
        times.append(time.perf_counter() - t0)
    return jnp.array(times)


def BAD_honest_times_broken(f, x, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_no_block(f, x, repeat):
    f(x)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_no_warmup(f, x, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(f(x))
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_warmup_kept(f, x, repeat):
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        jax.block_until_ready(f(x))
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_ms(f, x, repeat):
    return [1000 * t for t in _correct_honest_times(f, x, repeat)]


def BAD_honest_times_total(f, x, repeat):
    return sum(_correct_honest_times(f, x, repeat))


def BAD_honest_times_twice(f, x, repeat):
    jax.block_until_ready(f(x))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(f(x))
        jax.block_until_ready(f(x))
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_strings(f, x, repeat):
    return [f"{t:.3f} s" for t in _correct_honest_times(f, x, repeat)]


# ------------------------------------------------------------ benchmarking-ex2


def OK_escape_count_complex(cr, ci, max_iter):
    c = lax.complex(cr, ci)

    def cond(s):
        z, n, out = s
        return ~out & (n < max_iter)

    def body(s):
        z, n, _ = s
        z = z * z + c
        out = jnp.abs(z) > 2
        return z, n + jnp.where(out, 0, 1), out

    return lax.while_loop(cond, body, (jnp.complex64(0), 0, False))[1]


def OK_escape_count_peek(cr, ci, max_iter):
    def nxt(zr, zi):
        return zr * zr - zi * zi + cr, 2 * zr * zi + ci

    def cond(s):
        zr, zi, n = s
        zr, zi = nxt(zr, zi)
        return (zr * zr + zi * zi <= 4) & (n < max_iter)

    def body(s):
        zr, zi, n = s
        return (*nxt(zr, zi), n + 1)

    z0 = jnp.float32(0)
    return lax.while_loop(cond, body, (z0, z0, jnp.int32(0)))[2]


def BAD_escape_count_forgets_max_iter(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3], step, (zero, zero, 0, True))[2]


def BAD_escape_count_off_by_one(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        return zr, zi, count + 1, zr * zr + zi * zi <= 4

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                          (zero, zero, 0, True))[2]


def BAD_escape_count_fori(cr, ci, max_iter):
    def step(i, state):
        zr, zi, count = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi <= 4
        return jnp.where(inside, zr, 9.0), jnp.where(inside, zi, 9.0), \
            count + inside

    zero = jnp.zeros_like(cr)
    return lax.fori_loop(0, max_iter, step, (zero, zero, 0))[2]


def BAD_escape_count_python_while(cr, ci, max_iter):
    zr = zi = 0.0
    count = 0
    while count < max_iter:
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        if zr * zr + zi * zi > 4:
            break
        count += 1
    return jnp.asarray(count)


def BAD_escape_count_float(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1.0, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                          (zero, zero, 0.0, True))[2]


def BAD_escape_count_strict(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi < 4
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                          (zero, zero, 0, True))[2]


def BAD_escape_count_state(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                          (zero, zero, 0, True))


def BAD_escape_count_numpy(cr, ci, max_iter):
    def step(state):
        zr, zi, count, _ = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        inside = np.hypot(zr, zi) <= 2
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    return lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                          (zero, zero, 0, True))[2]


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
