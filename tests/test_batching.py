"""Per-example losses and gradients of the XOR network."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import example_loss, loss, per_example_grads


def test_example_loss_is_the_loss_of_a_batch_of_one(xor):
    """example_loss(params, x, y) == loss on the one-row batch"""
    X, Y, params = xor
    for i in range(4):
        np.testing.assert_allclose(example_loss(params, X[i], Y[i]),
                                   loss(params, X[i:i + 1], Y[i:i + 1]))


def test_mean_of_example_losses_is_the_loss(xor):
    """the loss of the batch is the mean of the examples' losses"""
    X, Y, params = xor
    each = jax.vmap(example_loss, in_axes=(None, 0, 0))(params, X, Y)
    np.testing.assert_allclose(each.mean(), loss(params, X, Y), rtol=1e-6)


def test_per_example_grads_shapes(xor):
    """each gradient gets a leading axis of one entry per example"""
    X, Y, params = xor
    grads = per_example_grads(params, X, Y)
    assert [g.shape for g in grads] == [(4, 2, 3), (4, 3), (4, 3), (4, 1)]


def test_per_example_grads_match_a_loop(xor):
    """entry i is jax.grad of the loss on row i alone, by a plain loop"""
    X, Y, params = xor
    grads = per_example_grads(params, X, Y)
    for i in range(4):
        expected = jax.grad(loss)(params, X[i:i + 1], Y[i:i + 1])
        for got, want in zip(grads, expected):
            np.testing.assert_allclose(got[i], want, rtol=1e-5, atol=1e-7)


def test_mean_of_per_example_grads_is_the_batch_gradient(xor):
    """the mean of the per-example gradients is the full-batch gradient"""
    X, Y, params = xor
    grads = per_example_grads(params, X, Y)
    full = jax.grad(loss)(params, X, Y)
    for g, f in zip(grads, full):
        np.testing.assert_allclose(g.mean(axis=0), f, rtol=1e-5, atol=1e-7)


def test_per_example_grads_of_a_larger_batch(xor):
    """any number of rows works, not only the four of XOR"""
    _, _, params = xor
    X = jax.random.uniform(jax.random.key(2), (7, 2))
    Y = (X.sum(axis=1) > 1).astype(jnp.float32)
    grads = per_example_grads(params, X, Y)
    assert grads[0].shape == (7, 2, 3)


def test_per_example_grads_rejects_mismatched_targets(xor):
    """Y must have one target per row of X"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"Y must have shape \(4,\), got "
                       r"shape \(3,\)"):
        per_example_grads(params, X, Y[:3])


def test_per_example_grads_rejects_wrong_columns(xor):
    """X must have two columns, as the network has two inputs"""
    _, Y, params = xor
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\)"):
        per_example_grads(params, jnp.ones((4, 3)), Y)


def test_per_example_grads_rejects_a_list(xor):
    """a list for X is a TypeError naming X"""
    _, Y, params = xor
    with pytest.raises(TypeError, match="X must be a JAX or NumPy array"):
        per_example_grads(params, [[0, 0], [0, 1], [1, 0], [1, 1]], Y)


def test_per_example_grads_rejects_bad_params(xor):
    """params must be the four arrays (w1, b1, w2, b2)"""
    X, Y, params = xor
    with pytest.raises(ValueError, match="params must hold 4 arrays"):
        per_example_grads(params[:3], X, Y)


def test_example_loss_rejects_a_batch(xor):
    """example_loss takes one row, not the whole batch"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"x must have shape \(2,\), got "
                       r"shape \(4, 2\)"):
        example_loss(params, X, Y[0])


def test_example_loss_rejects_a_vector_target(xor):
    """the target of one example is a 0-d array"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"y must have shape \(\), got "
                       r"shape \(4,\)"):
        example_loss(params, X[0], Y)


def test_example_loss_rejects_a_list(xor):
    """a list for x is a TypeError naming x"""
    _, Y, params = xor
    with pytest.raises(TypeError, match="x must be a JAX or NumPy array"):
        example_loss(params, [0.0, 1.0], Y[1])
