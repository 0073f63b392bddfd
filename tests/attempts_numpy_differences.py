"""Attempts at the numpy-differences chapter's exercises, for
tests/test_check_numpy_differences.py.

OK_ is a correct solution written differently from the book's, BAD_ a
typical mistake (its hint is in the catalogue; the stub is one too).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# ------------------------------------------------------ numpy-differences-ex1


def OK_bins_drop(idx, length):
    """Out-of-range values sent past the end, where updates are dropped."""
    safe = jnp.where(idx < 0, length, idx)
    return jnp.zeros(length, jnp.int32).at[safe].add(1, mode="drop")


def OK_bins_compare(idx, length):
    """Every value compared with every bin: a (len(idx), length) table."""
    hits = idx[:, None] == jnp.arange(length)
    return hits.sum(axis=0, dtype=jnp.int32)


def OK_bins_bincount_weights(idx, length):
    """jnp.bincount, the values out of range weighted 0."""
    inside = (idx >= 0) & (idx < length)
    counts = jnp.bincount(jnp.where(inside, idx, 0), weights=inside * 1,
                          length=length)
    return counts.astype(jnp.int32)


def OK_bins_one_hot(idx, length):
    """jax.nn.one_hot gives a row of zeros for a value out of range."""
    return jax.nn.one_hot(idx, length, dtype=jnp.int32).sum(axis=0)


def BAD_bins_stub(idx, length):
    ...  # your code here


def BAD_bins_forgot_return(idx, length):
    inside = (idx >= 0) & (idx < length)
    counts = jnp.zeros(length, jnp.int32).at[idx].add(inside)  # noqa: F841


def BAD_bins_set(idx, length):
    """.set(1) marks the bins that occur: a repeated value counts once."""
    safe = jnp.where(idx < 0, length, idx)
    return jnp.zeros(length, jnp.int32).at[safe].set(1, mode="drop")


def BAD_bins_read_add_write(idx, length):
    """NumPy's c[idx] += 1 written with .at: reads once, writes once."""
    counts = jnp.zeros(length, jnp.int32)
    safe = jnp.where(idx < 0, length, idx)
    return counts.at[safe].set(counts[safe] + 1, mode="drop")


def BAD_bins_negative_wraps(idx, length):
    """Trusts .at to drop every out-of-range update: -1 is the last bin."""
    return jnp.zeros(length, jnp.int32).at[idx].add(1)


def BAD_bins_bincount(idx, length):
    """jnp.bincount clips a negative value into bin 0."""
    return jnp.bincount(idx, length=length)


def BAD_bins_clip(idx, length):
    """Clamps the index: the values out of range land in the end bins."""
    return jnp.zeros(length, jnp.int32).at[idx].add(1, mode="clip")


def BAD_bins_float(idx, length):
    """Starts from jnp.zeros(length): float32 counts."""
    inside = (idx >= 0) & (idx < length)
    return jnp.zeros(length).at[idx].add(inside)


def BAD_bins_boolean_mask(idx, length):
    """Right eagerly; under jit idx[mask] has no fixed size."""
    kept = idx[(idx >= 0) & (idx < length)]
    return jnp.zeros(length, jnp.int32).at[kept].add(1)


def BAD_bins_python_loop(idx, length):
    """One update per value, in a Python loop over idx."""
    counts = jnp.zeros(length, jnp.int32)
    for value in idx:
        counts = counts.at[value].add(
            jnp.where(value >= 0, 1, 0), mode="drop")
    return counts


def BAD_bins_loop_over_bins(idx, length):
    """One comparison per bin, in a Python loop over the bins."""
    return jnp.stack([(idx == k).sum() for k in range(length)])


def BAD_bins_hard_coded_length(idx, length):
    """The 4 bins of the statement's example."""
    safe = jnp.where(idx < 0, 4, idx)
    return jnp.zeros(4, jnp.int32).at[safe].add(1, mode="drop")


def BAD_bins_ignores_length(idx, length):
    """As many bins as the largest value needs, as np.bincount gives."""
    return jnp.asarray(np.bincount(np.asarray(idx)[np.asarray(idx) >= 0]),
                       jnp.int32)


def BAD_bins_forever(idx, length):
    """Counts by looping until every value is used: the index never
    moves on."""
    def body(state):
        i, counts = state
        value = idx[i]
        inside = (value >= 0) & (value < length)
        return i, counts.at[value].add(inside.astype(jnp.int32))

    return lax.while_loop(lambda s: s[0] < idx.shape[0], body,
                          (0, jnp.zeros(length, jnp.int32)))[1]


def BAD_bins_numpy(idx, length):
    """np.add.at does accumulate, but NumPy fails on a traced idx."""
    counts = np.zeros(length, np.int32)
    idx = np.asarray(idx)
    np.add.at(counts, idx[(idx >= 0) & (idx < length)], 1)
    return counts


# ------------------------------------------------------ numpy-differences-ex2


def OK_huber_clip(x):
    a = jnp.clip(jnp.abs(x), 0.0, 1.0)
    return a * (jnp.abs(x) - 0.5 * a)


def OK_huber_piecewise(x):
    x = jnp.asarray(x)
    return jnp.piecewise(x, [jnp.abs(x) <= 1],
                         [lambda v: v * v / 2, lambda v: jnp.abs(v) - 0.5])


def OK_huber_minus_excess(x):
    # the parabola everywhere, less the part of it beyond |x| = 1
    excess = jnp.maximum(jnp.abs(x) - 1.0, 0.0)
    return 0.5 * x**2 - 0.5 * excess**2


def BAD_huber_stub(x):
    ...  # your code here


def BAD_huber_forgot_return(x):
    jnp.where(jnp.abs(x) <= 1, 0.5 * x**2, jnp.abs(x) - 0.5)


def BAD_huber_forever(x):
    while True:
        x = x + 0


def BAD_huber_ignores_x(x):
    return 0.5 * jnp.ones_like(x)   # the value of the kink, whatever x is


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




def BAD_random_walk_stub(key, steps):
    ...  # your code here


def BAD_random_walk_forgot_return(key, steps):
    moves = jnp.zeros(steps)
    moves = lax.fori_loop(0, steps, lambda i, m: m.at[i].set(
        jax.random.normal(jax.random.fold_in(key, i))), moves)
    walk = jnp.cumsum(moves)  # noqa: F841


def BAD_random_walk_unrolled(key, steps):
    """Right values, from a Python loop over the steps: unrolled."""
    return _correct_random_walk(key, steps)


def BAD_random_walk_ignores_key(key, steps):
    """Draws from a fixed key: every key gives the same walk."""
    base = jax.random.key(0)
    moves = lax.fori_loop(0, steps, lambda i, m: m.at[i].set(
        jax.random.normal(jax.random.fold_in(base, i))), jnp.zeros(steps))
    return jnp.cumsum(moves)


def BAD_random_walk_forever(key, steps):
    """Walks with a while_loop whose counter never moves on."""
    def body(state):
        i, moves = state
        return i, moves.at[i].set(
            jax.random.normal(jax.random.fold_in(key, i)))

    moves = lax.while_loop(lambda s: s[0] < steps, body,
                           (0, jnp.zeros(steps)))[1]
    return jnp.cumsum(moves)
