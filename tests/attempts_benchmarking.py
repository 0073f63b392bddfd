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


def OK_escape_count_fused_test(cr, ci, max_iter):
    """One flag: the loop runs while the next z is inside; count as int32;
    the test of |z| as a squared modulus of a complex number."""
    c = cr + 1j * ci

    def going(state):
        z, count = state
        nxt = z * z + c
        return (count < max_iter) & ((nxt * jnp.conj(nxt)).real <= 4)

    def body(state):
        z, count = state
        return z * z + c, count + jnp.int32(1)

    return lax.while_loop(going, body, (0j * c, jnp.int32(0)))[1]


def BAD_escape_count_stub(cr, ci, max_iter):
    raise NotImplementedError("your code here")


def BAD_escape_count_no_return(cr, ci, max_iter):
    count = OK_escape_count_peek(cr, ci, max_iter)  # noqa: F841


def BAD_escape_count_fixed_max_iter(cr, ci, max_iter):
    """The max_iter of the first example, whatever max_iter says."""
    return OK_escape_count_peek(cr, ci, 50)
