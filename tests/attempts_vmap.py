"""Attempts at the vmap chapter's exercises, for tests/test_check_vmap.py.

OK_ is a correct solution written differently from the book's, BAD_ a
typical mistake (its hint is in the catalogue; the stub is one too).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py4eng_jax import example_loss, hamming, loss

# ------------------------------------------------------------ vmap-ex1


def OK_nearest_rows_broadcast(Q, W, Y):
    d = (W[:, None, :] * (Q[:, None, :] != Y[None, :, :])).sum(axis=-1)
    return d.argmin(axis=1)


def OK_nearest_rows_double_vmap(Q, W, Y):
    def dist(q, w, y):
        return jnp.dot(w, (q != y).astype(w.dtype))

    to_rows = jax.vmap(dist, in_axes=(None, None, 0))
    d = jax.vmap(to_rows, in_axes=(0, 0, None))(Q, W, Y)
    return jnp.argmin(d, axis=-1)


def OK_nearest_rows_where(Q, W, Y):
    def nearest(q, w):
        d = jnp.where(q != Y, w, 0).sum(axis=1)
        return jnp.argmin(d)

    return jax.vmap(nearest, in_axes=(0, 0))(Q, W)


def OK_nearest_rows_einsum(Q, W, Y):
    differ = (Q[:, None, :] != Y[None]).astype(jnp.int32)
    return jnp.einsum("ik,ijk->ij", W, differ).argmin(axis=1)


def _distances(Q, W, Y):
    return jax.vmap(lambda q, w: jnp.sum(w * (q != Y), axis=1))(Q, W)


def BAD_nearest_rows_distances(Q, W, Y):
    return _distances(Q, W, Y)


def BAD_nearest_rows_min_distance(Q, W, Y):
    return _distances(Q, W, Y).min(axis=1)


def BAD_nearest_rows_argmax(Q, W, Y):
    return _distances(Q, W, Y).argmax(axis=1)


def BAD_nearest_rows_axis0(Q, W, Y):
    return _distances(Q, W, Y).argmin(axis=0)


def BAD_nearest_rows_ignores_W(Q, W, Y):
    """The chapter's all_pairs, weights forgotten."""
    to_rows = jax.vmap(hamming, in_axes=(None, 0))
    return jax.vmap(to_rows, in_axes=(0, None))(Q, Y).argmin(axis=1)


def BAD_nearest_rows_shared_W(Q, W, Y):
    """in_axes shares W like Y, so every query uses W[0]... by indexing."""
    w = W[0]
    return jax.vmap(lambda q: jnp.argmin(jnp.sum(w * (q != Y), axis=1)))(Q)


def BAD_nearest_rows_hard_coded(Q, W, Y):
    """Reshapes with the sizes of the first example, 3 queries of 10 rows."""
    d = (W[:, None, :] * (Q[:, None, :] != Y[None])).sum(-1)
    return d.reshape(3, 10).argmin(axis=1)


def BAD_nearest_rows_python_loop(Q, W, Y):
    return jnp.stack([jnp.argmin(jnp.sum(w * (q != Y), axis=1))
                      for q, w in zip(Q, W)])


def BAD_nearest_rows_lax_map(Q, W, Y):
    return lax.map(lambda qw: jnp.argmin(jnp.sum(qw[1] * (qw[0] != Y),
                                                 axis=1)), (Q, W))


def BAD_nearest_rows_fori(Q, W, Y):
    def body(i, out):
        return out.at[i].set(jnp.argmin(jnp.sum(W[i] * (Q[i] != Y), axis=1)))

    return lax.fori_loop(0, Q.shape[0], body,
                         jnp.zeros(Q.shape[0], jnp.int32))


def BAD_nearest_rows_last_tie(Q, W, Y):
    d = _distances(Q, W, Y)[:, ::-1]
    return Y.shape[0] - 1 - d.argmin(axis=1)


def BAD_nearest_rows_numpy(Q, W, Y):
    return jax.vmap(lambda q, w: np.argmin(
        np.asarray(jnp.sum(w * (q != Y), axis=1))))(Q, W)


def BAD_nearest_rows_in_axes(Q, W, Y):
    return jax.vmap(lambda q, w, Y: jnp.argmin(jnp.sum(w * (q != Y), 1)))(
        Q, W, Y)


def BAD_nearest_rows_similarity(Q, W, Y):
    return (W[:, None, :] * (Q[:, None, :] == Y[None])).sum(-1).argmin(1)


def BAD_nearest_rows_stub(Q, W, Y):
    ...  # your code here


def BAD_nearest_rows_forgot_return(Q, W, Y):
    nearest = _distances(Q, W, Y).argmin(axis=1)  # noqa: F841


def BAD_nearest_rows_ignores_Q(Q, W, Y):
    """The nearest row to the first row of Q, for every row."""
    return jnp.full(Q.shape[0], jnp.argmin(jnp.sum(W[0] * (Q[0] != Y), 1)))


def BAD_nearest_rows_forever(Q, W, Y):
    """Searches Y with a while_loop whose index never moves on."""
    def nearest(q, w):
        def body(state):
            j, best, best_d = state
            d = jnp.sum(w * (q != Y[j]))
            return (j, jnp.where(d < best_d, j, best),
                    jnp.minimum(d, best_d))

        return lax.while_loop(lambda s: s[0] < Y.shape[0], body,
                              (0, 0, jnp.sum(w) + 1))[1]

    return jax.vmap(nearest)(Q, W)


# ------------------------------------------------------------ vmap-ex2


def _grads(params, X, Y):
    return jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))(
        params, X, Y)


def _scale(g, factor):
    """Multiply each example's entry of g by its factor."""
    return g * factor.reshape(-1, *[1] * (g.ndim - 1))


def _norms(grads):
    n = grads[0].shape[0]
    return jnp.sqrt(sum(jnp.sum(g.reshape(n, -1) ** 2, axis=1)
                        for g in grads))


def OK_clip_divide_by_larger(params, X, Y, max_norm):
    """The factor max_norm / max(norm, max_norm), with expand_dims."""
    grads = _grads(params, X, Y)
    norms = _norms(grads)
    factor = max_norm / jnp.maximum(norms, max_norm)
    return tuple(jnp.mean(g * jnp.expand_dims(factor, tuple(range(1, g.ndim))),
                          axis=0) for g in grads)


def OK_clip_divide_by_max(params, X, Y, max_norm):
    """Divide by max(1, norm / max_norm), with einsum for the mean."""
    grads = _grads(params, X, Y)
    factor = 1.0 / jnp.maximum(1.0, _norms(grads) / max_norm)
    return tuple(jnp.einsum("n,n...->...", factor, g) / X.shape[0]
                 for g in grads)


def OK_clip_flat(params, X, Y, max_norm):
    """Flatten each example's gradient into one vector, clip, unflatten."""
    grads = _grads(params, X, Y)
    n = X.shape[0]
    flat = jnp.concatenate([g.reshape(n, -1) for g in grads], axis=1)
    norm = jnp.linalg.norm(flat, axis=1, keepdims=True)
    mean = (flat * jnp.minimum(1.0, max_norm / norm)).mean(axis=0)
    out, start = [], 0
    for p in params:
        out.append(mean[start:start + p.size].reshape(p.shape))
        start += p.size
    return tuple(out)


def BAD_clip_stub(params, X, Y, max_norm):
    ...  # your code here


def BAD_clip_forgot_return(params, X, Y, max_norm):
    grads = _grads(params, X, Y)
    factor = jnp.minimum(1.0, max_norm / _norms(grads))
    mean = tuple(_scale(g, factor).mean(axis=0) for g in grads)  # noqa: F841


def BAD_clip_ignores_max_norm(params, X, Y, max_norm):
    """The plain mean: no clipping at all."""
    return tuple(g.mean(axis=0) for g in _grads(params, X, Y))


def BAD_clip_the_mean(params, X, Y, max_norm):
    """Averages first, then clips the mean gradient."""
    mean = jax.grad(loss)(params, X, Y)
    norm = jnp.sqrt(sum(jnp.sum(m ** 2) for m in mean))
    return tuple(m * jnp.minimum(1.0, max_norm / norm) for m in mean)


def BAD_clip_per_array(params, X, Y, max_norm):
    """Clips each of the four arrays by its own norm."""
    out = []
    for g in _grads(params, X, Y):
        norm = jnp.sqrt(jnp.sum(g.reshape(g.shape[0], -1) ** 2, axis=1))
        out.append(_scale(g, jnp.minimum(1.0, max_norm / norm)).mean(0))
    return tuple(out)


def BAD_clip_sum_of_norms(params, X, Y, max_norm):
    """The norm of the whole gradient taken as the sum of the four
    arrays' norms."""
    grads = _grads(params, X, Y)
    n = X.shape[0]
    norm = sum(jnp.linalg.norm(g.reshape(n, -1), axis=1) for g in grads)
    factor = jnp.minimum(1.0, max_norm / norm)
    return tuple(_scale(g, factor).mean(axis=0) for g in grads)


def BAD_clip_elementwise(params, X, Y, max_norm):
    """jnp.clip on every entry of every example's gradient."""
    return tuple(jnp.clip(g, -max_norm, max_norm).mean(axis=0)
                 for g in _grads(params, X, Y))


def BAD_clip_always_scale(params, X, Y, max_norm):
    """Normalizes every gradient to max_norm, the small ones too."""
    grads = _grads(params, X, Y)
    factor = max_norm / _norms(grads)
    return tuple(_scale(g, factor).mean(axis=0) for g in grads)


def BAD_clip_sum(params, X, Y, max_norm):
    """Sums the clipped gradients instead of averaging them."""
    grads = _grads(params, X, Y)
    factor = jnp.minimum(1.0, max_norm / _norms(grads))
    return tuple(_scale(g, factor).sum(axis=0) for g in grads)


def BAD_clip_hard_coded_four(params, X, Y, max_norm):
    """Divides by the 4 examples of the XOR table."""
    grads = _grads(params, X, Y)
    factor = jnp.minimum(1.0, max_norm / _norms(grads))
    return tuple(_scale(g, factor).sum(axis=0) / 4 for g in grads)


def BAD_clip_not_averaged(params, X, Y, max_norm):
    """Returns the clipped per-example gradients."""
    grads = _grads(params, X, Y)
    factor = jnp.minimum(1.0, max_norm / _norms(grads))
    return tuple(_scale(g, factor) for g in grads)


def BAD_clip_python_loop(params, X, Y, max_norm):
    """One example at a time, in a Python loop."""
    total = [jnp.zeros_like(p) for p in params]
    for x, y in zip(X, Y):
        g = jax.grad(example_loss)(params, x, y)
        norm = jnp.sqrt(sum(jnp.sum(a ** 2) for a in g))
        total = [t + a * jnp.minimum(1.0, max_norm / norm)
                 for t, a in zip(total, g)]
    return tuple(t / X.shape[0] for t in total)


def BAD_clip_numpy_norm(params, X, Y, max_norm):
    """np.linalg.norm of a traced gradient."""
    def clipped(x, y):
        g = jax.grad(example_loss)(params, x, y)
        norm = np.sqrt(sum(np.sum(np.asarray(a) ** 2) for a in g))
        return tuple(a * min(1.0, max_norm / norm) for a in g)

    return tuple(g.mean(axis=0) for g in jax.vmap(clipped)(X, Y))


def BAD_clip_squared_norm(params, X, Y, max_norm):
    """Compares max_norm with the squared norm."""
    grads = _grads(params, X, Y)
    factor = jnp.minimum(1.0, max_norm / _norms(grads) ** 2)
    return tuple(_scale(g, factor).mean(axis=0) for g in grads)


def BAD_clip_forever(params, X, Y, max_norm):
    """Halves the gradients in a while_loop until short enough: the
    condition tests the wrong variable and never turns false."""
    grads = _grads(params, X, Y)
    norms = _norms(grads)

    def body(state):
        factor, k = state
        return factor * 0.5, k

    factor, _ = lax.while_loop(lambda s: jnp.any(s[1] * norms > max_norm),
                               body, (jnp.ones_like(norms), 1.0))
    return tuple(_scale(g, factor).mean(axis=0) for g in grads)
