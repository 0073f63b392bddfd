"""Attempts at every exercise, for the checker catalogue.

``OK_*``: correct solutions, written differently from the book's.
``BAD_*``: typical wrong answers. ``_correct_*``: a correct function that
some wrong answers are built from (not an attempt). The catalogue
(tests/test_check_catalogue.py) states the verdict and the hint each one
must get. The book's own solutions are not copied here:
tests/test_exercises.py checks their stored outputs.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

import py4eng_jax
from py4eng_jax import (
    hamming,
    hamming_to_rows,
    loss,
    predict,
)

# ------------------------------------------------------ numpy-differences-ex1


def OK_tribonacci_scan(n):
    def step(last3, _):
        a, b, c = last3
        return (b, c, a + b + c), a

    return lax.scan(step, (0.0, 0.0, 1.0), None, length=n)[1]


def OK_tribonacci_while(n):
    def body(state):
        i, t = state
        return i + 1, t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3])

    t = jnp.zeros(n, jnp.float32).at[2].set(1)
    return lax.while_loop(lambda s: s[0] < n, body, (3, t))[1]


def BAD_tribonacci_python_loop(n):
    t = jnp.zeros(n).at[2].set(1.0)
    for i in range(3, n):
        t = t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3])
    return t


def BAD_tribonacci_pure_python(n):
    terms = [0.0, 0.0, 1.0]
    while len(terms) < n:
        terms.append(terms[-1] + terms[-2] + terms[-3])
    return jnp.array(terms[:n])


def BAD_tribonacci_numpy(n):
    t = np.zeros(n, np.float32)
    t[2] = 1
    for i in range(3, n):
        t[i] = t[i - 1] + t[i - 2] + t[i - 3]
    return t


def BAD_tribonacci_list(n):
    terms = [0.0, 0.0, 1.0]
    while len(terms) < n:
        terms.append(sum(terms[-3:]))
    return terms[:n]


def BAD_tribonacci_wrong_start(n):
    t = jnp.zeros(n).at[1].set(1.0).at[2].set(1.0)
    return lax.fori_loop(
        3, n, lambda i, t: t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3]), t)


def BAD_tribonacci_from_two(n):
    t = jnp.zeros(n).at[2].set(1.0)
    return lax.fori_loop(
        2, n, lambda i, t: t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3]), t)


def BAD_tribonacci_ints(n):
    t = jnp.zeros(n, jnp.int32).at[2].set(1)
    return lax.fori_loop(
        3, n, lambda i, t: t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3]), t)


def BAD_tribonacci_float16(n):
    t = jnp.zeros(n, jnp.float16).at[2].set(1)
    return lax.fori_loop(
        3, n, lambda i, t: t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3]), t)


_TRIBONACCI_TABLE = jnp.array(
    [0, 0, 1, 1, 2, 4, 7, 13, 24, 44, 81, 149, 274, 504, 927, 1705, 3136,
     5768, 10609, 19513, 35890, 66012, 121415, 223317], jnp.float32)


def BAD_tribonacci_lookup_table(n):
    return _TRIBONACCI_TABLE[:n]


def BAD_tribonacci_endless_while(n):
    t = jnp.zeros(n).at[2].set(1.0)

    def body(s):   # forgets i + 1
        i, t = s
        return i, t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3])

    return lax.while_loop(lambda s: s[0] < n, body, (3, t))[1]


def BAD_tribonacci_right_then_endless(n):
    # the right terms, then a while_loop that never ends around them: the
    # checker's cap stops it holding the right value, and must still fail
    def step(i, t):
        return t.at[i].set(t[i - 1] + t[i - 2] + t[i - 3])

    t = lax.fori_loop(3, n, step, jnp.zeros(n, jnp.float32).at[2].set(1.0))
    return lax.while_loop(lambda s: s[0] >= 0, lambda s: (s[0] + 1, s[1]),
                          (0, t))[1]


# ------------------------------------------------------ numpy-differences-ex2


def OK_huber_clip(x):
    a = jnp.clip(jnp.abs(x), 0.0, 1.0)
    return a * (jnp.abs(x) - 0.5 * a)


def OK_huber_piecewise(x):
    x = jnp.asarray(x)
    return jnp.piecewise(x, [jnp.abs(x) <= 1],
                         [lambda v: v * v / 2, lambda v: jnp.abs(v) - 0.5])


def BAD_huber_if(x):
    if jnp.abs(x) <= 1:
        return 0.5 * x**2
    return jnp.abs(x) - 0.5


def BAD_huber_cond(x):
    return lax.cond(jnp.abs(x) <= 1, lambda: 0.5 * x**2,
                    lambda: jnp.abs(x) - 0.5)


def BAD_huber_no_abs(x):
    return jnp.where(x <= 1, 0.5 * x**2, jnp.abs(x) - 0.5)


def BAD_huber_slope(x):
    return jnp.where(jnp.abs(x) <= 1, 0.5 * x**2, jnp.abs(x) - 1)


def BAD_huber_numpy(x):
    return np.where(np.abs(x) <= 1, 0.5 * x**2, np.abs(x) - 0.5)


def BAD_huber_maximum(x):
    return jnp.maximum(0.5 * x**2, jnp.abs(x) - 0.5)


def BAD_huber_no_half(x):
    return jnp.where(jnp.abs(x) <= 1, x**2, jnp.abs(x) - 0.5)


# ------------------------------------------------------ numpy-differences-ex3


def _correct_random_walk(key, steps):
    moves = jnp.stack([jax.random.normal(jax.random.fold_in(key, i))
                       for i in range(steps)])
    return jnp.cumsum(moves)


def OK_random_walk_vmap(key, steps):
    moves = jax.vmap(lambda i: jax.random.normal(jax.random.fold_in(key, i))
                     )(jnp.arange(steps))
    return jnp.cumsum(moves)


def OK_random_walk_scan(key, steps):
    def step(pos, i):
        pos = pos + jax.random.normal(jax.random.fold_in(key, i))
        return pos, pos

    return lax.scan(step, 0.0, jnp.arange(steps))[1]


def BAD_random_walk_same_key(key, steps):
    return jnp.cumsum(jnp.stack([jax.random.normal(key)
                                 for _ in range(steps)]))


def OK_random_walk_split(key, steps):
    keys = jax.random.split(key, steps)
    return jnp.cumsum(jax.vmap(jax.random.normal)(keys))


def BAD_random_walk_off_by_one(key, steps):
    return jnp.cumsum(jnp.stack([jax.random.normal(jax.random.fold_in(key, i))
                                 for i in range(1, steps + 1)]))


def BAD_random_walk_moves(key, steps):
    return jnp.stack([jax.random.normal(jax.random.fold_in(key, i))
                      for i in range(steps)])


def BAD_random_walk_one_draw(key, steps):
    return jnp.cumsum(jax.random.normal(key, (steps,)))


def BAD_random_walk_with_start(key, steps):
    return jnp.concatenate([jnp.zeros(1), _correct_random_walk(key, steps)])


def BAD_random_walk_list(key, steps):
    return [float(v) for v in _correct_random_walk(key, steps)]


def BAD_random_walk_numpy(key, steps):
    return np.cumsum(np.random.default_rng(0).standard_normal(steps))


# ------------------------------------------------------------ static-args-ex1


@jax.jit(static_argnames="window")
@functools.partial(jax.jit, static_argnums=1)
def OK_moving_average_cumsum(x, window):
    c = jnp.cumsum(jnp.concatenate([jnp.zeros(1), x]))
    return (c[window:] - c[:-window]) / window


@jax.jit(static_argnames=("window",))
def OK_moving_average_windows(x, window):
    n = x.shape[0] - window + 1
    idx = jnp.arange(n)[:, None] + jnp.arange(window)[None, :]
    return x[idx].mean(axis=1)


def BAD_moving_average_not_jitted(x, window):
    return jnp.convolve(x, jnp.ones(window) / window, mode="valid")


@jax.jit
def BAD_moving_average_traced(x, window):
    return jnp.convolve(x, jnp.ones(window) / window, mode="valid")


@jax.jit(static_argnames=("x", "window"))
def BAD_moving_average_all_static(x, window):
    return jnp.convolve(x, jnp.ones(window) / window, mode="valid")


@jax.jit(static_argnames="window")
def BAD_moving_average_numpy(x, window):
    return np.convolve(x, np.ones(window) / window, mode="valid")


@jax.jit(static_argnames="window")
def BAD_moving_average_same(x, window):
    return jnp.convolve(x, jnp.ones(window) / window, mode="same")


@jax.jit(static_argnames="window")
def BAD_moving_average_off_by_one(x, window):
    return jnp.convolve(x, jnp.ones(window) / (window + 1), mode="valid")


@jax.jit(static_argnames="window")
def BAD_moving_average_sum(x, window):
    return jnp.convolve(x, jnp.ones(window), mode="valid")


# ------------------------------------------------------------ static-args-ex2


def _correct_padded_fibonacci(n, size):
    a = jnp.zeros(size).at[0].set(1.0).at[1].set(2.0)

    def step(i, a):
        return a.at[i].set(a[i - 1] + a[i - 2])

    a = lax.fori_loop(2, size, step, a)
    return jnp.where(jnp.arange(size) < n, a, 0.0)


def OK_padded_fibonacci_scan(n, size):
    def step(ab, i):
        a, b = ab
        return (b, a + b), jnp.where(i < n, b, 0.0)

    return lax.scan(step, (1.0, 1.0), jnp.arange(size))[1]


def OK_padded_fibonacci_traced_loop(n, size):
    a = jnp.zeros(size).at[0].set(1.0).at[1].set(2.0)
    a = lax.fori_loop(2, jnp.maximum(n, 2),
                      lambda i, a: a.at[i].set(a[i - 1] + a[i - 2]), a)
    return a * (jnp.arange(size) < n)


def BAD_padded_fibonacci_range_n(n, size):
    a = jnp.zeros(size)
    x, y = 1.0, 2.0
    for i in range(n):
        a = a.at[i].set(x)
        x, y = y, x + y
    return a


def BAD_padded_fibonacci_shape_n(n, size):
    return _correct_padded_fibonacci(n, size)[:n]


def BAD_padded_fibonacci_one_one(n, size):
    a = jnp.ones(size)
    a = lax.fori_loop(2, size, lambda i, a: a.at[i].set(a[i - 1] + a[i - 2]),
                      a)
    return jnp.where(jnp.arange(size) < n, a, 0.0)


def BAD_padded_fibonacci_le(n, size):
    a = _correct_padded_fibonacci(size, size)
    return jnp.where(jnp.arange(size) <= n, a, 0.0)


def BAD_padded_fibonacci_slice_set(n, size):
    return _correct_padded_fibonacci(size, size).at[n:].set(0.0)


def BAD_padded_fibonacci_if(n, size):
    a = _correct_padded_fibonacci(size, size)
    return jnp.stack([a[i] if i < n else 0.0 for i in range(size)])


@jax.jit(static_argnames=("n", "size"))
def BAD_padded_fibonacci_n_static(n, size):
    return _correct_padded_fibonacci(n, size)


def BAD_padded_fibonacci_list(n, size):
    return [float(v) for v in _correct_padded_fibonacci(n, size)]


# ------------------------------------------------------------ vmap-ex1


def OK_nearest_rows_broadcast(Q, Y):
    d = (Q[:, None, :] != Y[None, :, :]).sum(axis=-1)
    return d.argmin(axis=1)


def OK_nearest_rows_double_vmap(Q, Y):
    to_rows = jax.vmap(hamming, in_axes=(None, 0))
    d = jax.vmap(to_rows, in_axes=(0, None))(Q, Y)
    return jnp.argmin(d, axis=-1)


def _distances(Q, Y):
    return jax.vmap(lambda q: hamming_to_rows(q, Y))(Q)


def BAD_nearest_rows_distances(Q, Y):
    return _distances(Q, Y)


def BAD_nearest_rows_argmax(Q, Y):
    return _distances(Q, Y).argmax(axis=1)


def BAD_nearest_rows_axis0(Q, Y):
    return _distances(Q, Y).argmin(axis=0)


def BAD_nearest_rows_python_loop(Q, Y):
    return jnp.stack([jnp.argmin(hamming_to_rows(q, Y)) for q in Q])


def BAD_nearest_rows_lax_map(Q, Y):
    return lax.map(lambda q: jnp.argmin(hamming_to_rows(q, Y)), Q)


def BAD_nearest_rows_fori(Q, Y):
    def body(i, out):
        return out.at[i].set(jnp.argmin(hamming_to_rows(Q[i], Y)))

    return lax.fori_loop(0, Q.shape[0], body,
                         jnp.zeros(Q.shape[0], jnp.int32))


def BAD_nearest_rows_last_tie(Q, Y):
    d = _distances(Q, Y)[:, ::-1]
    return Y.shape[0] - 1 - d.argmin(axis=1)


def BAD_nearest_rows_numpy(Q, Y):
    return jax.vmap(lambda q: np.argmin(np.asarray(hamming_to_rows(q, Y))))(Q)


def BAD_nearest_rows_in_axes(Q, Y):
    return jax.vmap(lambda q, Y: jnp.argmin(hamming_to_rows(q, Y)))(Q, Y)


def BAD_nearest_rows_similarity(Q, Y):
    return (Q[:, None, :] == Y[None]).sum(-1).argmin(axis=1)


# ------------------------------------------------------------ vmap-ex2


def _correct_ensemble_losses(stacked, X, Y):
    return jax.vmap(loss, in_axes=(0, None, None))(stacked, X, Y)


def OK_ensemble_losses_closure(stacked, X, Y):
    return jax.vmap(lambda p: loss(p, X, Y))(stacked)


def OK_ensemble_losses_einsum(stacked, X, Y):
    w1, b1, w2, b2 = stacked
    z = jnp.tanh(jnp.einsum("nd,kdh->knh", X, w1) + b1[:, None, :])
    p = 1 / (1 + jnp.exp(-(jnp.einsum("knh,kh->kn", z, w2) + b2)))
    return -(Y * jnp.log(p + 1e-10)
             + (1 - Y) * jnp.log(1 - p + 1e-10)).mean(axis=1)


def BAD_ensemble_losses_mean(stacked, X, Y):
    return _correct_ensemble_losses(stacked, X, Y).mean()


def BAD_ensemble_losses_all_mapped(stacked, X, Y):
    return jax.vmap(loss)(stacked, X, Y)


def BAD_ensemble_losses_python_loop(stacked, X, Y):
    k = stacked[0].shape[0]
    return jnp.stack([loss(tuple(p[i] for p in stacked), X, Y)
                      for i in range(k)])


def BAD_ensemble_losses_lax_map(stacked, X, Y):
    return lax.map(lambda p: loss(p, X, Y), stacked)


def BAD_ensemble_losses_first_set(stacked, X, Y):
    return loss(tuple(p[0] for p in stacked), X, Y)


def BAD_ensemble_losses_axis1(stacked, X, Y):
    return jax.vmap(loss, in_axes=(1, None, None))(stacked, X, Y)


def BAD_ensemble_losses_numpy(stacked, X, Y):
    def one(p):
        yhat = predict(p, X)
        return -np.mean(Y * np.log(yhat) + (1 - Y) * np.log(1 - yhat))

    return jax.vmap(one)(stacked)


def BAD_ensemble_losses_too_few_axes(stacked, X, Y):
    return jax.vmap(loss, in_axes=(0, None))(stacked, X, Y)


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
