"""Monte Carlo and delta-method propagation of tolerances (_uncertainty)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from py4eng_jax import (
    delta_method,
    exceedance,
    lognormal_params,
    monte_carlo,
    sample_inputs,
)

MEANS = jnp.array([2.0, 3.0, 1.5])
STDS = jnp.array([0.2, 0.15, 0.3])
KEY = jax.random.key(0)


def power_product(x):
    """x0 * x1**2 / x2**3: lognormal when the inputs are."""
    return x[0] * x[1] ** 2 / x[2] ** 3


POWERS = np.array([1.0, 2.0, -3.0])


def test_samples_have_the_asked_moments():
    """normal samples have the given means and stds, shape (n, k)"""
    x = sample_inputs(KEY, MEANS, STDS, 200_000)
    assert x.shape == (200_000, 3)
    assert_allclose(x.mean(axis=0), MEANS, rtol=3e-3)
    assert_allclose(x.std(axis=0), STDS, rtol=1e-2)


def test_lognormal_samples_have_the_asked_moments():
    """lognormal samples have the given means and stds, and are positive"""
    x = sample_inputs(KEY, MEANS, STDS, 200_000, distribution="lognormal")
    assert bool(jnp.all(x > 0))
    assert_allclose(x.mean(axis=0), MEANS, rtol=3e-3)
    assert_allclose(x.std(axis=0), STDS, rtol=2e-2)


def test_lognormal_params_give_back_mean_and_std():
    """exp(mu + sigma^2/2) is the mean; the cv is sqrt(exp(sigma^2) - 1)"""
    mu, sigma = lognormal_params(MEANS, STDS)
    assert_allclose(jnp.exp(mu + sigma ** 2 / 2), MEANS, rtol=1e-6)
    assert_allclose(jnp.sqrt(jnp.expm1(sigma ** 2)), STDS / MEANS,
                    rtol=1e-5)


def test_inputs_are_independent():
    """each input has its own key: the columns are uncorrelated"""
    x = np.asarray(sample_inputs(KEY, MEANS, STDS, 100_000))
    corr = np.corrcoef(x.T)
    assert np.all(np.abs(corr[np.triu_indices(3, 1)]) < 0.02), corr


def test_same_key_same_samples():
    """the same key gives bit-identical results"""
    a = monte_carlo(power_product, KEY, MEANS, STDS, 1000)
    b = monte_carlo(power_product, KEY, MEANS, STDS, 1000)
    assert jnp.array_equal(a, b)


def test_fold_in_streams_differ():
    """fold_in(key, i) gives a different, uncorrelated stream per batch"""
    a = sample_inputs(jax.random.fold_in(KEY, 0), MEANS, STDS, 50_000)
    b = sample_inputs(jax.random.fold_in(KEY, 1), MEANS, STDS, 50_000)
    assert not bool(jnp.any(a == b))
    r = np.corrcoef(np.asarray(a[:, 0]), np.asarray(b[:, 0]))[0, 1]
    assert abs(r) < 4 / np.sqrt(50_000), r


def test_monte_carlo_agrees_with_analytic_lognormal():
    """mean, std and exceedance of a power product of lognormals match the
    exact lognormal within a few Monte Carlo standard errors"""
    n = 400_000
    y = monte_carlo(power_product, KEY, MEANS, STDS, n,
                    distribution="lognormal")
    mu, sigma = (np.asarray(v, np.float64) for v in
                 lognormal_params(MEANS, STDS))
    exact = stats.lognorm(s=np.sqrt(np.sum((POWERS * sigma) ** 2)),
                          scale=np.exp(np.sum(POWERS * mu)))
    se_mean = exact.std() / np.sqrt(n)
    assert abs(float(y.mean()) - exact.mean()) < 4 * se_mean
    limit = exact.ppf(0.9)
    p, se = exceedance(y, limit)
    assert abs(float(p) - 0.1) < 4 * float(se)


def test_delta_method_is_exact_for_linear_f():
    """for a linear f the delta method gives the exact mean and std"""
    a = jnp.array([2.0, -1.0, 0.5])
    mean, std = delta_method(lambda x: a @ x + 1.0, MEANS, STDS)
    assert_allclose(mean, a @ MEANS + 1.0, rtol=1e-6)
    assert_allclose(std, jnp.sqrt(jnp.sum((a * STDS) ** 2)), rtol=1e-6)


def test_delta_method_uses_the_gradient_at_the_means():
    """for x0 * x1 the std is sqrt((m1 s0)^2 + (m0 s1)^2)"""
    m, s = jnp.array([2.0, 3.0]), jnp.array([0.1, 0.2])
    mean, std = delta_method(lambda x: x[0] * x[1], m, s)
    assert_allclose(mean, 6.0)
    assert_allclose(std, np.hypot(3.0 * 0.1, 2.0 * 0.2), rtol=1e-6)


def test_exceedance_standard_error():
    """p is the fraction above the limit, se = sqrt(p(1-p)/N)"""
    p, se = exceedance(jnp.arange(10.0), 6.5)
    assert_allclose(p, 0.3)
    assert_allclose(se, np.sqrt(0.3 * 0.7 / 10), rtol=1e-6)


# ----------------------------------------------------------- validation


def test_sample_inputs_rejects_n_below_one():
    """n < 1 is refused, naming n"""
    with pytest.raises(ValueError, match=r"n must be a positive integer, "
                                         r"got 0"):
        sample_inputs(KEY, MEANS, STDS, 0)


def test_sample_inputs_rejects_float_n():
    """a float n is refused, naming n"""
    with pytest.raises(TypeError, match=r"n must be a positive integer, "
                                        r"got float 1000.0"):
        sample_inputs(KEY, MEANS, STDS, 1000.0)


def test_rejects_non_positive_stds():
    """a zero or negative std is refused, showing the stds"""
    with pytest.raises(ValueError, match=r"stds must all be positive, got "
                                         r"\[0.2.*, 0.0, 0.3.*\]"):
        sample_inputs(KEY, MEANS, jnp.array([0.2, 0.0, 0.3]), 10)


def test_rejects_mismatched_lengths():
    """means and stds of different lengths are refused, with both lengths"""
    with pytest.raises(ValueError, match=r"same length, got 3 means and 2 "
                                         r"stds"):
        delta_method(power_product, MEANS, STDS[:2])


def test_rejects_2d_means():
    """means must be 1-D"""
    with pytest.raises(ValueError, match=r"means must be 1-D, got 2-D"):
        sample_inputs(KEY, MEANS[None, :], STDS, 10)


def test_rejects_empty_means():
    """at least one input"""
    with pytest.raises(ValueError, match=r"means must hold at least one"):
        sample_inputs(KEY, jnp.zeros(0), jnp.zeros(0), 10)


def test_rejects_a_seed_for_a_key():
    """an int seed instead of a key is refused, naming key"""
    with pytest.raises(TypeError, match=r"key must be a PRNG key"):
        sample_inputs(0, MEANS, STDS, 10)


def test_rejects_unknown_distribution():
    """distribution is normal or lognormal"""
    with pytest.raises(ValueError, match=r"distribution must be one of .* "
                                         r"got 'uniform'"):
        sample_inputs(KEY, MEANS, STDS, 10, distribution="uniform")


def test_lognormal_rejects_non_positive_means():
    """a lognormal input must have a positive mean"""
    with pytest.raises(ValueError, match=r"means must all be positive"):
        lognormal_params(jnp.array([1.0, -1.0]), jnp.array([0.1, 0.1]))


def test_monte_carlo_rejects_a_non_function():
    """f must be callable"""
    with pytest.raises(TypeError, match=r"f must be a function .* got"):
        monte_carlo(3.0, KEY, MEANS, STDS, 10)


def test_monte_carlo_rejects_f_returning_a_vector():
    """f must return one number per sample, and the error says what came"""
    with pytest.raises(ValueError, match=r"one number per input vector.*"
                                         r"returned shape \(3,\)"):
        monte_carlo(lambda x: 2 * x, KEY, MEANS, STDS, 10)


def test_delta_method_rejects_a_non_function():
    """f must be callable"""
    with pytest.raises(TypeError, match=r"f must be a function"):
        delta_method(MEANS, MEANS, STDS)


def test_exceedance_rejects_a_list():
    """samples must be an array"""
    with pytest.raises(TypeError, match=r"samples must be a JAX or NumPy "
                                        r"array, got list"):
        exceedance([1.0, 2.0], 1.5)


def test_exceedance_rejects_2d_samples():
    """samples must be 1-D"""
    with pytest.raises(ValueError, match=r"samples must be 1-D"):
        exceedance(jnp.ones((3, 2)), 1.5)


def test_exceedance_rejects_a_non_number_limit():
    """limit must be a real number"""
    with pytest.raises(TypeError, match=r"limit must be a real number"):
        exceedance(jnp.ones(3), "5")


def test_sample_inputs_works_under_jit():
    """the checks on means and stds do not break jax.jit"""
    draw = jax.jit(lambda k: sample_inputs(k, MEANS, STDS, 10,
                                           distribution="lognormal"))
    assert draw(KEY).shape == (10, 3)
