"""Attempts at the jit chapter's exercises, for tests/test_check_jit.py.

OK_ is a correct answer written differently from the book's, BAD_ a
typical mistake (its verdict and hint are in the catalogue there).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py4eng_jax import all_correct, gd_step, loss, predict

# ---------------------------------------------------------------- jit-ex2


def OK_clip_cond_on_squares(g, max_norm):
    sq = jnp.sum(g * g)
    return lax.cond(sq > max_norm**2, lambda: g * max_norm / jnp.sqrt(sq),
                    lambda: g)


@jax.custom_jvp
def _safe_norm(x):
    return jnp.sqrt(jnp.sum(x**2))


@_safe_norm.defjvp
def _safe_norm_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    n = _safe_norm(x)
    return n, jnp.sum(x / jnp.where(n == 0, 1.0, n) * t)


def OK_clip_custom_norm_maximum(g, max_norm):
    return g * max_norm / jnp.maximum(_safe_norm(g), max_norm)


def OK_clip_where_on_input(g, max_norm):
    sq = jnp.sum(g**2)
    big = sq > max_norm**2
    norm = jnp.sqrt(jnp.where(big, sq, max_norm**2))
    return jnp.where(big, g / norm * max_norm, g)


def OK_clip_tiny_epsilon(g, max_norm):
    norm = jnp.sqrt(jnp.sum(g**2) + 1e-20)
    return g * jnp.minimum(1.0, max_norm / norm)


def BAD_clip_stub(g, max_norm):
    raise NotImplementedError


def BAD_clip_if(g, max_norm):
    norm = jnp.linalg.norm(g)
    if norm > max_norm:
        return g * (max_norm / norm)
    return g


def BAD_clip_where_only(g, max_norm):
    norm = jnp.linalg.norm(g)
    return jnp.where(norm > max_norm, g * (max_norm / norm), g)


def BAD_clip_minimum_only(g, max_norm):
    return g * jnp.minimum(1.0, max_norm / jnp.linalg.norm(g))


def BAD_clip_cond_norm_outside(g, max_norm):
    norm = jnp.linalg.norm(g)
    return lax.cond(norm > max_norm, lambda: g / norm * max_norm, lambda: g)


def BAD_clip_zero_factor_at_origin(g, max_norm):
    sq = jnp.sum(g**2)
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    return g * jnp.where(sq > 0, jnp.minimum(1.0, max_norm / safe), 0.0)


def BAD_clip_constant_factor(g, max_norm):
    sq = jnp.sum(g**2)
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    factor = jnp.where(sq > 0, jnp.minimum(1.0, max_norm / safe), 1.0)
    return g * lax.stop_gradient(factor)


def BAD_clip_always_scales(g, max_norm):
    return g * max_norm / jnp.linalg.norm(g)


def BAD_clip_elementwise(g, max_norm):
    return jnp.clip(g, -max_norm, max_norm)


def BAD_clip_per_row(g, max_norm):
    sq = jnp.sum(g**2, axis=-1, keepdims=True)
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    return g * jnp.where(sq > 0, jnp.minimum(1.0, max_norm / safe), 1.0)


def BAD_clip_numpy(g, max_norm):
    norm = np.linalg.norm(g)
    return g * jnp.minimum(1.0, max_norm / max(norm, 1e-30))


def BAD_clip_squared_norm(g, max_norm):
    sq = jnp.sum(g**2)
    return g * jnp.where(sq > max_norm, max_norm / jnp.where(sq > 0, sq, 1.),
                         1.0)


def BAD_clip_ignores_max_norm(g, max_norm):
    sq = jnp.sum(g**2)
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    return g * jnp.where(sq > 1.0, 1.0 / safe, 1.0)


def BAD_clip_two_entries(g, max_norm):
    # the norm of the statement's example [3, 4] only
    flat = g.reshape(-1)
    sq = flat[0]**2 + flat[1]**2
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    return g * jnp.where(sq > max_norm**2, max_norm / safe, 1.0)


def BAD_clip_forgot_return(g, max_norm):
    sq = jnp.sum(g**2)
    safe = jnp.sqrt(jnp.where(sq > 0, sq, 1.0))
    g * jnp.where(sq > max_norm**2, max_norm / safe, 1.0)


def BAD_clip_never_returns(g, max_norm):
    # shrinks g by 1 % until it is inside the limit; for a norm of 0 and a
    # wrong test it never stops
    return lax.while_loop(lambda h: jnp.sum(h**2) >= 0.0,
                          lambda h: h * 0.99, g)


# ---------------------------------------------------------------- jit-ex1


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


@jax.jit
def OK_train_step_vjp(params, X, Y, lr):
    value, pull = jax.vjp(lambda p: loss(p, X, Y), params)
    (grads,) = pull(jnp.ones_like(value))
    new = tuple(p - lr * g for p, g in zip(params, grads))
    return new, value, jnp.min((predict(params, X) > 0.5) == (Y > 0.5))


def BAD_train_step_stub(params, X, Y, lr):
    ...


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


@jax.jit
def BAD_train_step_forgot_return(params, X, Y, lr):
    new = gd_step(params, X, Y, lr)
    (new, loss(params, X, Y), all_correct(params, X, Y))


@jax.jit
def BAD_train_step_never_returns(params, X, Y, lr):
    def body(state):
        p, i = state
        return gd_step(p, X, Y, lr), i + 1
    new, _ = lax.while_loop(lambda s: s[1] >= 0, body, (params, 0))
    return new, loss(params, X, Y), all_correct(params, X, Y)


@jax.jit
def BAD_train_step_accuracy(params, X, Y, lr):
    right = jnp.mean((predict(params, X) > 0.5) == (Y > 0.5))
    return gd_step(params, X, Y, lr), loss(params, X, Y), right


@jax.jit
def BAD_train_step_python_and(params, X, Y, lr):
    p = predict(params, X)
    right = jnp.all((p > 0.5) == (Y > 0.5)) and loss(params, X, Y) < 1.0
    return gd_step(params, X, Y, lr), loss(params, X, Y), right
