"""The checkers of the monte-carlo chapter: their catalogue of attempts.

As in tests/test_check_catalogue.py: ``BOOK_*`` (the chapter's solution)
and ``OK_*`` (correct solutions written differently) pass; each ``BAD_*``
(a typical wrong answer) fails, or is "not attempted", with the hint
fragments listed. The attempts live here, not in checker_solutions.py.
"""

import jax
import jax.numpy as jnp
import numpy as np

from py4eng_jax.check import _monte_carlo as M
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

divider_means = jnp.array([12.0, 10.0, 5.0])
divider_stds = jnp.array([0.2, 0.3, 0.15])
v_limit = 4.2


def divider(x):
    v_in, r1, r2 = x
    return v_in * r2 / (r1 + r2)


# ------------------------------------------------------- monte-carlo-ex1


def BOOK_divider(key, n):
    keys = jax.random.split(key, 3)
    z = jnp.stack([jax.random.normal(k, (n,)) for k in keys], axis=1)
    x = divider_means + divider_stds * z
    p = (jax.vmap(divider)(x) > v_limit).mean()
    return p, jnp.sqrt(p * (1 - p) / n)


def OK_divider_one_draw(key, n):
    """one normal draw of shape (n, 3): no key is reused"""
    x = divider_means + divider_stds * jax.random.normal(key, (n, 3))
    above = jax.vmap(divider)(x) > v_limit
    p = jnp.mean(above.astype(jnp.float32))
    return p, jnp.sqrt(p * (1 - p) / n)


def OK_divider_package(key, n):
    """the package's monte_carlo and exceedance"""
    from py4eng_jax import exceedance, monte_carlo
    return exceedance(monte_carlo(divider, key, divider_means,
                                  divider_stds, n), v_limit)


def OK_divider_broadcast(key, n):
    """separate keys, arrays broadcast by hand"""
    k1, k2, k3 = jax.random.split(key, 3)
    v = 12.0 + 0.2 * jax.random.normal(k1, (n,))
    r1 = 10.0 + 0.3 * jax.random.normal(k2, (n,))
    r2 = 5.0 + 0.15 * jax.random.normal(k3, (n,))
    p = jnp.count_nonzero(v * r2 / (r1 + r2) > 4.2) / n
    return jnp.array([p, jnp.sqrt(p * (1 - p) / n)])


def BAD_divider_stub(key, n):
    ...


def BAD_divider_same_key(key, n):
    z = jax.random.normal(key, (n,))
    x = divider_means + divider_stds * jnp.stack([z, z, z], axis=1)
    p = (jax.vmap(divider)(x) > v_limit).mean()
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_divider_python_loop(key, n):
    keys = jax.random.split(key, 3)
    z = jnp.stack([jax.random.normal(k, (n,)) for k in keys], axis=1)
    x = divider_means + divider_stds * z
    values = jnp.stack([divider(x[i]) for i in range(n)])
    p = (values > v_limit).mean()
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_divider_se_formula(key, n):
    p, _ = BOOK_divider(key, n)
    return p, jnp.sqrt(p * (1 - p)) / n


def BAD_divider_se_of_mean(key, n):
    """the standard error of the mean of V_out, not of p"""
    keys = jax.random.split(key, 3)
    z = jnp.stack([jax.random.normal(k, (n,)) for k in keys], axis=1)
    v = jax.vmap(divider)(divider_means + divider_stds * z)
    return (v > v_limit).mean(), v.std() / jnp.sqrt(n)


def BAD_divider_below(key, n):
    p, se = BOOK_divider(key, n)
    return 1 - p, se


def BAD_divider_flags(key, n):
    keys = jax.random.split(key, 3)
    z = jnp.stack([jax.random.normal(k, (n,)) for k in keys], axis=1)
    above = jax.vmap(divider)(divider_means + divider_stds * z) > v_limit
    return above, jnp.sqrt(above.mean() * (1 - above.mean()) / n)


def BAD_divider_python_floats(key, n):
    p, se = BOOK_divider(key, n)
    return [float(p), float(se)]


def BAD_divider_fixed_key(key, n):
    return BOOK_divider(jax.random.key(0), n)


def BAD_divider_variances(key, n):
    keys = jax.random.split(key, 3)
    z = jnp.stack([jax.random.normal(k, (n,)) for k in keys], axis=1)
    x = divider_means + divider_stds**2 * z
    p = (jax.vmap(divider)(x) > v_limit).mean()
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_divider_only_p(key, n):
    return BOOK_divider(key, n)[0]


def BAD_divider_forever(key, n):
    while True:
        pass


# ------------------------------------------------------- monte-carlo-ex2


def BOOK_delta_std(f, means, stds):
    g = jax.grad(f)(means)
    return jnp.sqrt(jnp.sum((g * stds) ** 2))


def OK_delta_std_covariance(f, means, stds):
    """the quadratic form g^T Sigma g with a diagonal Sigma"""
    g = jax.grad(f)(means)
    return jnp.sqrt(g @ jnp.diag(stds**2) @ g)


def OK_delta_std_jvp(f, means, stds):
    """one forward-mode derivative per input, along e_i * s_i"""
    directions = jnp.diag(stds)
    terms = jax.vmap(lambda d: jax.jvp(f, (means,), (d,))[1])(directions)
    return jnp.linalg.norm(terms)


def BAD_delta_std_stub(f, means, stds):
    raise NotImplementedError


def BAD_delta_std_variance(f, means, stds):
    g = jax.grad(f)(means)
    return jnp.sum((g * stds) ** 2)


def BAD_delta_std_abs_sum(f, means, stds):
    g = jax.grad(f)(means)
    return jnp.sum(jnp.abs(g * stds))


def BAD_delta_std_signed(f, means, stds):
    g = jax.grad(f)(means)
    return jnp.sqrt(jnp.sum(g * stds) ** 2)


def BAD_delta_std_per_input(f, means, stds):
    return jnp.abs(jax.grad(f)(means) * stds)


def BAD_delta_std_list(f, means, stds):
    g = jax.grad(f)(means)
    return [abs(float(gi * si)) for gi, si in zip(g, stds)]


def BAD_delta_std_variances(f, means, stds):
    g = jax.grad(f)(means)
    return jnp.sqrt(jnp.sum((g * stds**2) ** 2))


def BAD_delta_std_wrong_point(f, means, stds):
    g = jax.grad(f)(means + stds)
    return jnp.sqrt(jnp.sum((g * stds) ** 2))


def BAD_delta_std_forever(f, means, stds):
    while True:
        pass


NOT_VECTORIZED = ("not vectorized", "jax.vmap")

CATALOGUE = {
    "monte-carlo-ex1": ("divider_exceedance", {
        "BOOK_divider": (PASS, "exact probability", "vectorized"),
        "OK_divider_one_draw": (PASS,),
        "OK_divider_package": (PASS,),
        "OK_divider_broadcast": (PASS,),
        "BAD_divider_stub": (TODO, "Not attempted"),
        "BAD_divider_same_key": (FAIL, "same key", "jax.random.split(key, 3)"),
        "BAD_divider_python_loop": (FAIL, *NOT_VECTORIZED, "Python"),
        "BAD_divider_se_formula": (FAIL, "sqrt(p (1 - p) / n)"),
        "BAD_divider_se_of_mean": (FAIL, "sqrt(p (1 - p) / n)"),
        "BAD_divider_below": (FAIL, "stays below"),
        "BAD_divider_flags": (FAIL, "one number", "not one flag per sample"),
        "BAD_divider_python_floats": (FAIL, "float()", "jnp"),
        "BAD_divider_fixed_key": (FAIL, "ignores its key"),
        "BAD_divider_variances": (FAIL, "too far from the exact",
                                  "standard deviations"),
        "BAD_divider_only_p": (FAIL, "pair (p, se)"),
        "BAD_divider_forever": (FAIL, "did not return within"),
    }),
    "monte-carlo-ex2": ("delta_std", {
        "BOOK_delta_std": (PASS, "exact for a linear f"),
        "OK_delta_std_covariance": (PASS,),
        "OK_delta_std_jvp": (PASS,),
        "BAD_delta_std_stub": (TODO, "Not attempted"),
        "BAD_delta_std_variance": (FAIL, "variance", "square root"),
        "BAD_delta_std_abs_sum": (FAIL, "add their squares"),
        "BAD_delta_std_signed": (FAIL, "fully correlated"),
        "BAD_delta_std_per_input": (FAIL, "one number", "add their squares"),
        "BAD_delta_std_list": (FAIL, "should be an array", "list"),
        "BAD_delta_std_variances": (FAIL, "multiply by the standard "
                                          "deviations"),
        "BAD_delta_std_wrong_point": (FAIL, "Wrong value", "at the means"),
        "BAD_delta_std_forever": (FAIL, "did not return within"),
    }),
}

ATTEMPTS = [(exercise, checker, name, expected)
            for exercise, (checker, attempts) in CATALOGUE.items()
            for name, expected in attempts.items()]


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(CATALOGUE, globals())


def test_divider_reference_agrees_with_a_large_monte_carlo():
    """the quadrature reference matches 4 million NumPy samples"""
    rng = np.random.default_rng(0)
    n = 4_000_000
    x = M.DIVIDER_MEANS + M.DIVIDER_STDS * rng.standard_normal((n, 3))
    p = float(np.mean(x[:, 0] * x[:, 2] / (x[:, 1] + x[:, 2]) > M.V_LIMIT))
    assert abs(p - M.divider_probability()) < 4 * np.sqrt(p * (1 - p) / n)


def test_reused_key_answer_is_far_from_the_right_one():
    """the reused-key probability cannot be mistaken for the exact one"""
    p, p_reused = M.divider_probability(), M._reused_key_probability()
    se = np.sqrt(p * (1 - p) / M._MAIN_N)
    assert abs(p - p_reused) > 20 * se
    assert abs((1 - p) - p) > 20 * se
