"""Attempts at the static-args chapter's exercises, for
tests/test_check_static_args.py.

OK_ is a correct solution written differently from the book's, BAD_ a
typical mistake (its hint is in the catalogue; the stub is one too).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

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
def BAD_moving_average_one_short(x, window):
    """Stops one window early, as range(len(x) - window) would."""
    return jnp.convolve(x, jnp.ones(window) / window, mode="valid")[:-1]


@jax.jit(static_argnames="window")
def BAD_moving_average_off_by_one(x, window):
    return jnp.convolve(x, jnp.ones(window) / (window + 1), mode="valid")


@jax.jit(static_argnames="window")
def BAD_moving_average_sum(x, window):
    return jnp.convolve(x, jnp.ones(window), mode="valid")


@jax.jit(static_argnames="window")
def OK_moving_average_reduce_window(x, window):
    """lax.reduce_window sums every window of the given size."""
    sums = lax.reduce_window(x, 0.0, lax.add, (window,), (1,), "valid")
    return sums / window


def BAD_moving_average_stub(x, window):
    ...  # your code here


@jax.jit(static_argnames="window")
def BAD_moving_average_forgot_return(x, window):
    c = jnp.cumsum(jnp.concatenate([jnp.zeros(1), x]))
    means = (c[window:] - c[:-window]) / window  # noqa: F841


@jax.jit(static_argnames="window")
def BAD_moving_average_python_loop(x, window):
    """One slice per position, in a Python loop over x."""
    n = x.shape[0] - window + 1
    return jnp.stack([x[i:i + window].mean() for i in range(n)])


@jax.jit(static_argnames="window")
def BAD_moving_average_hard_coded(x, window):
    """The window of the solution's example, 3."""
    return jnp.convolve(x, jnp.ones(3) / 3, mode="valid")


@jax.jit(static_argnames="window")
def BAD_moving_average_ignores_x(x, window):
    """Averages positions, not the values of x (right for arange only)."""
    n = x.shape[0] - window + 1
    return jnp.arange(n) + (window - 1) / 2


@jax.jit(static_argnames="window")
def BAD_moving_average_forever(x, window):
    """Slides the window in a while_loop that never moves on."""
    n = x.shape[0] - window + 1

    def body(state):
        i, out = state
        piece = lax.dynamic_slice(x, (i,), (window,))
        return i, out.at[i].set(piece.mean())

    return lax.while_loop(lambda s: s[0] < n, body,
                          (0, jnp.zeros(n)))[1]


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


def OK_padded_fibonacci_while(n, size):
    """A while_loop fills the first n terms of a zero array."""
    def body(state):
        i, a, x, y = state
        return i + 1, a.at[i].set(x), y, x + y

    state = (0, jnp.zeros(size), 1.0, 2.0)
    return lax.while_loop(lambda s: s[0] < jnp.minimum(n, size), body,
                          state)[1]


def BAD_padded_fibonacci_stub(n, size):
    ...  # your code here


def BAD_padded_fibonacci_forgot_return(n, size):
    a = _correct_padded_fibonacci(n, size)  # noqa: F841


def BAD_padded_fibonacci_ignores_n(n, size):
    """All size terms, none zeroed."""
    return _correct_padded_fibonacci(size, size)


def BAD_padded_fibonacci_hard_coded_size(n, size):
    """The checker's first size, 12, always."""
    return _correct_padded_fibonacci(n, 12)


def BAD_padded_fibonacci_forever(n, size):
    """A while_loop whose counter never moves on."""
    def body(state):
        i, a, x, y = state
        return i, a.at[i].set(x), y, x + y

    state = (0, jnp.zeros(size), 1.0, 2.0)
    return lax.while_loop(lambda s: s[0] < n, body, state)[1]
