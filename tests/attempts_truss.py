"""Attempts at the truss chapter's exercises, for tests/test_check_truss.py.

``BOOK_*`` is the chapter's solution, ``OK_*`` other correct solutions
written differently, ``BAD_*`` typical wrong answers.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from py4eng_jax import ten_bar_truss, truss_solve

TEN_BAR = ten_bar_truss()

# ------------------------------------------------------------ truss-ex1


def BOOK_buckling(truss, areas, k):
    stresses = truss_solve(truss, areas).stresses
    critical = math.pi**2 * truss.youngs_modulus * k * areas \
        / truss.lengths**2
    return -stresses / critical


def OK_buckling_inertia(truss, areas, k):
    """the second moment of area first, then Euler's load over the area"""
    inertia = k * areas**2
    euler_load = jnp.pi**2 * truss.youngs_modulus * inertia \
        / jnp.asarray(truss.lengths) ** 2
    force = truss_solve(truss, areas).stresses * areas
    return -force / euler_load


def OK_buckling_from_displacements(truss, areas, k):
    """stresses recomputed from the displacements by hand"""
    u = truss_solve(truss, areas).displacements
    i, j = truss.members[:, 0], truss.members[:, 1]
    stretch = jnp.sum(truss.directions * (u[j] - u[i]), axis=1)
    strain = stretch / truss.lengths
    # sigma / sigma_cr = E strain L^2 / (pi^2 E k A)
    return -strain * truss.lengths**2 / (jnp.pi**2 * k * areas)


def OK_buckling_where(truss, areas, k):
    """compression and tension told apart with jnp.where (same values)"""
    s = truss_solve(truss, areas).stresses
    sigma_cr = (math.pi**2 * truss.youngs_modulus * k * areas
                / truss.lengths**2)
    return jnp.where(s < 0, jnp.abs(s) / sigma_cr, -s / sigma_cr)


def BAD_buckling_stub(truss, areas, k):
    ...


def BAD_buckling_sign(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    return s / (math.pi**2 * truss.youngs_modulus * k * areas
                / truss.lengths**2)


def BAD_buckling_length(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    return -s / (math.pi**2 * truss.youngs_modulus * k * areas
                 / truss.lengths)


def BAD_buckling_no_pi(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    return -s / (truss.youngs_modulus * k * areas / truss.lengths**2)


def BAD_buckling_inertia_linear(truss, areas, k):
    """I = k A: the critical stress does not grow with the area"""
    s = truss_solve(truss, areas).stresses
    return -s / (math.pi**2 * truss.youngs_modulus * k / truss.lengths**2)


def BAD_buckling_clipped(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    ratio = -s / (math.pi**2 * truss.youngs_modulus * k * areas
                  / truss.lengths**2)
    return jnp.maximum(ratio, 0.0)


def BAD_buckling_abs(truss, areas, k):
    """abs of the stress: tension members get a positive ratio too"""
    s = truss_solve(truss, areas).stresses
    return jnp.abs(s) / (math.pi**2 * truss.youngs_modulus * k * areas
                         / truss.lengths**2)


def BAD_buckling_typed_e(truss, areas, k):
    """E typed in as the 10-bar truss's 1e4 ksi"""
    s = truss_solve(truss, areas).stresses
    return -s / (math.pi**2 * 1.0e4 * k * areas / truss.lengths**2)


def BAD_buckling_over_load(truss, areas, k):
    """the stress over Euler's critical load, not the critical stress"""
    s = truss_solve(truss, areas).stresses
    p_cr = math.pi**2 * truss.youngs_modulus * k * areas**2 \
        / truss.lengths**2
    return -s / p_cr


def BAD_buckling_inverted(truss, areas, k):
    """the critical stress over the stress"""
    s = truss_solve(truss, areas).stresses
    sigma_cr = (math.pi**2 * truss.youngs_modulus * k * areas
                / truss.lengths**2)
    return sigma_cr / -s


def BAD_buckling_ignores_k(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    return -s / (math.pi**2 * truss.youngs_modulus * areas
                 / truss.lengths**2)


def BAD_buckling_ten_bar_only(truss, areas, k):
    s = truss_solve(TEN_BAR, areas).stresses
    return -s / (math.pi**2 * TEN_BAR.youngs_modulus * k * areas
                 / TEN_BAR.lengths**2)


def BAD_buckling_python_if(truss, areas, k):
    s = truss_solve(truss, areas).stresses
    out = []
    for e in range(len(truss.members)):
        sigma_cr = (math.pi**2 * truss.youngs_modulus * k * areas[e]
                    / truss.lengths[e] ** 2)
        if s[e] < 0:
            out.append(-s[e] / sigma_cr)
        else:
            out.append(-s[e] / sigma_cr)
    return jnp.stack(out)


def BAD_buckling_numpy(truss, areas, k):
    a = np.asarray(areas)
    s = np.asarray(truss_solve(truss, jnp.asarray(a)).stresses)
    return jnp.asarray(-s * truss.lengths**2
                       / (np.pi**2 * truss.youngs_modulus * k * a))


def BAD_buckling_forever(truss, areas, k):
    while True:
        pass


def BAD_buckling_no_return(truss, areas, k):
    """The ratios computed, and left in a local variable."""
    stresses = truss_solve(truss, areas).stresses
    ratios = -stresses * truss.lengths**2 / (
        math.pi**2 * truss.youngs_modulus * k * areas)
    ratios = ratios.reshape(-1)


# ------------------------------------------------------------ truss-ex2


def _sag(areas, p_a, p_b):
    loads = jnp.zeros((6, 2)).at[1, 1].set(-p_a).at[3, 1].set(-p_b)
    return truss_solve(TEN_BAR, areas, loads).displacements[0, 1]


def BOOK_drift(key, areas, n):
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))

    def sag(p_a, p_b):
        loads = jnp.zeros((6, 2)).at[1, 1].set(-p_a).at[3, 1].set(-p_b)
        return truss_solve(TEN_BAR, areas, loads).displacements[0, 1]

    p = jnp.mean(jax.vmap(sag)(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def OK_drift_one_draw(key, areas, n):
    """one normal draw of shape (n, 2), loads built by broadcasting"""
    pairs = 100.0 + 10.0 * jax.random.normal(key, (n, 2))
    base = jnp.zeros((6, 2))

    def one(pair):
        loads = base.at[jnp.array([1, 3]), 1].set(-pair)
        return truss_solve(TEN_BAR, areas, loads).displacements[0, 1]

    flags = jax.vmap(one)(pairs) < -2.0
    p = flags.astype(float).mean()
    return jnp.array([p, jnp.sqrt(p * (1 - p) / n)])


def OK_drift_linearity(key, areas, n):
    """two unit-load solves, then superposition (displacement is linear)"""
    k1, k2 = jax.random.split(key)
    p = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    q = 100.0 + 10.0 * jax.random.normal(k2, (n,))
    a = _sag(areas, 1.0, 0.0)
    b = _sag(areas, 0.0, 1.0)
    frac = jnp.count_nonzero(a * p + b * q < -2.0) / n
    return frac, jnp.sqrt(frac * (1 - frac) / n)


def OK_drift_vmapped_loads(key, areas, n):
    """full load arrays, vmapped over the batch of loads"""
    k1, k2 = jax.random.split(key)
    p1 = jax.random.normal(k1, (n,)) * 10 + 100
    p2 = jax.random.normal(k2, (n,)) * 10 + 100
    loads = jnp.zeros((n, 6, 2)).at[:, 1, 1].set(-p1).at[:, 3, 1].set(-p2)
    u = jax.vmap(lambda f: truss_solve(TEN_BAR, areas, f).displacements)(
        loads)
    p = jnp.mean(u[:, 0, 1] < -2)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_stub(key, areas, n):
    raise NotImplementedError


def BAD_drift_same_key(key, areas, n):
    z = jax.random.normal(key, (n,))
    p1 = p2 = 100.0 + 10.0 * z
    p = jnp.mean(jax.vmap(lambda a, b: _sag(areas, a, b))(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_within(key, areas, n):
    p, se = BOOK_drift(key, areas, n)
    return 1 - p, se


def BAD_drift_lower_node(key, areas, n):
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))

    def sag(p_a, p_b):
        loads = jnp.zeros((6, 2)).at[1, 1].set(-p_a).at[3, 1].set(-p_b)
        return truss_solve(TEN_BAR, areas, loads).displacements[1, 1]

    p = jnp.mean(jax.vmap(sag)(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_upward(key, areas, n):
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))
    p = jnp.mean(jax.vmap(lambda a, b: _sag(areas, -a, -b))(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_horizontal(key, areas, n):
    """node 0's horizontal displacement compared with the limit"""
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))

    def drift(p_a, p_b):
        loads = jnp.zeros((6, 2)).at[1, 1].set(-p_a).at[3, 1].set(-p_b)
        return truss_solve(TEN_BAR, areas, loads).displacements[0, 0]

    p = jnp.mean(jax.vmap(drift)(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_python_loop(key, areas, n):
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))
    sags = jnp.stack([_sag(areas, p1[i], p2[i]) for i in range(n)])
    p = jnp.mean(sags < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_fixed_key(key, areas, n):
    return BOOK_drift(jax.random.key(42), areas, n)


def BAD_drift_fixed_areas(key, areas, n):
    fixed = jnp.array([30.52, 0.1, 23.20, 15.22, 0.1, 0.55, 7.46, 21.04,
                       21.53, 0.1])
    return BOOK_drift(key, fixed, n)


def BAD_drift_se(key, areas, n):
    p, _ = BOOK_drift(key, areas, n)
    return p, jnp.sqrt(p * (1 - p)) / n


def BAD_drift_variance(key, areas, n):
    """the standard deviation taken as 100, the variance"""
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 100.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 100.0 * jax.random.normal(k2, (n,))
    p = jnp.mean(jax.vmap(lambda a, b: _sag(areas, a, b))(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_only_p(key, areas, n):
    return BOOK_drift(key, areas, n)[0]


def BAD_drift_flags(key, areas, n):
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (n,))
    flags = jax.vmap(lambda a, b: _sag(areas, a, b))(p1, p2) < -2.0
    return flags, jnp.sqrt(0.25 / n)


def BAD_drift_no_return(key, areas, n):
    """(p, se) computed and printed, not returned."""
    p, se = BOOK_drift(key, areas, n)
    print("p =", p, "+-", se)


def BAD_drift_forever(key, areas, n):
    while True:
        pass


def BAD_drift_fixed_n(key, areas, n):
    """20 000 samples whatever n is, and 20 000 in the standard error"""
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 10.0 * jax.random.normal(k1, (20_000,))
    p2 = 100.0 + 10.0 * jax.random.normal(k2, (20_000,))
    p = jnp.mean(jax.vmap(lambda a, b: _sag(areas, a, b))(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / 20_000)


def BAD_drift_fixed_samples(key, areas, n):
    """20 000 samples whatever n is, but n in the standard error"""
    p, _ = BAD_drift_fixed_n(key, areas, n)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_drift_std_one(key, areas, n):
    """standard deviation 1 kip instead of 10"""
    k1, k2 = jax.random.split(key)
    p1 = 100.0 + 1.0 * jax.random.normal(k1, (n,))
    p2 = 100.0 + 1.0 * jax.random.normal(k2, (n,))
    p = jnp.mean(jax.vmap(lambda a, b: _sag(areas, a, b))(p1, p2) < -2.0)
    return p, jnp.sqrt(p * (1 - p) / n)
