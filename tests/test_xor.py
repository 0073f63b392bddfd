"""The XOR network: data, model, loss, gradient step, training loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from py4eng_jax import (
    gd_step,
    init_params,
    loss,
    predict,
    sigmoid,
    xor_data,
)


def test_xor_data_is_the_truth_table():
    """Y is the XOR of X's two columns, for the four input pairs"""
    X, Y = xor_data()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert Y.tolist() == [a != b for a, b in X.tolist()]


def test_init_params_shapes():
    """init_params gives w1 (2, 3), b1 (3,), w2 (3,), b2 (1,)"""
    params = init_params(jax.random.key(0))
    assert [p.shape for p in params] == [(2, 3), (3,), (3,), (1,)]


def test_init_params_draws_in_order_from_four_subkeys():
    """each parameter is drawn from its own subkey, in order w1, b1, w2, b2"""
    key = jax.random.key(3)
    k1, k2, k3, k4 = jax.random.split(key, 4)
    w1, b1, w2, b2 = init_params(key)
    np.testing.assert_array_equal(w1, jax.random.normal(k1, (2, 3)))
    np.testing.assert_array_equal(b1, jax.random.normal(k2, (3,)))
    np.testing.assert_array_equal(w2, jax.random.normal(k3, (3,)))
    np.testing.assert_array_equal(b2, jax.random.normal(k4, (1,)))


def test_init_params_hidden_size():
    """hidden sets the width of the hidden layer"""
    w1, b1, w2, _ = init_params(jax.random.key(0), hidden=5)
    assert (w1.shape, b1.shape, w2.shape) == ((2, 5), (5,), (5,))


def test_sigmoid_matches_its_formula_and_symmetry():
    """sigmoid(t) = 1/(1+exp(-t)) and sigmoid(-t) = 1 - sigmoid(t)"""
    t = jnp.linspace(-6, 6, 13)
    np.testing.assert_allclose(sigmoid(t), 1 / (1 + np.exp(-np.asarray(t))),
                               rtol=1e-6)
    np.testing.assert_allclose(sigmoid(-t), 1 - sigmoid(t), atol=1e-6)


def test_predict_matches_a_loop_over_rows(xor):
    """predict on a batch equals predict row by row, by the written formula"""
    X, _, params = xor
    w1, b1, w2, b2 = (np.asarray(p) for p in params)
    for x, got in zip(np.asarray(X), predict(params, X)):
        z = np.tanh(x @ w1 + b1)
        expected = 1 / (1 + np.exp(-(z @ w2 + b2[0])))
        np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_loss_is_mean_binary_cross_entropy(xor):
    """loss is the mean binary cross-entropy with eps inside the logs"""
    X, Y, params = xor
    p = np.asarray(predict(params, X), dtype=np.float64)
    y = np.asarray(Y)
    expected = -(y * np.log(p + 1e-10)
                 + (1 - y) * np.log(1 - p + 1e-10)).mean()
    np.testing.assert_allclose(loss(params, X, Y), expected, rtol=1e-5)


def test_loss_stays_finite_for_certain_predictions():
    """eps keeps the loss finite when a prediction is exactly 0 or 1"""
    X, Y = xor_data()
    huge = (jnp.zeros((2, 3)), jnp.zeros(3), jnp.zeros(3), jnp.array([1e4]))
    assert np.isfinite(float(loss(huge, X, Y)))


def test_loss_gradient_matches_finite_differences(xor):
    """jax.grad of the loss agrees with finite differences"""
    X, Y, params = xor
    check_grads(lambda p: loss(p, X, Y), (params,), order=1,
                modes=["rev"], eps=1e-2, atol=1e-2, rtol=1e-2)


def test_gd_step_moves_against_the_gradient(xor):
    """gd_step returns p - lr * grad for every parameter"""
    X, Y, params = xor
    grads = jax.grad(loss)(params, X, Y)
    for new, p, g in zip(gd_step(params, X, Y, 0.5), params, grads):
        np.testing.assert_allclose(new, p - 0.5 * g, rtol=1e-6)


def test_gd_step_keeps_the_container_type(xor):
    """gd_step returns the same pytree structure it was given"""
    X, Y, params = xor
    assert isinstance(gd_step(list(params), X, Y), list)
    assert isinstance(gd_step(tuple(params), X, Y), tuple)


def test_gd_step_works_under_jit(xor):
    """a jitted gd_step gives the eager result"""
    X, Y, params = xor
    eager = gd_step(params, X, Y, 1.0)
    jitted = jax.jit(gd_step)(params, X, Y, 1.0)
    for a, b in zip(eager, jitted):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


# Bad input: each public function names the argument and what came.

@pytest.mark.parametrize("bad, error, match", [
    ([[0.0, 1.0]] * 4, TypeError,
     r"X must be a JAX or NumPy array, got list"),
    (jnp.ones((4, 3)), ValueError,
     r"X must have shape \(any, 2\), got shape \(4, 3\)"),
    (jnp.ones(4), ValueError,
     r"X must have shape \(any, 2\), got shape \(4,\)"),
    (jnp.ones((4, 2), bool),
     TypeError, r"X must have a real numeric dtype, got dtype bool"),
])
def test_predict_rejects_bad_X(xor, bad, error, match):
    """predict refuses an X that is not an (n, 2) numeric array"""
    _, _, params = xor
    with pytest.raises(error, match=match):
        predict(params, bad)


@pytest.mark.parametrize("index, bad, error, match", [
    (0, jnp.ones((2, 3, 1)), ValueError, r"w1 must be 2-D, got 3-D"),
    (1, jnp.ones(4), ValueError,
     r"b1 must have shape \(3,\), got shape \(4,\)"),
    (2, jnp.ones((3, 1)), ValueError,
     r"w2 must have shape \(3,\), got shape \(3, 1\)"),
    (3, jnp.ones(()), ValueError,
     r"b2 must have shape \(1,\), got shape \(\)"),
    (0, jnp.ones((2, 3), jnp.int32), TypeError,
     r"w1 must have a floating-point dtype, got dtype int32"),
    (1, [0.0, 0.0, 0.0], TypeError,
     r"b1 must be a JAX or NumPy array, got list"),
])
def test_predict_rejects_bad_params(xor, index, bad, error, match):
    """predict names the parameter whose shape or dtype is wrong"""
    X, _, params = xor
    params = list(params)
    params[index] = bad
    with pytest.raises(error, match=match):
        predict(params, X)


def test_predict_rejects_wrong_number_of_params(xor):
    """params must hold exactly four arrays"""
    X, _, params = xor
    with pytest.raises(ValueError, match="4 arrays .* got 3"):
        predict(params[:3], X)


def test_predict_rejects_a_dict_of_params(xor):
    """params must be a tuple or list, not a dict"""
    X, _, params = xor
    with pytest.raises(TypeError, match="params must be a tuple .* got dict"):
        predict(dict(zip("abcd", params)), X)


def test_loss_rejects_targets_of_the_wrong_length(xor):
    """Y must have one target per row of X"""
    X, Y, params = xor
    with pytest.raises(ValueError,
                       match=r"Y must have shape \(4,\), got shape \(3,\)"):
        loss(params, X, Y[:3])


@pytest.mark.parametrize("lr, error", [
    (0.0, ValueError), (-1.0, ValueError), ("1.0", TypeError),
    (True, TypeError), (None, TypeError), (jnp.ones(2), TypeError),
])
def test_gd_step_rejects_a_bad_learning_rate(xor, lr, error):
    """the learning rate must be a positive number"""
    X, Y, params = xor
    with pytest.raises(error, match="lr must be a positive number"):
        gd_step(params, X, Y, lr)


@pytest.mark.parametrize("key, error, match", [
    (0, TypeError, "key must be a PRNG key from jax.random.key, got int"),
    (jax.random.split(jax.random.key(0), 3), ValueError,
     r"single PRNG key .* shape \(3,\)"),
    (jnp.ones(3), ValueError, r"single PRNG key .* shape \(3,\)"),
])
def test_init_params_rejects_a_bad_key(key, error, match):
    """init_params needs a single PRNG key"""
    with pytest.raises(error, match=match):
        init_params(key)


def test_init_params_rejects_a_bad_hidden_size():
    """hidden must be a positive integer"""
    with pytest.raises(ValueError,
                       match="hidden must be a positive integer, got 0"):
        init_params(jax.random.key(0), hidden=0)
