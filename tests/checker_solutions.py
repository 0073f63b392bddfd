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

from py4eng_jax import (
    all_correct,
    gd_step,
    hamming,
    hamming_to_rows,
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


# ------------------------------------------------------------ debugging-ex1


def OK_safe_norm_sum(x):
    s = jnp.sum(x * x)
    safe = jnp.where(s > 0, s, 1.0)
    return jnp.where(s > 0, jnp.sqrt(safe), 0.0)


@jax.custom_jvp
def OK_safe_norm_custom(x):
    return jnp.linalg.norm(x)


@OK_safe_norm_custom.defjvp
def _safe_norm_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    n = jnp.linalg.norm(x)
    safe = jnp.where(n > 0, n, 1.0)
    return n, jnp.where(n > 0, jnp.dot(x, t) / safe, 0.0)


def BAD_safe_norm_plain(x):
    return jnp.sqrt(jnp.sum(x**2))


def BAD_safe_norm_single_where(x):
    n = jnp.linalg.norm(x)
    return jnp.where(jnp.all(x == 0), 0.0, n)


def BAD_safe_norm_entrywise(x):
    is_zero = x == 0
    safe_x = jnp.where(is_zero, 1.0, x)
    return jnp.where(jnp.all(is_zero), 0.0, jnp.linalg.norm(safe_x))


def BAD_safe_norm_eps(x):
    return jnp.sqrt(jnp.sum(x**2) + 1e-6)


def BAD_safe_norm_per_entry(x):
    return jnp.where(x == 0, 0.0, jnp.abs(x))


def BAD_safe_norm_maximum(x):
    return jnp.maximum(jnp.linalg.norm(x), 0.0)


def BAD_safe_norm_if(x):
    if jnp.all(x == 0):
        return jnp.float32(0.0)
    return jnp.linalg.norm(x)


def BAD_safe_norm_shift(x):
    return jnp.linalg.norm(x + 1e-3)


# ------------------------------------------------------------ debugging-ex2


def OK_mean_of_first_cumsum(x, n):
    return jnp.cumsum(x)[n - 1] / n


def OK_mean_of_first_mask(x, n):
    mask = (jnp.arange(x.shape[0]) < n).astype(x.dtype)
    return jnp.sum(x * mask) / jnp.sum(mask)


def BAD_mean_of_first_positions(x, n):
    return (n + 1) / 2


def BAD_mean_of_first_slice(x, n):
    return x[:n].mean()


def BAD_mean_of_first_divide_by_size(x, n):
    return jnp.sum(jnp.where(jnp.arange(x.size) < n, x, 0.0)) / x.size


def BAD_mean_of_first_le(x, n):
    return jnp.mean(x, where=jnp.arange(x.size) <= n)


def BAD_mean_of_first_dynamic_slice(x, n):
    return lax.dynamic_slice(x, (0,), (n,)).mean()


@functools.partial(jax.jit, static_argnums=1)
def BAD_mean_of_first_static(x, n):
    return x[:n].mean()


def BAD_mean_of_first_range(x, n):
    return sum(x[i] for i in range(n)) / n


def BAD_mean_of_first_arange_x(x, n):
    return jnp.mean(jnp.arange(1.0, 9.0), where=jnp.arange(8) < n)


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


# ------------------------------------------------------------ pytrees-ex1


def _correct_global_norm(tree):
    return jnp.sqrt(sum(jnp.sum(leaf**2) for leaf in jax.tree.leaves(tree)))


def OK_global_norm_ravel(tree):
    flat = jnp.concatenate([jnp.ravel(x) for x in jax.tree.leaves(tree)])
    return jnp.linalg.norm(flat)


def OK_global_norm_tree_map(tree):
    squares = jax.tree.map(lambda x: jnp.vdot(x, x), tree)
    return jnp.sqrt(jax.tree.reduce(jnp.add, squares))


def BAD_global_norm_squared(tree):
    return sum(jnp.sum(x**2) for x in jax.tree.leaves(tree))


def BAD_global_norm_sum_of_norms(tree):
    return sum(jnp.linalg.norm(jnp.ravel(x)) for x in jax.tree.leaves(tree))


def BAD_global_norm_loop_container(tree):
    return jnp.sqrt(sum(jnp.sum(x**2) for x in tree))


def BAD_global_norm_concatenate(tree):
    return jnp.linalg.norm(jnp.concatenate(jax.tree.leaves(tree)))


def BAD_global_norm_per_leaf(tree):
    return jnp.stack([jnp.linalg.norm(jnp.ravel(x))
                      for x in jax.tree.leaves(tree)])


def BAD_global_norm_math_sqrt(tree):
    import math
    return math.sqrt(sum(jnp.sum(x**2) for x in jax.tree.leaves(tree)))


def BAD_global_norm_tree(tree):
    return jax.tree.map(lambda x: jnp.sqrt(jnp.sum(x**2)), tree)


def BAD_global_norm_l1(tree):
    return sum(jnp.sum(jnp.abs(x)) for x in jax.tree.leaves(tree))


# ------------------------------------------------------------ pytrees-ex2


def OK_clip_by_global_norm_maximum(tree, max_norm):
    norm = OK_global_norm_ravel(tree)
    return jax.tree.map(lambda x: x * max_norm / jnp.maximum(norm, max_norm),
                        tree)


def OK_clip_by_global_norm_unflatten(tree, max_norm):
    leaves, treedef = jax.tree.flatten(tree)
    norm = jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))
    scale = jnp.where(norm > max_norm, max_norm / jnp.where(norm > 0, norm,
                                                            1.0), 1.0)
    return jax.tree.unflatten(treedef, [x * scale for x in leaves])


def BAD_clip_by_global_norm_per_leaf(tree, max_norm):
    return jax.tree.map(
        lambda x: x * jnp.minimum(1.0, max_norm / jnp.linalg.norm(x)), tree)


def BAD_clip_by_global_norm_stretch(tree, max_norm):
    norm = _correct_global_norm(tree)
    return jax.tree.map(lambda x: x * max_norm / norm, tree)


def BAD_clip_by_global_norm_nan(tree, max_norm):
    norm = _correct_global_norm(tree)
    return jax.tree.map(lambda x: x / norm * jnp.minimum(norm, max_norm),
                        tree)


def BAD_clip_by_global_norm_leaves(tree, max_norm):
    scale = jnp.minimum(1.0, max_norm / _correct_global_norm(tree))
    return [x * scale for x in jax.tree.leaves(tree)]


def BAD_clip_by_global_norm_if(tree, max_norm):
    norm = _correct_global_norm(tree)
    if norm > max_norm:
        return jax.tree.map(lambda x: x * max_norm / norm, tree)
    return tree


def BAD_clip_by_global_norm_elementwise(tree, max_norm):
    return jax.tree.map(lambda x: jnp.clip(x, -max_norm, max_norm), tree)


def BAD_clip_by_global_norm_inverted(tree, max_norm):
    scale = jnp.minimum(1.0, _correct_global_norm(tree) / max_norm)
    return jax.tree.map(lambda x: x * scale, tree)


# ------------------------------------------------------------ pytrees-ex3
# Each attempt builds its own class: a class can be registered only once.


def OK_dense_dataclass():
    import dataclasses

    @functools.partial(jax.tree_util.register_dataclass,
                       data_fields=["w", "b"], meta_fields=["activation"])
    @dataclasses.dataclass
    class Dense:
        w: jax.Array
        b: jax.Array
        activation: str = "tanh"

    return Dense


def OK_dense_class_decorator():
    @jax.tree_util.register_pytree_node_class
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

        def tree_flatten(self):
            return [self.w, self.b], self.activation

        @classmethod
        def tree_unflatten(cls, activation, children):
            w, b = children
            return cls(w, b, activation)

    return Dense


def _dense(flatten, unflatten):
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(Dense, flatten,
                                       lambda aux, ch: unflatten(Dense, aux,
                                                                 ch))
    return Dense


def BAD_dense_unregistered():
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    return Dense


def BAD_dense_activation_leaf():
    return _dense(lambda d: ((d.w, d.b, d.activation), None),
                  lambda cls, aux, ch: cls(*ch))


def BAD_dense_order():
    return _dense(lambda d: ((d.b, d.w), d.activation),
                  lambda cls, aux, ch: cls(ch[1], ch[0], aux))


def BAD_dense_loses_activation():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(*ch))


def BAD_dense_swapped_unflatten():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(ch[1], ch[0], aux))


def BAD_dense_no_aux():
    return _dense(lambda d: ((d.w, d.b), None),
                  lambda cls, aux, ch: cls(*ch, "relu"))


def BAD_dense_unflatten_tuple():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: tuple(ch))


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
