"""Attempts at the sparse chapter's exercises, for tests/test_check_sparse.py.

BOOK_ is the book's solution, OK_ another correct one written
differently, BAD_ a typical mistake (its hint is in the catalogue).
"""

import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize
import scipy.sparse
import scipy.sparse.linalg
from jax.scipy.sparse.linalg import cg

from py4eng_jax import assemble_conduction, conduction_operator
from py4eng_jax.check._sparse import plate

# ------------------------------------------------------------ sparse-ex1


def _flows(u, k, dx, up, kp, total=False):
    """The four face flows of every point, given padded u and k."""
    def face(nb_k):
        return (k + nb_k) if total else (k + nb_k) / 2
    return (face(kp[:-2, 1:-1]) * (u - up[:-2, 1:-1]),
            face(kp[2:, 1:-1]) * (u - up[2:, 1:-1]),
            face(kp[1:-1, :-2]) * (u - up[1:-1, :-2]),
            face(kp[1:-1, 2:]) * (u - up[1:-1, 2:]))


def BOOK_insulated(q, k, dx):
    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        right = (k + kp[1:-1, 2:]) / 2 * (u - up[1:-1, 2:])
        right = right.at[:, -1].set(0.0)          # the insulated side
        flow = ((k + kp[:-2, 1:-1]) / 2 * (u - up[:-2, 1:-1])
                + (k + kp[2:, 1:-1]) / 2 * (u - up[2:, 1:-1])
                + (k + kp[1:-1, :-2]) / 2 * (u - up[1:-1, :-2]) + right)
        return flow / dx ** 2

    return cg(operator, q, tol=1e-12)[0]


def OK_insulated_copy_column(q, k, dx):
    """Beyond the right edge, the ghost value equals the last column: the
    difference across that face, and so its flow, is zero."""
    def operator(u):
        up = jnp.pad(jnp.concatenate([u, u[:, -1:]], axis=1),
                     ((1, 1), (1, 0)))
        kp = jnp.pad(k, 1, mode="edge")
        return sum(_flows(u, k, dx, up, kp)) / dx ** 2

    return cg(operator, q, tol=1e-13, maxiter=10_000)[0]


def OK_insulated_sparse_direct(q, k, dx):
    """The package's matrix, less the right boundary faces' conductance on
    the diagonal, solved by SciPy's direct solver."""
    a = assemble_conduction(np.asarray(k), dx).tolil()
    n, m = k.shape
    for i in range(n):
        row = i * m + m - 1
        a[row, row] -= float(k[i, -1]) / dx ** 2
    u = scipy.sparse.linalg.spsolve(a.tocsc(), np.asarray(q).ravel())
    return u.reshape(q.shape)


def OK_insulated_mask(q, k, dx):
    """A face-conductance array for the right faces, zero at the edge."""
    k_right = jnp.concatenate([(k[:, :-1] + k[:, 1:]) / 2,
                               jnp.zeros_like(k[:, :1])], axis=1)

    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        top, bottom, left, _ = _flows(u, k, dx, up, kp)
        return (top + bottom + left
                + k_right * (u - up[1:-1, 2:])) / dx ** 2

    return cg(operator, q, tol=1e-12)[0]


def BAD_insulated_stub(q, k, dx):
    ...


def BAD_insulated_all_fixed(q, k, dx):
    return cg(lambda u: conduction_operator(u, k, dx), q, tol=1e-12)[0]


def _insulate(side):
    def solve(q, k, dx):
        def operator(u):
            kp = jnp.pad(k, 1, mode="edge")
            up = jnp.pad(u, 1)
            flows = list(_flows(u, k, dx, up, kp))
            index, where = side
            flows[index] = flows[index].at[where].set(0.0)
            return sum(flows) / dx ** 2
        return cg(operator, q, tol=1e-12)[0]
    return solve


BAD_insulated_left = _insulate((2, (slice(None), 0)))
BAD_insulated_last_row = _insulate((1, (-1, slice(None))))


def BAD_insulated_face_sum(q, k, dx):
    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        flows = list(_flows(u, k, dx, up, kp, total=True))
        flows[3] = flows[3].at[:, -1].set(0.0)
        return sum(flows) / dx ** 2
    return cg(operator, q, tol=1e-12)[0]


def BAD_insulated_harmonic(q, k, dx):
    """The harmonic mean at every face, as the chapter recommends at a
    jump, but not the chapter's operator."""
    def face(nb_k):
        return 2 * k * nb_k / (k + nb_k)

    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        right = face(kp[1:-1, 2:]) * (u - up[1:-1, 2:])
        return (face(kp[:-2, 1:-1]) * (u - up[:-2, 1:-1])
                + face(kp[2:, 1:-1]) * (u - up[2:, 1:-1])
                + face(kp[1:-1, :-2]) * (u - up[1:-1, :-2])
                + right.at[:, -1].set(0.0)) / dx ** 2

    return cg(operator, q, tol=1e-12)[0]


def BAD_insulated_zero_k_beyond(q, k, dx):
    """k beyond the last column set to 0, the face kept: its
    conductivity is (k + 0)/2, not 0."""
    def operator(u):
        kp = jnp.pad(jnp.pad(k, ((0, 0), (0, 1))), ((1, 1), (1, 0)),
                     mode="edge")
        up = jnp.pad(u, 1)
        return sum(_flows(u, k, dx, up, kp)) / dx ** 2

    return cg(operator, q, tol=1e-12)[0]


def BAD_insulated_ignores_k(q, k, dx):
    return BOOK_insulated(q, jnp.ones_like(k), dx)


def BAD_insulated_ignores_dx(q, k, dx):
    return BOOK_insulated(q, k, 1.0)


def BAD_insulated_default_tol(q, k, dx):
    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        flows = list(_flows(u, k, dx, up, kp))
        flows[3] = flows[3].at[:, -1].set(0.0)
        return sum(flows) / dx ** 2
    return cg(operator, q)[0]


def BAD_insulated_applies_operator(q, k, dx):
    kp = jnp.pad(k, 1, mode="edge")
    up = jnp.pad(q, 1)
    flows = list(_flows(q, k, dx, up, kp))
    flows[3] = flows[3].at[:, -1].set(0.0)
    return sum(flows) / dx ** 2


def BAD_insulated_sign(q, k, dx):
    return -BOOK_insulated(q, k, dx)


def BAD_insulated_flat(q, k, dx):
    return BOOK_insulated(q, k, dx).ravel()


def BAD_insulated_forever(q, k, dx):
    while True:
        pass


def BAD_insulated_own_cg_endless(q, k, dx):
    """A hand-written CG whose step counter is never advanced: its
    lax.while_loop never ends."""
    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        flows = list(_flows(u, k, dx, up, kp))
        flows[3] = flows[3].at[:, -1].set(0.0)
        return sum(flows) / dx ** 2

    def step(state):
        u, r, d, i = state
        ad = operator(d)
        alpha = jnp.sum(r * r) / jnp.sum(d * ad)
        r_new = r - alpha * ad
        beta = jnp.sum(r_new * r_new) / jnp.sum(r * r)
        return u + alpha * d, r_new, r_new + beta * d, i   # i never grows

    state = (jnp.zeros_like(q), q, q, 0)
    return jax.lax.while_loop(lambda s: s[3] < 500, step, state)[0]


def BAD_insulated_no_return(q, k, dx):
    """Solves, prints, and forgets to return the solution."""
    u = BOOK_insulated(q, k, dx)
    print("right column:", u[:, -1])


def BAD_insulated_three_by_three(q, k, dx):
    """The insulated faces masked with an array of the statement's size,
    3 x 3."""
    right_open = jnp.ones((3, 3)).at[:, -1].set(0.0)

    def operator(u):
        kp = jnp.pad(k, 1, mode="edge")
        up = jnp.pad(u, 1)
        top, bottom, left, right = _flows(u, k, dx, up, kp)
        return (top + bottom + left + right_open * right) / dx ** 2

    return cg(operator, q, tol=1e-12)[0]


def BAD_insulated_float32(q, k, dx):
    """Everything cast to float32: CG cannot get within 1e-8."""
    return BOOK_insulated(q.astype(jnp.float32), k.astype(jnp.float32),
                          jnp.float32(dx))


# ------------------------------------------------------------ sparse-ex2

_, Q, DX = plate(400.0)


def plate_k(k_bar):
    return plate(k_bar)[0]


def _rise(k_bar, tol=1e-12):
    k = plate_k(k_bar)
    return cg(lambda v: conduction_operator(v, k, DX), Q, tol=tol)[0].mean()


def _rise_gap(log_k, target):
    return _rise(jnp.exp(log_k)) - target


_newton_parts = jax.jit(jax.value_and_grad(_rise_gap))


def BOOK_bar(target):
    log_k = jnp.log(16.0)
    for _ in range(30):
        gap, slope = _newton_parts(log_k, target)
        log_k = log_k - gap / slope
        if abs(gap) < 1e-9 * target:
            break
    return float(jnp.exp(log_k))


_rise_jit = jax.jit(_rise)


def OK_bar_brentq(target):
    """No gradient: a bracketing root finder on the log of k."""
    return float(np.exp(scipy.optimize.brentq(
        lambda s: float(_rise_jit(np.exp(s))) - target,
        np.log(1.0), np.log(1e5), xtol=1e-12, rtol=1e-12)))


def OK_bar_bisection(target):
    lo, hi = np.log(16.0), np.log(1e3)     # rise(lo) > target > rise(hi)
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if float(_rise_jit(np.exp(mid))) > target:
            lo = mid
        else:
            hi = mid
    return float(np.exp((lo + hi) / 2))


_slope_k = jax.jit(jax.value_and_grad(_rise))


def OK_bar_newton_in_k(target):
    """Newton on k itself, from steel's conductivity (the rise is convex
    and falling in k, so Newton from the left of the root never
    overshoots past it)."""
    k_bar = 16.0
    for _ in range(60):
        rise, slope = _slope_k(k_bar)
        step = (rise - target) / slope
        k_bar = k_bar - step
        if abs(rise - target) < 1e-9 * target:
            break
    return float(k_bar)


def BAD_bar_stub(target):
    ...


def BAD_bar_returns_rise(target):
    return target


def BAD_bar_constant(target):
    return BOOK_bar(22.4)


def BAD_bar_one_step(target):
    gap, slope = _newton_parts(jnp.log(16.0), target)
    return float(jnp.exp(jnp.log(16.0) - gap / slope))


def BAD_bar_loose_stop(target):
    log_k = jnp.log(16.0)
    for _ in range(30):
        gap, slope = _newton_parts(log_k, target)
        if abs(gap) < 1e-3:          # a millikelvin: not tight enough
            break
        log_k = log_k - gap / slope
    return float(jnp.exp(log_k))


def BAD_bar_wrong_sign(target):
    k_bar = 100.0
    for _ in range(5):
        rise, slope = _slope_k(k_bar)
        k_bar = k_bar + (rise - target) / abs(slope)
    return float(k_bar)


def BAD_bar_field(target):
    k = plate_k(BOOK_bar(target))
    return k


def BAD_bar_secant_once(target):
    r1, r2 = float(_rise_jit(16.0)), float(_rise_jit(400.0))
    return 16.0 + (target - r1) * (400.0 - 16.0) / (r2 - r1)


def BAD_bar_no_return(target):
    """Newton's iteration, done right, but the answer never returned."""
    log_k = jnp.log(16.0)
    for _ in range(30):
        gap, slope = _newton_parts(log_k, target)
        log_k = log_k - gap / slope
        if abs(gap) < 1e-9 * target:
            break
    k_bar = float(jnp.exp(log_k))
    print(f"k = {k_bar:.2f} W/(m K)")


def BAD_bar_forever(target):
    k_bar = 16.0
    while float(_rise_jit(k_bar)) != target:
        k_bar = k_bar * 1.0
    return k_bar


def BAD_bar_padded_mean(target):
    """Newton on the mean over the padded (65 x 65) array: no conductivity
    reaches the target on that quantity, and the iterate runs away."""
    def gap(log_k):
        k = plate_k(jnp.exp(log_k))
        u = cg(lambda v: conduction_operator(v, k, DX), Q, tol=1e-12)[0]
        return jnp.pad(u, 1).mean() - target
    parts = jax.jit(jax.value_and_grad(gap))
    log_k = jnp.log(16.0)
    for _ in range(30):
        g, slope = parts(log_k)
        log_k = log_k - g / slope
    return float(jnp.exp(log_k))


_BIG_DX = 0.1 / 64
_BIG_X = jnp.arange(1, 64) * _BIG_DX
_BIG_BAR = ((jnp.abs(_BIG_X[:, None] - 0.05) < 0.04)
            & (jnp.abs(_BIG_X[None, :] - 0.05) < 0.02))


def _big_gap(log_k, target):
    k = jnp.where(_BIG_BAR, jnp.exp(log_k), 16.0)
    u = cg(lambda v: conduction_operator(v, k, _BIG_DX), Q, tol=1e-12)[0]
    return u.mean() - target


_big_parts = jax.jit(jax.value_and_grad(_big_gap))


def BAD_bar_big_bar(target):
    """Newton done right on another plate: the bar's half-widths taken as
    its widths (8 cm x 4 cm): self-consistent, but off."""
    log_k = jnp.log(16.0)
    for _ in range(30):
        gap, slope = _big_parts(log_k, target)
        log_k = log_k - gap / slope
        if abs(gap) < 1e-9 * target:
            break
    return float(jnp.exp(log_k))


def BAD_bar_newton_k_from_copper(target):
    """Newton on k itself from copper's 400: the first step overshoots
    to k < 0, and the loop waits for a convergence that never comes."""
    k_bar, gap = 400.0, 1.0
    while abs(gap) > 1e-9 * target:
        gap, slope = _slope_k(k_bar)
        gap = float(gap) - target
        k_bar = k_bar - gap / float(slope)
    return k_bar


def BAD_bar_returns_log_k(target):
    """Newton in log k, done right, but log k returned."""
    log_k = jnp.log(16.0)
    for _ in range(30):
        gap, slope = _newton_parts(log_k, target)
        log_k = log_k - gap / slope
        if abs(gap) < 1e-9 * target:
            break
    return float(log_k)
