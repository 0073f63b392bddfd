"""Attempts at the loops chapter's exercises, for tests/test_check_loops.py.

OK_ is a correct solution written differently from the book's, BAD_ a
typical mistake (its hint is in the catalogue). The book's own solutions
are not copied here: tests/test_exercises.py checks their stored outputs.
"""

import jax
import jax.numpy as jnp
from jax import lax

# ------------------------------------------------------------ loops-ex1


def _halve_until_smaller(f, x, d, fx):
    """The first t of 1, 1/2, 1/4, ... with |f(x - t d)| < |f(x)|."""
    return lax.while_loop(lambda t: jnp.abs(f(x - t * d)) >= fx,
                          lambda t: t / 2, jnp.ones_like(x))


def OK_damped_one_state(f, x0, tol=1e-5):
    """One flat state (x, |f(x)|, steps); the inner search in a helper."""
    df = jax.grad(f)
    x0 = jnp.asarray(x0, jnp.float32)

    def step(state):
        x, fx, steps = state
        d = f(x) / df(x)
        t = _halve_until_smaller(f, x, d, fx)
        x = x - t * d
        return x, jnp.abs(f(x)), steps + 1

    x, _, steps = lax.while_loop(lambda s: s[1] >= tol, step,
                                 (x0, jnp.abs(f(x0)), jnp.int32(0)))
    return x, steps


def OK_damped_squares(f, x0, tol=1e-5):
    """Compares f**2 instead of |f|; value_and_grad; the inner loop
    carries the trial point too."""
    fdf = jax.value_and_grad(f)

    def step(state):
        x, steps = state
        fx, dfx = fdf(x)
        d = fx / dfx

        def worse(inner):
            t, trial = inner
            return f(trial) ** 2 >= fx ** 2

        def halve(inner):
            t, _ = inner
            return t * 0.5, x - t * 0.5 * d

        _, x = lax.while_loop(worse, halve, (1.0, x - d))
        return x, steps + 1

    return lax.while_loop(lambda s: ~(f(s[0]) ** 2 < tol ** 2), step,
                          (jnp.float32(x0), 0))


def OK_damped_halving_count(f, x0, tol=1e-5):
    """Counts halvings k and uses t = 2**-k; the loops as nested
    functions; the step count in a separate int32."""
    df = jax.grad(f)

    def outer_body(state):
        x, steps = state
        d, size = f(x) / df(x), jnp.abs(f(x))
        k = lax.while_loop(
            lambda k: jnp.abs(f(x - d * 2.0 ** -k)) >= size,
            lambda k: k + 1.0, 0.0)
        return x - d * 2.0 ** -k, steps + jnp.int32(1)

    return lax.while_loop(lambda s: jnp.abs(f(s[0])) >= tol, outer_body,
                          (jnp.asarray(x0, jnp.float32), jnp.int32(0)))


def _damped(f, x0, tol, count_halvings=False):
    df = jax.grad(f)

    def step(state):
        x, steps = state
        d, fx = f(x) / df(x), jnp.abs(f(x))
        t, k = lax.while_loop(lambda s: jnp.abs(f(x - s[0] * d)) >= fx,
                              lambda s: (s[0] / 2, s[1] + 1), (1.0, 0))
        return x - t * d, steps + 1 + (k if count_halvings else 0)

    return lax.while_loop(lambda s: jnp.abs(f(s[0])) >= tol, step,
                          (jnp.float32(x0), 0))


def BAD_damped_stub(f, x0, tol=1e-5):
    raise NotImplementedError("your code here")


def BAD_damped_no_return(f, x0, tol=1e-5):
    result = _damped(f, x0, tol)  # noqa: F841 (forgot to return it)


def BAD_damped_plain_newton(f, x0, tol=1e-5):
    """The chapter's Newton method, undamped."""
    df = jax.grad(f)
    return lax.while_loop(
        lambda s: jnp.abs(f(s[0])) >= tol,
        lambda s: (s[0] - f(s[0]) / df(s[0]), s[1] + 1),
        (jnp.float32(x0), 0))


def BAD_damped_half_steps(f, x0, tol=1e-5):
    """Always half a Newton step: damped, but not by the rule."""
    df = jax.grad(f)
    return lax.while_loop(
        lambda s: jnp.abs(f(s[0])) >= tol,
        lambda s: (s[0] - 0.5 * f(s[0]) / df(s[0]), s[1] + 1),
        (jnp.float32(x0), 0))


def BAD_damped_counts_halvings(f, x0, tol=1e-5):
    return _damped(f, x0, tol, count_halvings=True)


def BAD_damped_ignores_x0(f, x0, tol=1e-5):
    return _damped(f, 1.0, tol)


def BAD_damped_ignores_tol(f, x0, tol=1e-5):
    return _damped(f, x0, 1e-5)


def BAD_damped_never_halves(f, x0, tol=1e-5):
    """The inner loop's body forgets to halve t: it never ends."""
    df = jax.grad(f)

    def step(state):
        x, steps = state
        d, fx = f(x) / df(x), jnp.abs(f(x))
        t = lax.while_loop(lambda t: jnp.abs(f(x - t * d)) >= fx,
                           lambda t: t, 1.0)
        return x - t * d, steps + 1

    return lax.while_loop(lambda s: jnp.abs(f(s[0])) >= tol, step,
                          (jnp.float32(x0), 0))


def BAD_damped_float_steps(f, x0, tol=1e-5):
    x, steps = _damped(f, x0, tol)
    return x, steps * 1.0


def BAD_damped_tests_after(f, x0, tol=1e-5):
    """Takes a step before the first test (a do-while)."""
    df = jax.grad(f)

    def step(state):
        x, steps, _ = state
        d, fx = f(x) / df(x), jnp.abs(f(x))
        t = lax.while_loop(lambda t: jnp.abs(f(x - t * d)) > fx,
                           lambda t: t / 2, 1.0)
        x = x - t * d
        return x, steps + 1, jnp.abs(f(x)) < tol

    x, steps, _ = lax.while_loop(lambda s: ~s[2], step,
                                 (jnp.float32(x0), 0, False))
    return x, steps


def BAD_damped_python_while(f, x0, tol=1e-5):
    df = jax.grad(f)
    x, steps = x0, 0
    while abs(f(x)) >= tol:
        d, t = f(x) / df(x), 1.0
        while abs(f(x - t * d)) >= abs(f(x)):
            t = t / 2
        x, steps = x - t * d, steps + 1
    return x, steps


def BAD_damped_fixed_steps(f, x0, tol=1e-5):
    """50 steps with fori_loop, frozen once converged: right values, but
    it always runs all 50."""
    df = jax.grad(f)

    def body(i, state):
        x, steps = state
        go = jnp.abs(f(x)) >= tol
        d = f(x) / df(x)
        t = _halve_until_smaller(f, x, jnp.where(go, d, 0.0), jnp.where(
            go, jnp.abs(f(x)), jnp.inf))
        return jnp.where(go, x - t * d, x), steps + go

    return lax.fori_loop(0, 50, body, (jnp.float32(x0), 0))


def BAD_damped_root_only(f, x0, tol=1e-5):
    return _damped(f, x0, tol)[0]


# ------------------------------------------------------------ loops-ex2


def _steps(step, x, n):
    return lax.fori_loop(0, n, lambda i, x: step(x), x)


def OK_blocks_fori(step, x0, n, block):
    """fori_loops, with the checkpoint as a decorator."""
    @jax.checkpoint
    def one_block(x):
        return _steps(step, x, block)

    return lax.fori_loop(0, n // block, lambda i, x: one_block(x), x0).sum()


def OK_blocks_both_checkpointed(step, x0, n, block):
    """Checkpoint the blocks and the steps inside them too (stores even
    less: one carry per step of the block being recomputed)."""
    def one_step(x, _):
        return step(x), None

    def one_block(x, _):
        return lax.scan(jax.checkpoint(one_step), x, length=block)[0], None

    x, _ = lax.scan(jax.checkpoint(one_block), x0, length=n // block)
    return jnp.sum(x)


def OK_blocks_xs(step, x0, n, block):
    """Scans over index arrays shaped (blocks, block) instead of lengths."""
    index = jnp.arange(n).reshape(n // block, block)

    def one_block(x, indices):
        x, _ = lax.scan(lambda x, i: (step(x), i), x, indices)
        return x, None

    final, _ = lax.scan(jax.remat(one_block), x0, index)
    return final.sum()


def _scan_steps(step, x, length, checkpoint_step=False):
    def body(x, _):
        return step(x), None

    if checkpoint_step:
        body = jax.checkpoint(body)
    return lax.scan(body, x, length=length)[0]


def BAD_blocks_stub(step, x0, n, block):
    raise NotImplementedError("your code here")


def BAD_blocks_no_return(step, x0, n, block):
    x = lax.scan(jax.checkpoint(lambda x, _: (_scan_steps(step, x, block),
                                              None)), x0,
                 length=n // block)[0]
    x.sum()


def BAD_blocks_per_step(step, x0, n, block):
    """The chapter's checkpoint on each step, in blocks: still one carry
    stored per step."""
    def one_block(x, _):
        return _scan_steps(step, x, block, checkpoint_step=True), None

    return lax.scan(one_block, x0, length=n // block)[0].sum()


def BAD_blocks_no_checkpoint(step, x0, n, block):
    def one_block(x, _):
        return _scan_steps(step, x, block), None

    return lax.scan(one_block, x0, length=n // block)[0].sum()


def BAD_blocks_checkpoint_everything(step, x0, n, block):
    """One checkpoint around the whole loop: the backward pass recomputes
    all of it at once, and stores every step again."""
    @jax.checkpoint
    def run(x):
        def one_block(x, _):
            return _scan_steps(step, x, block), None
        return lax.scan(one_block, x, length=n // block)[0]

    return run(x0).sum()


def BAD_blocks_fixed_block(step, x0, n, block):
    """The block size of the statement, whatever block says."""
    block = 20

    def one_block(x, _):
        return _scan_steps(step, x, block), None

    return lax.scan(jax.checkpoint(one_block), x0,
                    length=n // block)[0].sum()


def BAD_blocks_fixed_n(step, x0, n, block):
    """The n of the statement, whatever n says."""
    def one_block(x, _):
        return _scan_steps(step, x, block), None

    return lax.scan(jax.checkpoint(one_block), x0,
                    length=400 // block)[0].sum()


def BAD_blocks_own_step(step, x0, n, block):
    """The chapter's four sines, whatever step says."""
    def four_sines(x):
        for _ in range(4):
            x = jnp.sin(x) * 1.01
        return x

    def one_block(x, _):
        return _scan_steps(four_sines, x, block), None

    return lax.scan(jax.checkpoint(one_block), x0,
                    length=n // block)[0].sum()


def BAD_blocks_python_blocks(step, x0, n, block):
    """A Python loop over the blocks: unrolled, n // block copies."""
    one_block = jax.checkpoint(lambda x: _scan_steps(step, x, block))
    x = x0
    for _ in range(n // block):
        x = one_block(x)
    return x.sum()


def BAD_blocks_python_steps(step, x0, n, block):
    """A Python loop over the steps of a block: unrolled inside."""
    def one_block(x, _):
        for _ in range(block):
            x = step(x)
        return x, None

    return lax.scan(jax.checkpoint(one_block), x0,
                    length=n // block)[0].sum()


def BAD_blocks_forever(step, x0, n, block):
    """A while_loop over the blocks whose counter is never increased."""
    one_block = jax.checkpoint(lambda x: _scan_steps(step, x, block))
    x, _ = lax.while_loop(lambda s: s[1] < n // block,
                          lambda s: (one_block(s[0]), s[1]), (x0, 0))
    return x.sum()


def BAD_blocks_final_array(step, x0, n, block):
    """Returns the final array, not its sum."""
    one_block = jax.checkpoint(lambda x, _: (_scan_steps(step, x, block),
                                             None))
    return lax.scan(one_block, x0, length=n // block)[0]


def BAD_damped_t_carried(f, x0, tol=1e-5):
    """t is carried from step to step: each search starts where the last
    one ended, not from t = 1."""
    df = jax.grad(f)

    def step(state):
        x, t, steps = state
        fx = jnp.abs(f(x))
        d = f(x) / df(x)
        t = lax.while_loop(lambda t: jnp.abs(f(x - t * d)) >= fx,
                           lambda t: t / 2, t)
        return x - t * d, t, steps + 1

    x, _, steps = lax.while_loop(lambda s: jnp.abs(f(s[0])) >= tol, step,
                                 (jnp.float32(x0), jnp.float32(1.0),
                                  jnp.int32(0)))
    return x, steps


def BAD_blocks_while_blocks(step, x0, n, block):
    """A while_loop over the blocks: right values, but no gradient."""
    def one_block(c):
        i, x = c
        return i + 1, jax.checkpoint(lambda x: _scan_steps(step, x, block))(x)

    return lax.while_loop(lambda c: c[0] < n // block, one_block,
                          (0, x0))[1].sum()


def BAD_blocks_swapped(step, x0, n, block):
    """block blocks of n // block steps: the two lengths swapped."""
    def one_block(x, _):
        return _scan_steps(step, x, n // block), None

    return lax.scan(jax.checkpoint(one_block), x0, length=block)[0].sum()
