"""Attempts at the benchmarking chapter's exercises, for
tests/test_check_benchmarking.py.

OK_ is a correct solution written differently from the book's, BAD_ a
typical mistake (its hint is in the catalogue). The book's own solutions
are not copied here: tests/test_exercises.py checks their stored outputs.
"""

import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

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


def OK_honest_times_list_comprehension(f, x, repeat):
    """A helper that times one blocked call; np.asarray blocks too."""
    def timed_call():
        start = time.perf_counter()
        np.asarray(f(x))
        return time.perf_counter() - start

    np.asarray(f(x))
    return [timed_call() for _ in range(repeat)]


def BAD_honest_times_stub(f, x, repeat):
    raise NotImplementedError("your code here")


def BAD_honest_times_no_return(f, x, repeat):
    times = _correct_honest_times(f, x, repeat)  # noqa: F841


def BAD_honest_times_fixed_repeat(f, x, repeat):
    """The repeat of the checker's first run, whatever repeat says."""
    return _correct_honest_times(f, x, 3)


def BAD_honest_times_forever(f, x, repeat):
    """Counts the calls, but never appends a time."""
    jax.block_until_ready(f(x))
    times = []
    while len(times) < repeat:
        start = time.perf_counter()
        jax.block_until_ready(f(x))
        elapsed = time.perf_counter() - start  # noqa: F841
    return times


def BAD_honest_times_own_input(f, x, repeat):
    """Warms up and times on a fresh input, not on x."""
    return _correct_honest_times(f, jnp.ones_like(x), repeat)


def OK_honest_times_two_warmups(f, x, repeat):
    """Two untimed warm-up calls, to be sure."""
    for _ in range(2):
        jax.block_until_ready(f(x))
    return [_timed_once(f, x) for _ in range(repeat)]


def _timed_once(f, x):
    start = time.perf_counter()
    jax.block_until_ready(f(x))
    return time.perf_counter() - start


def BAD_honest_times_clock_before_warmup(f, x, repeat):
    """One clock, started before the warm-up: every time holds it."""
    start = time.perf_counter()
    jax.block_until_ready(f(x))
    times = []
    for _ in range(repeat):
        jax.block_until_ready(f(x))
        times.append(time.perf_counter() - start)
    return times


def BAD_honest_times_lower(f, x, repeat):
    """Compiles ahead of time with .lower, which a plain callable lacks."""
    compiled = f.lower(x).compile()
    return _correct_honest_times(compiled, x, repeat)


# ------------------------------------------------------------ benchmarking-ex2


def _step(zr, zi, cr, ci):
    return zr * zr - zi * zi + cr, 2 * zr * zi + ci


def OK_escape_point_complex(cr, ci, max_iter):
    """Complex numbers; the flag says the last update left the circle."""
    c = lax.complex(cr, ci)

    def cond(s):
        z, n, out = s
        return ~out & (n < max_iter)

    def body(s):
        z, n, _ = s
        z = z * z + c
        out = jnp.abs(z) > 2
        return z, n + jnp.where(out, 0, 1), out

    z, n, _ = lax.while_loop(cond, body, (jnp.complex64(0), 0, False))
    return n, z.real, z.imag


def OK_escape_point_peek(cr, ci, max_iter):
    """The condition looks one update ahead; the escaping update is made
    after the loop."""
    def cond(s):
        zr, zi, n = s
        zr, zi = _step(zr, zi, cr, ci)
        return (zr * zr + zi * zi <= 4) & (n < max_iter)

    def body(s):
        zr, zi, n = s
        return (*_step(zr, zi, cr, ci), n + 1)

    z0 = jnp.zeros_like(cr)
    zr, zi, n = lax.while_loop(cond, body, (z0, z0, jnp.int32(0)))
    nr, ni = _step(zr, zi, cr, ci)
    escaped = n < max_iter
    return n, jnp.where(escaped, nr, zr), jnp.where(escaped, ni, zi)


def OK_escape_point_alive(cr, ci, max_iter):
    """The chapter's tile_counts, one update per trip, with z returned."""
    def more(s):
        k, zr, zi, alive, count = s
        return (k < max_iter) & alive

    def trip(s):
        k, zr, zi, alive, count = s
        zr, zi = _step(zr, zi, cr, ci)
        alive = alive & (zr * zr + zi * zi <= 4)
        return k + 1, zr, zi, alive, count + alive.astype(jnp.int32)

    zero = jnp.zeros_like(cr)
    _, zr, zi, _, count = lax.while_loop(
        more, trip, (0, zero, zero, jnp.bool_(True), jnp.int32(0)))
    return count, zr, zi


def BAD_escape_point_stub(cr, ci, max_iter):
    raise NotImplementedError("your code here")


def BAD_escape_point_no_return(cr, ci, max_iter):
    count = OK_escape_point_alive(cr, ci, max_iter)  # noqa: F841


def BAD_escape_point_forever(cr, ci, max_iter):
    """Forgets max_iter: a point of the set never stops."""
    def step(s):
        zr, zi, count, _ = s
        zr, zi = _step(zr, zi, cr, ci)
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1, count), inside

    zero = jnp.zeros_like(cr)
    zr, zi, n, _ = lax.while_loop(lambda s: s[3], step,
                                  (zero, zero, 0, True))
    return n, zr, zi


def BAD_escape_point_fixed_max_iter(cr, ci, max_iter):
    """The chapter's MAX_ITER = 100, whatever max_iter says."""
    return OK_escape_point_alive(cr, ci, 100)


def BAD_escape_point_ignores_ci(cr, ci, max_iter):
    return OK_escape_point_alive(cr, jnp.zeros_like(ci), max_iter)


def BAD_escape_point_count_only(cr, ci, max_iter):
    """The chapter's tile_counts as it is: the count alone."""
    return OK_escape_point_alive(cr, ci, max_iter)[0]


def BAD_escape_point_unrolled(cr, ci, max_iter):
    """tile_counts' trips of 8 updates, z returned: z runs on after the
    escape until the end of the trip."""
    def steps(s, n):
        zr, zi, alive, count = s
        for _ in range(n):
            zr, zi = _step(zr, zi, cr, ci)
            alive = alive & (zr * zr + zi * zi <= 4)
            count = count + alive.astype(jnp.int32)
        return zr, zi, alive, count

    def more(c):
        k, s = c
        return (k + 8 <= max_iter) & s[2]

    zero = jnp.zeros_like(cr)
    state = (zero, zero, jnp.bool_(True), jnp.int32(0))
    k, state = lax.while_loop(more, lambda c: (c[0] + 8, steps(c[1], 8)),
                              (0, state))
    if max_iter % 8:
        state = lax.cond(state[2], lambda s: steps(s, max_iter % 8),
                         lambda s: s, state)
    return state[3], state[0], state[1]


def BAD_escape_point_held_at_2(cr, ci, max_iter):
    """The chapter's NumPy version: an escaped z is held at 2."""
    def step(s):
        zr, zi, count, _ = s
        zr, zi = _step(zr, zi, cr, ci)
        inside = zr * zr + zi * zi <= 4
        return (jnp.where(inside, zr, 2.0), jnp.where(inside, zi, 0.0),
                jnp.where(inside, count + 1, count), inside)

    zero = jnp.zeros_like(cr)
    zr, zi, n, _ = lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                                  (zero, zero, 0, True))
    return n, zr, zi


def BAD_escape_point_last_inside(cr, ci, max_iter):
    """The peeking loop without the escaping update after it."""
    def cond(s):
        zr, zi, n = s
        zr, zi = _step(zr, zi, cr, ci)
        return (zr * zr + zi * zi <= 4) & (n < max_iter)

    def body(s):
        zr, zi, n = s
        return (*_step(zr, zi, cr, ci), n + 1)

    z0 = jnp.zeros_like(cr)
    zr, zi, n = lax.while_loop(cond, body, (z0, z0, jnp.int32(0)))
    return n, zr, zi


def BAD_escape_point_off_by_one(cr, ci, max_iter):
    def step(s):
        zr, zi, count, _ = s
        zr, zi = _step(zr, zi, cr, ci)
        return zr, zi, count + 1, zr * zr + zi * zi <= 4

    zero = jnp.zeros_like(cr)
    zr, zi, n, _ = lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                                  (zero, zero, 0, True))
    return n, zr, zi


def BAD_escape_point_set_short(cr, ci, max_iter):
    """Stops one update early: the points of the set get max_iter - 1."""
    return OK_escape_point_alive(cr, ci, max_iter - 1)


def BAD_escape_point_fori(cr, ci, max_iter):
    """Right values, but every point runs all max_iter steps."""
    def step(i, s):
        zr, zi, count, alive = s
        nr, ni = _step(zr, zi, cr, ci)
        inside = alive & (nr * nr + ni * ni <= 4)
        return (jnp.where(alive, nr, zr), jnp.where(alive, ni, zi),
                count + inside, inside)

    zero = jnp.zeros_like(cr)
    zr, zi, n, _ = lax.fori_loop(0, max_iter, step,
                                 (zero, zero, jnp.int32(0), True))
    return n, zr, zi


def BAD_escape_point_python_while(cr, ci, max_iter):
    zr = zi = 0.0
    count = 0
    while count < max_iter:
        zr, zi = _step(zr, zi, cr, ci)
        if zr * zr + zi * zi > 4:
            break
        count += 1
    return jnp.asarray(count), zr, zi


def BAD_escape_point_float(cr, ci, max_iter):
    def step(s):
        zr, zi, count, _ = s
        zr, zi = _step(zr, zi, cr, ci)
        inside = zr * zr + zi * zi <= 4
        return zr, zi, jnp.where(inside, count + 1.0, count), inside

    zero = jnp.zeros_like(cr)
    zr, zi, n, _ = lax.while_loop(lambda s: s[3] & (s[2] < max_iter), step,
                                  (zero, zero, 0.0, True))
    return n, zr, zi
