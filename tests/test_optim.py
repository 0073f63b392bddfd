"""Optimizers for any pytree: sgd, momentum, adam, and train_with."""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    AdamState,
    Optimizer,
    adam,
    momentum,
    sgd,
)


class Pair(NamedTuple):
    w: jax.Array
    b: jax.Array


def small_tree():
    """A nested tree: a dict holding a matrix and a list of two vectors."""
    return {"w": jnp.array([[1.0, -2.0], [0.5, 3.0]]),
            "layers": [jnp.array([1.0, 2.0, 3.0]), jnp.array([-1.0])]}


def small_grads():
    return {"w": jnp.array([[0.5, 1.0], [-2.0, 0.0]]),
            "layers": [jnp.array([0.1, -0.2, 4.0]), jnp.array([1e-3])]}


def leaves(tree):
    return [np.asarray(x, dtype=np.float64) for x in jax.tree.leaves(tree)]


def assert_tree_close(got, expected, rtol=1e-6, atol=1e-7):
    assert jax.tree.structure(got) == jax.tree.structure(expected)
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def test_optimizers_are_pairs_of_functions():
    """each factory returns an Optimizer with init and update"""
    for opt in (sgd(0.1), momentum(0.1), adam(0.1)):
        assert isinstance(opt, Optimizer)
        assert callable(opt.init) and callable(opt.update)


def test_sgd_step_matches_a_hand_computed_step():
    """sgd moves every leaf of a nested tree by -lr * its gradient"""
    opt = sgd(0.5)
    params, grads = small_tree(), small_grads()
    new, state = opt.update(params, grads, opt.init(params))
    expected = [p - 0.5 * g for p, g in zip(leaves(params), leaves(grads))]
    for got, want in zip(leaves(new), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert state == ()


def test_momentum_two_steps_match_a_hand_computation():
    """v <- beta v + g, p <- p - lr v, from v = 0, for two steps"""
    lr, beta = 0.1, 0.8
    opt = momentum(lr, beta)
    params, g1 = small_tree(), small_grads()
    g2 = jax.tree.map(lambda g: -2 * g + 1, g1)
    p, state = opt.update(params, g1, opt.init(params))
    p, state = opt.update(p, g2, state)
    for got_p, got_v, p0, a, b in zip(leaves(p), leaves(state),
                                      leaves(params), leaves(g1),
                                      leaves(g2)):
        v1 = a
        v2 = beta * v1 + b
        np.testing.assert_allclose(got_v, v2, rtol=1e-6)
        np.testing.assert_allclose(got_p, p0 - lr * v1 - lr * v2,
                                   rtol=1e-6, atol=1e-7)


def test_momentum_with_beta_zero_is_sgd():
    """beta = 0 forgets the past: one step equals gradient descent"""
    params, grads = small_tree(), small_grads()
    opt = momentum(0.3, beta=0.0)
    got, _ = opt.update(params, grads, opt.init(params))
    expected, _ = sgd(0.3).update(params, grads, ())
    assert_tree_close(got, expected)


def test_adam_two_steps_match_a_hand_computation():
    """two Adam steps agree with the formulas, computed in float64"""
    lr, b1, b2, eps = 0.01, 0.8, 0.9, 1e-6
    opt = adam(lr, b1, b2, eps)
    params, g1 = small_tree(), small_grads()
    g2 = jax.tree.map(lambda g: 3 * g - 0.5, g1)
    p, state = opt.update(params, g1, opt.init(params))
    p, state = opt.update(p, g2, state)
    assert int(state.count) == 2
    for got, p0, a, b in zip(leaves(p), leaves(params), leaves(g1),
                             leaves(g2)):
        m = v = 0.0
        for t, g in enumerate([a, b], start=1):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g ** 2
            p0 = p0 - lr * (m / (1 - b1 ** t)) / (
                np.sqrt(v / (1 - b2 ** t)) + eps)
        np.testing.assert_allclose(got, p0, rtol=1e-5, atol=1e-6)


def test_adam_bias_correction_is_accurate_in_float32():
    """with b2 = 0.999, three steps agree with float64 to float32 precision"""
    opt = adam(0.1)
    params, grads = small_tree(), small_grads()
    p, state = params, opt.init(params)
    for _ in range(3):
        p, state = opt.update(p, grads, state)
    for got, p0, g in zip(leaves(p), leaves(params), leaves(grads)):
        m = v = 0.0
        for t in (1, 2, 3):
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g ** 2
            p0 = p0 - 0.1 * (m / (1 - 0.9 ** t)) / (
                np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        np.testing.assert_allclose(got, p0, rtol=1e-6, atol=1e-6)


def test_adam_accepts_decay_rates_of_zero():
    """b1 = b2 = 0 keeps only the last gradient: steps of lr * sign(g)"""
    opt = adam(0.5, b1=0.0, b2=0.0, eps=1e-12)
    params = (jnp.array([1.0, 1.0]),)
    new, _ = opt.update(params, (jnp.array([3.0, -0.2]),), opt.init(params))
    np.testing.assert_allclose(new[0], [0.5, 1.5], rtol=1e-6)


def test_adam_first_step_moves_each_parameter_by_about_lr():
    """whatever a gradient's size, Adam's first step is lr against its sign"""
    params, grads = small_tree(), small_grads()
    opt = adam(0.05)
    new, _ = opt.update(params, grads, opt.init(params))
    for p, q, g in zip(leaves(params), leaves(new), leaves(grads)):
        expected = np.where(g == 0, 0.0, -0.05 * np.sign(g))
        np.testing.assert_allclose(q - p, expected, atol=1e-4)


def test_adam_init_state():
    """Adam starts at count 0 with zero means shaped like the parameters"""
    state = adam(0.1).init(small_tree())
    assert isinstance(state, AdamState)
    assert int(state.count) == 0
    for tree in (state.mu, state.nu):
        assert jax.tree.structure(tree) == jax.tree.structure(small_tree())
        assert all((x == 0).all() for x in jax.tree.leaves(tree))


@pytest.mark.parametrize("make", [
    lambda w, b: (w, b), lambda w, b: [w, b],
    lambda w, b: {"w": w, "b": b}, Pair,
], ids=["tuple", "list", "dict", "NamedTuple"])
@pytest.mark.parametrize("opt", [sgd(0.1), momentum(0.1), adam(0.1)],
                         ids=["sgd", "momentum", "adam"])
def test_update_keeps_the_container(make, opt):
    """params come back in the container they went in, for every optimizer"""
    params = make(jnp.ones((2, 3)), jnp.zeros(3))
    grads = make(jnp.full((2, 3), 0.5), jnp.ones(3))
    state = opt.init(params)
    for _ in range(2):
        params, state = opt.update(params, grads, state)
    assert type(params) is type(make(1.0, 2.0))
    assert jax.tree.structure(params) == jax.tree.structure(grads)


@pytest.mark.parametrize("opt", [sgd(0.1), momentum(0.1), adam(0.1)],
                         ids=["sgd", "momentum", "adam"])
def test_update_works_under_jit(opt):
    """a jitted update, state included, gives the eager result"""
    params, grads = small_tree(), small_grads()
    state = opt.init(params)
    eager = opt.update(params, grads, state)
    jitted = jax.jit(opt.update)(params, grads, state)
    assert_tree_close(jitted, eager, rtol=1e-5)


# Bad input: the argument is named, with what was expected and what came.

@pytest.mark.parametrize("factory", [sgd, momentum, adam])
@pytest.mark.parametrize("lr, error", [
    (0.0, ValueError), (-0.1, ValueError), ("0.1", TypeError),
    (True, TypeError), (None, TypeError),
])
def test_optimizers_reject_a_bad_learning_rate(factory, lr, error):
    """the learning rate must be a positive number"""
    with pytest.raises(error, match="lr must be a positive number"):
        factory(lr)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"beta": 1.0}, ValueError, r"in \[0, 1\), got 1.0"),
    ({"beta": -0.1}, ValueError, r"in \[0, 1\), got -0.1"),
    ({"beta": "0.9"}, TypeError, r"in \[0, 1\), got str '0.9'"),
    ({"beta": True}, TypeError, r"in \[0, 1\), got bool"),
])
def test_momentum_rejects_a_bad_beta(kwargs, error, match):
    """beta must be a number in [0, 1)"""
    with pytest.raises(error, match="beta must be a number " + match):
        momentum(0.1, **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"b1": 1.0}, ValueError, r"b1 must be a number in \[0, 1\), got 1.0"),
    ({"b2": 1.5}, ValueError, r"b2 must be a number in \[0, 1\), got 1.5"),
    ({"b2": None}, TypeError, r"b2 must be a number in \[0, 1\), got None"),
    ({"eps": 0.0}, ValueError, r"eps must be a positive number, got 0.0"),
])
def test_adam_rejects_bad_hyperparameters(kwargs, error, match):
    """b1 and b2 must lie in [0, 1), eps must be positive"""
    with pytest.raises(error, match=match):
        adam(0.1, **kwargs)


@pytest.mark.parametrize("opt", [sgd(0.1), momentum(0.1), adam(0.1)],
                         ids=["sgd", "momentum", "adam"])
def test_update_rejects_grads_of_another_structure(opt):
    """grads in another container than params is named in the error"""
    params = (jnp.ones(2), jnp.ones(3))
    with pytest.raises(ValueError, match=(
            r"grads must have the same tree structure as params: "
            r"expected PyTreeDef\(\(\*, \*\)\), got PyTreeDef\(\[\*, \*\]\)")):
        opt.update(params, list(params), opt.init(params))


def test_update_rejects_grads_with_other_keys():
    """a dict of gradients with other keys is refused"""
    params = {"w": jnp.ones(2), "b": jnp.ones(1)}
    grads = {"w": jnp.ones(2), "bias": jnp.ones(1)}
    opt = momentum(0.1)
    with pytest.raises(ValueError, match="grads must have the same tree"):
        opt.update(params, grads, opt.init(params))


@pytest.mark.parametrize("opt", [sgd(0.1), momentum(0.1), adam(0.1)],
                         ids=["sgd", "momentum", "adam"])
def test_update_rejects_a_gradient_of_the_wrong_shape(opt):
    """a leaf that would broadcast silently is refused, with its path"""
    params = {"w": jnp.ones((2, 3)), "b": jnp.ones(3)}
    grads = {"w": jnp.ones((2, 3)), "b": jnp.ones(1)}
    with pytest.raises(ValueError, match=(
            r"grads\['b'\] must have the shape of params\['b'\], \(3,\), "
            r"got shape \(1,\)")):
        opt.update(params, grads, opt.init(params))


def test_momentum_rejects_a_state_for_other_params():
    """a velocity made for another tree is refused and named"""
    opt = momentum(0.1)
    params = (jnp.ones(2), jnp.ones(3))
    with pytest.raises(ValueError, match="state must have the same tree"):
        opt.update(params, params, opt.init({"a": jnp.ones(2)}))


def test_adam_rejects_a_state_that_is_not_adams():
    """Adam's update needs the AdamState its init made"""
    opt = adam(0.1)
    params = (jnp.ones(2),)
    with pytest.raises(TypeError, match="state must be the AdamState .* "
                                        "got tuple"):
        opt.update(params, params, momentum(0.1).init(params))


def test_adam_rejects_moments_for_other_params():
    """an AdamState for another tree is refused, naming state.mu"""
    opt = adam(0.1)
    params = (jnp.ones(2),)
    with pytest.raises(ValueError, match=r"state.mu\[0\] must have the shape"):
        opt.update(params, params, opt.init((jnp.ones(3),)))


def test_sgd_rejects_a_state_it_did_not_make():
    """sgd's state is (); anything else is a mistake worth naming"""
    params = (jnp.ones(2),)
    with pytest.raises(ValueError, match=r"state must be .*\(\), got dict"):
        sgd(0.1).update(params, params, {"v": jnp.ones(2)})


@pytest.mark.parametrize("opt", [sgd(0.1), momentum(0.1), adam(0.1)],
                         ids=["sgd", "momentum", "adam"])
@pytest.mark.parametrize("params, error, match", [
    ({"w": jnp.ones(2, jnp.int32)}, TypeError,
     r"params\['w'\] must have a floating-point dtype, got dtype int32"),
    ([jnp.ones(2), 1.0], TypeError,
     r"params\[1\] must be a JAX or NumPy array, got float"),
    ({}, ValueError, r"params must hold at least one array, got dict"),
])
def test_init_rejects_params_that_are_not_float_arrays(opt, params, error,
                                                       match):
    """every leaf must be a floating-point array, and there must be one"""
    with pytest.raises(error, match=match):
        opt.init(params)


