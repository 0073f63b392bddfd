"""Attempts at the debugging chapter's exercises: debugging-ex1,
``divides_by_zero(f, x)``, and debugging-ex2, ``fit_fast(w, X, Y,
steps)``. Catalogue: tests/test_check_debugging.py."""

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.experimental import checkify

from py4eng_jax.check._debugging import lr_at, sgd_update

# ------------------------------------------------------------ debugging-ex1


def OK_div_checks_jit(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x)
    return err.get() is not None


def OK_throw(f, x):
    checked = checkify.checkify(jax.jit(f), errors=checkify.div_checks)
    err, _ = checked(x)
    try:
        err.throw()
    except Exception:   # JaxRuntimeError
        return True
    return False


def OK_set_difference(f, x):
    only_division = (checkify.all_checks - checkify.nan_checks
                     - checkify.index_checks)
    err, _ = jax.jit(checkify.checkify(f, errors=only_division))(x)
    return bool(err.get())


def OK_eager_checkify(f, x):
    err, _ = checkify.checkify(f, errors=checkify.div_checks)(x)
    message = err.get()
    return message is not None and "division by zero" in message


def BAD_stub_divides(f, x):
    raise NotImplementedError


def BAD_output_not_finite(f, x):
    return not bool(jnp.all(jnp.isfinite(f(x))))


def BAD_default_checks(f, x):
    err, _ = jax.jit(checkify.checkify(f))(x)
    return err.get() is not None


def BAD_nan_checks(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.nan_checks))(x)
    return err.get() is not None


def BAD_all_checks(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.all_checks))(x)
    return err.get() is not None


def BAD_all_checks_message(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.all_checks))(x)
    return "division by zero" in (err.get() or "")


def BAD_ignores_f(f, x):
    return bool(jnp.any(x == 0))


def BAD_first_three(f, x):
    # the chapter's example x has three entries
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x[:3])
    return err.get() is not None


def BAD_forgot_return(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x)
    err.get() is not None  # noqa: B015 - the mistake: no return


def BAD_returns_error(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x)
    return err


def BAD_returns_message(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x)
    return err.get()


def BAD_inverted(f, x):
    err, _ = jax.jit(checkify.checkify(f, errors=checkify.div_checks))(x)
    return err.get() is None


def BAD_try_except(f, x):
    try:
        f(x)
    except ZeroDivisionError:
        return True
    return False


def BAD_per_entry(f, x):
    checked = checkify.checkify(f, errors=checkify.div_checks)
    return jnp.array([checked(x)[0].get() is not None for _ in x])


def BAD_never_returns_divides(f, x):
    checked = jax.jit(checkify.checkify(f, errors=checkify.div_checks))
    found = False
    while not found:   # waits for a division that may never come
        err, _ = checked(x)
        found = err.get() is not None
    return found


# ------------------------------------------------------------ debugging-ex2

update = jax.jit(sgd_update)


def OK_lr_outside(w, X, Y, steps):
    for t in range(steps):
        w = update(w, X, Y, lr_at(t))
    return w


def OK_where_inside(w, X, Y, steps):
    @jax.jit
    def step(w, t):
        lr = jnp.where(t < 10, 0.1 * (t + 1) / 10,
                       0.1 * jnp.sqrt(10 / (t + 1)))
        return sgd_update(w, X, Y, lr)

    for t in range(steps):
        w = step(w, t)
    return w


def OK_fori_loop(w, X, Y, steps):
    @jax.jit
    def run(w, X, Y, steps):
        def body(t, w):
            t1 = (t + 1).astype(jnp.float32)
            lr = 0.1 * jnp.minimum(t1 / 10, jnp.sqrt(10 / t1))
            return sgd_update(w, X, Y, lr)
        return lax.fori_loop(0, steps, body, w)

    return run(w, X, Y, steps)


def OK_precomputed_rates(w, X, Y, steps):
    rates = jnp.array([lr_at(t) for t in range(steps)], jnp.float32)
    step = jax.jit(lambda w, lr: sgd_update(w, X, Y, lr))
    for lr in rates:
        w = step(w, lr)
    return w


def BAD_stub_fit(w, X, Y, steps):
    ...


def BAD_partial_in_loop(w, X, Y, steps):
    for t in range(steps):
        step = jax.jit(partial(sgd_update, lr=lr_at(t)))
        w = step(w, X, Y)
    return w


def BAD_static_lr(w, X, Y, steps):
    step = jax.jit(sgd_update, static_argnames="lr")
    for t in range(steps):
        w = step(w, X, Y, lr=lr_at(t))
    return w


def BAD_static_t(w, X, Y, steps):
    step = jax.jit(lambda w, t: sgd_update(w, X, Y, lr_at(t)),
                   static_argnums=1)
    for t in range(steps):
        w = step(w, t)
    return w


def BAD_if_traced(w, X, Y, steps):
    step = jax.jit(lambda w, t: sgd_update(w, X, Y, lr_at(t)))
    for t in range(steps):
        w = step(w, t)
    return w


def BAD_constant_lr(w, X, Y, steps):
    for _ in range(steps):
        w = update(w, X, Y, 0.1)
    return w


def BAD_lr_one_ahead(w, X, Y, steps):
    for t in range(1, steps + 1):
        w = update(w, X, Y, lr_at(t))
    return w


def BAD_hard_coded_steps(w, X, Y, steps):
    for t in range(13):   # the chapter runs 13 steps
        w = update(w, X, Y, lr_at(t))
    return w


_X_NOTEBOOK = jnp.asarray(np.random.default_rng(0).normal(size=(16, 3)),
                          jnp.float32)
_Y_NOTEBOOK = _X_NOTEBOOK @ jnp.array([1.5, -2.0, 0.5])


def BAD_global_data(w, X, Y, steps):
    # uses the notebook's data, not the arguments
    for t in range(steps):
        w = update(w, _X_NOTEBOOK, _Y_NOTEBOOK, lr_at(t))
    return w


def BAD_forgot_return_fit(w, X, Y, steps):
    for t in range(steps):
        w = update(w, X, Y, lr_at(t))


def BAD_returns_history(w, X, Y, steps):
    history = []
    for t in range(steps):
        w = update(w, X, Y, lr_at(t))
        history.append(w)
    return w, history


def BAD_never_returns_fit(w, X, Y, steps):
    t = 0
    while t < steps:
        w = update(w, X, Y, lr_at(t))   # forgot t += 1
    return w


def BAD_while_loop_forever(w, X, Y, steps):
    def body(state):
        t, w = state
        lr = 0.1 * jnp.minimum((t + 1) / 10, jnp.sqrt(10 / (t + 1)))
        return t, sgd_update(w, X, Y, lr)   # t is never advanced

    return lax.while_loop(lambda s: s[0] < steps, body,
                          (jnp.float32(0), w))[1]


@partial(jax.jit, static_argnums=3)
def _unrolled(w, X, Y, steps):
    for t in range(steps):
        w = sgd_update(w, X, Y, lr_at(t))
    return w


def BAD_jit_unrolled_loop(w, X, Y, steps):
    # one compilation per call, but the program holds `steps` copies of
    # the step
    return _unrolled(w, X, Y, steps)
