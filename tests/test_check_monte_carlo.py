"""The checkers of the monte-carlo chapter: their catalogue of attempts.

As in tests/support.py: ``BOOK_*`` (the chapter's solution)
and ``OK_*`` (correct solutions written differently) pass; each ``BAD_*``
(a typical wrong answer) fails, or is "not attempted", with the hint
fragments listed.
"""

import jax
import jax.numpy as jnp
import numpy as np

from py4eng_jax.check import _monte_carlo as M
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"

# A body that does work and returns None.
NO_RETURN = (FAIL, "forget `return`")

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


def BAD_divider_swapped(key, n):
    """(se, p): the pair the wrong way round"""
    p, se = BOOK_divider(key, n)
    return se, p


def BAD_divider_n_in_se(key, n):
    """the statement's n = 100,000 written into the standard error"""
    p, _ = BOOK_divider(key, n)
    return p, jnp.sqrt(p * (1 - p) / 100_000)


def BAD_divider_fixed_size(key, n):
    """always 100,000 samples, whatever n asks"""
    p, _ = BOOK_divider(key, 100_000)
    return p, jnp.sqrt(p * (1 - p) / n)


def BAD_divider_no_return(key, n):
    """p and se computed, but not returned"""
    p, se = BOOK_divider(key, n)  # noqa: F841


# ------------------------------------------------------- monte-carlo-ex2


def deflection(x):
    """the chapter's beam, for the attempt that uses it instead of f"""
    F, L, E, b, h = x
    return F * L**3 / (3 * E * (b * h**3 / 12))


def BOOK_mean(f, means, stds):
    curvature = jnp.diag(jax.hessian(f)(means))
    return f(means) + 0.5 * jnp.sum(curvature * stds**2)


def OK_mean_hvp(f, means, stds):
    """one Hessian-vector product per input: a JVP of the gradient"""
    def second(e):
        return jax.jvp(jax.grad(f), (means,), (e,))[1] @ e
    return f(means) + 0.5 * jax.vmap(second)(jnp.diag(stds)).sum()


def OK_mean_scaled_inputs(f, means, stds):
    """f of standardized inputs z, whose Hessian's trace is the term"""
    def g(z):
        return f(means + stds * z)
    z0 = jnp.zeros_like(means)
    return g(z0) + jnp.trace(jax.hessian(g)(z0)) / 2


def OK_mean_nested_grad(f, means, stds):
    """each second derivative by grad of a grad along one input"""
    def d2(i):
        along = lambda t: f(means.at[i].add(t))  # noqa: E731
        return jax.grad(jax.grad(along))(0.0)
    terms = jnp.stack([d2(i) * stds[i] ** 2 for i in range(len(means))])
    return f(means) + terms.sum() / 2


def BAD_mean_stub(f, means, stds):
    raise NotImplementedError


def BAD_mean_first_order(f, means, stds):
    """the delta method's mean, f(means)"""
    return f(means)


def BAD_mean_shift_only(f, means, stds):
    return 0.5 * jnp.sum(jnp.diag(jax.hessian(f)(means)) * stds**2)


def BAD_mean_no_half(f, means, stds):
    return f(means) + jnp.sum(jnp.diag(jax.hessian(f)(means)) * stds**2)


def BAD_mean_minus(f, means, stds):
    return f(means) - 0.5 * jnp.sum(jnp.diag(jax.hessian(f)(means))
                                    * stds**2)


def BAD_mean_full_hessian(f, means, stds):
    """s^T H s: the mixed terms counted"""
    return f(means) + 0.5 * stds @ jax.hessian(f)(means) @ stds


def BAD_mean_stds_not_squared(f, means, stds):
    return f(means) + 0.5 * jnp.sum(jnp.diag(jax.hessian(f)(means)) * stds)


def BAD_mean_per_input(f, means, stds):
    """one term per input, never summed"""
    return f(means) + 0.5 * jnp.diag(jax.hessian(f)(means)) * stds**2


def BAD_mean_delta_std(f, means, stds):
    """the delta method's standard deviation instead"""
    return jnp.sqrt(jnp.sum((jax.grad(f)(means) * stds) ** 2))


def BAD_mean_uses_deflection(f, means, stds):
    """the chapter's deflection, whatever f is"""
    curvature = jnp.diag(jax.hessian(deflection)(jnp.asarray(
        [100.0, 1000.0, 200_000.0, 50.0, 20.0])))
    stds5 = jnp.asarray([20.0, 1.0, 20_000.0, 1.0, 2.0])
    return deflection(jnp.asarray([100.0, 1000.0, 200_000.0, 50.0, 20.0])
                      ) + 0.5 * jnp.sum(curvature * stds5**2)


def BAD_mean_relative_variances(f, means, stds):
    """the second derivatives weighted by (s / m)**2"""
    return f(means) + 0.5 * jnp.sum(jnp.diag(jax.hessian(f)(means))
                                    * (stds / means) ** 2)


def BAD_mean_log_space(f, means, stds):
    """the expansion done for log f, then exponentiated"""
    log_f = lambda x: jnp.log(f(x))  # noqa: E731
    return jnp.exp(log_f(means) + 0.5 * jnp.sum(
        jnp.diag(jax.hessian(log_f)(means)) * stds**2))


def BAD_mean_broadcast_slip(f, means, stds):
    """sum(H * s**2): every column j weighted by s_j**2"""
    return f(means) + 0.5 * jnp.sum(jax.hessian(f)(means) * stds**2)


def BAD_mean_five_inputs(f, means, stds):
    """a loop over the beam's five inputs"""
    H = jax.hessian(f)(means)
    return f(means) + 0.5 * sum(H[i, i] * stds[i] ** 2 for i in range(5))


def BAD_mean_no_return(f, means, stds):
    """the mean computed, but not returned"""
    mean = BOOK_mean(f, means, stds)  # noqa: F841


def BAD_mean_forever(f, means, stds):
    return jax.lax.while_loop(lambda m: True, lambda m: m + 1.0,
                              f(means))


NOT_VECTORIZED = ("not vectorized", "jax.vmap")

CATALOGUE = {
    "monte-carlo-ex1": ("divider_exceedance", {
        "BOOK_divider": (PASS, "exact probability", "vectorized"),
        "OK_divider_one_draw": (PASS,),
        "OK_divider_package": (PASS,),
        "OK_divider_broadcast": (PASS,),
        "BAD_divider_stub": (TODO, "Not attempted"),
        "BAD_divider_same_key": (FAIL, "share a key",
                                 "jax.random.split(key, 3)"),
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
        "BAD_divider_swapped": (FAIL, "the wrong way round",
                                "Return (p, se)"),
        "BAD_divider_n_in_se": (FAIL, "n = 20,000",
                                "written into your function"),
        "BAD_divider_fixed_size": (FAIL, "ignores its n argument"),
        "BAD_divider_no_return": NO_RETURN,
    }),
    "monte-carlo-ex2": ("mean_second_order", {
        "BOOK_mean": (PASS, "exact for a quadratic f",
                      "exact lognormal mean"),
        "OK_mean_hvp": (PASS,),
        "OK_mean_scaled_inputs": (PASS,),
        "OK_mean_nested_grad": (PASS,),
        "BAD_mean_stub": (TODO, "Not attempted"),
        "BAD_mean_first_order": (FAIL, "first-order mean of the delta"),
        "BAD_mean_shift_only": (FAIL, "the correction alone"),
        "BAD_mean_no_half": (FAIL, "twice too large", "factor 1/2"),
        "BAD_mean_minus": (FAIL, "the wrong sign"),
        "BAD_mean_full_hessian": (FAIL, "mixed second derivatives",
                                  "only the diagonal"),
        "BAD_mean_stds_not_squared": (FAIL, "by the standard deviations",
                                      "s_i**2"),
        "BAD_mean_per_input": (FAIL, "one term per input"),
        "BAD_mean_delta_std": (FAIL, "standard deviation, not a mean"),
        "BAD_mean_uses_deflection": (FAIL, "ignores its argument f"),
        "BAD_mean_relative_variances": (FAIL, "relative variances"),
        "BAD_mean_log_space": (FAIL, "expanded log f"),
        "BAD_mean_broadcast_slip": (FAIL, "H * s**2",
                                    "jnp.diag(H) @ s**2"),
        "BAD_mean_five_inputs": (FAIL, "number of inputs into the code"),
        "BAD_mean_no_return": NO_RETURN,
        "BAD_mean_forever": (FAIL, "still running"),
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


def test_second_order_mean_is_closer_to_the_exact_beam_mean():
    """for the loose beam, the second-order mean beats f(means) against
    the exact lognormal mean, as the exercise's solution claims"""
    exact = M.beam_lognormal_mean()
    f0, second = M._mean_parts(0)[0], M._mean_expected(0)
    assert abs(second - exact) < 0.1 * abs(f0 - exact), (f0, second, exact)


def test_hand_derivatives_of_the_checker_match_jax():
    """the checker's derivatives by hand agree with jax.hessian"""
    for index, (_, f, m, _) in enumerate(M._MEAN_CASES):
        f0, g, H, _ = M._mean_parts(index)
        with jax.enable_x64(True):
            x = jnp.asarray(m, jnp.float64)
            assert np.isclose(f0, float(f(x)), rtol=1e-12)
            assert np.allclose(g, jax.grad(f)(x), rtol=1e-12)
            assert np.allclose(H, jax.hessian(f)(x), rtol=1e-12)
