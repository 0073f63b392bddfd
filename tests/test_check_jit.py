"""Checkers of the jit chapter: solutions pass, mistakes get the right hint."""

import jax
import jax.numpy as jnp
import pytest

from py4eng_jax import all_correct, check, loss


# ------------------------------------------------------------ clip_by_norm

def clip_solution(g, max_norm):
    norm = jnp.linalg.norm(g)
    return jnp.where(norm > max_norm, g * (max_norm / norm), g)


def test_clip_by_norm_passes_the_solution():
    """the chapter's jnp.where solution passes"""
    assert check.clip_by_norm(clip_solution).passed


def test_clip_by_norm_passes_a_minimum_solution():
    """scaling by min(1, max_norm / norm) passes too"""
    def clip(g, max_norm):
        return g * jnp.minimum(1.0, max_norm / jnp.linalg.norm(g))

    assert check.clip_by_norm(clip).passed


def test_clip_by_norm_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def clip(g, max_norm):
        ...

    feedback = check.clip_by_norm(clip)
    assert feedback.status == "not attempted"
    assert "Not attempted yet" in feedback.message


def test_clip_by_norm_hints_at_a_python_if():
    """the chapter's eager version with a Python if is not jittable"""
    def clip(g, max_norm):
        norm = jnp.linalg.norm(g)
        if norm > max_norm:
            return g * (max_norm / norm)
        return g

    feedback = check.clip_by_norm(clip)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "jnp.where" in feedback.message


def test_clip_by_norm_hints_at_always_scaling():
    """scaling every gradient gets wrong values for the one inside"""
    def clip(g, max_norm):
        return g * (max_norm / jnp.linalg.norm(g))

    feedback = check.clip_by_norm(clip)
    assert "Wrong values for the clipped gradient" in feedback.message
    assert "max_norm = 10.0" in feedback.message


def test_clip_by_norm_hints_at_elementwise_clipping():
    """jnp.clip of each entry is not a norm clip"""
    def clip(g, max_norm):
        return jnp.clip(g, -max_norm, max_norm)

    feedback = check.clip_by_norm(clip)
    assert "Wrong values for the clipped gradient" in feedback.message
    assert "max_norm = 1.0" in feedback.message


def test_clip_by_norm_hints_at_a_flattened_result():
    """returning a flattened matrix gets a shape hint"""
    def clip(g, max_norm):
        return clip_solution(g, max_norm).ravel()

    feedback = check.clip_by_norm(clip)
    assert "Wrong shape for the clipped gradient: expected (2, 3), got " \
        "(6,)" in feedback.message


def test_clip_by_norm_hints_at_nan_for_the_zero_vector():
    """dividing by a zero norm gets the nan hint"""
    def clip(g, max_norm):
        norm = jnp.linalg.norm(g)
        return g / norm * jnp.minimum(norm, max_norm)

    feedback = check.clip_by_norm(clip)
    assert "contains nan" in feedback.message
    assert "g = [0., 0., 0.]" in feedback.message


def test_clip_by_norm_hints_at_numpy_inside_jit():
    """numpy on a traced array gets the 'use jnp' hint"""
    import numpy as np

    def clip(g, max_norm):
        norm = np.linalg.norm(g)
        return g * min(1.0, max_norm / norm) if norm else g

    feedback = check.clip_by_norm(clip)
    assert "not jittable" in feedback.message
    assert "NumPy" in feedback.message


def test_clip_by_norm_refuses_a_non_function():
    """passing a result instead of the function is a TypeError"""
    with pytest.raises(TypeError, match="expects your function, got Array"):
        check.clip_by_norm(jnp.ones(2))


# ---------------------------------------------------------- xor_train_step

def train_step_body(params, X, Y, lr):
    value, grads = jax.value_and_grad(loss)(params, X, Y)
    new = tuple(p - lr * g for p, g in zip(params, grads))
    return new, value, all_correct(params, X, Y)


train_step_solution = jax.jit(train_step_body)


def test_xor_train_step_passes_the_solution():
    """the chapter's jitted solution passes"""
    assert check.xor_train_step(train_step_solution).passed


def test_xor_train_step_passes_with_static_lr():
    """marking lr static is fine"""
    step = jax.jit(train_step_body, static_argnames="lr")
    assert check.xor_train_step(step).passed


def test_xor_train_step_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def train_step(params, X, Y, lr):
        ...

    assert check.xor_train_step(train_step).status == "not attempted"


def test_xor_train_step_jitted_stub_is_not_attempted():
    """an empty body under @jax.jit is also 'not attempted yet'"""
    @jax.jit
    def train_step(params, X, Y, lr):
        ...

    assert check.xor_train_step(train_step).status == "not attempted"


def test_xor_train_step_hints_at_a_missing_jit():
    """right answers without jax.jit get the 'not compiled' hint"""
    feedback = check.xor_train_step(train_step_body)
    assert feedback.status == "fail"
    assert "not compiled" in feedback.message
    assert "@jax.jit" in feedback.message


def test_xor_train_step_hints_at_the_loss_after_the_step():
    """reporting the new parameters' loss gets a specific hint"""
    @jax.jit
    def train_step(params, X, Y, lr):
        new, _, right = train_step_body(params, X, Y, lr)
        return new, loss(new, X, Y), right

    assert "loss is that of the parameters after the step" in \
        check.xor_train_step(train_step).message


def test_xor_train_step_hints_at_a_fixed_learning_rate():
    """ignoring lr gets wrong values for the case with lr = 0.5"""
    @jax.jit
    def train_step(params, X, Y, lr):
        return train_step_body(params, X, Y, 1.0)

    message = check.xor_train_step(train_step).message
    assert message.startswith("Wrong values for the new w1")
    assert "lr = 0.5" in message


def test_xor_train_step_hints_at_a_constant_flag():
    """a flag that is always False fails on parameters that solve XOR"""
    @jax.jit
    def train_step(params, X, Y, lr):
        new, value, _ = train_step_body(params, X, Y, lr)
        return new, value, jnp.array(False)

    message = check.xor_train_step(train_step).message
    assert "Wrong values for all_correct" in message
    assert "hand-made parameters that solve XOR" in message


def test_xor_train_step_hints_at_per_example_flags():
    """returning one flag per example gets a shape hint"""
    @jax.jit
    def train_step(params, X, Y, lr):
        new, value, _ = train_step_body(params, X, Y, lr)
        return new, value, jnp.zeros(4, dtype=bool)

    assert "forget jnp.all" in check.xor_train_step(train_step).message


def test_xor_train_step_hints_at_the_wrong_order():
    """returning (loss, params, flag) names what should come first"""
    @jax.jit
    def train_step(params, X, Y, lr):
        new, value, right = train_step_body(params, X, Y, lr)
        return value, new, right

    assert "first thing returned should be the new parameters" in \
        check.xor_train_step(train_step).message


def test_xor_train_step_hints_at_a_missing_output():
    """returning only the parameters asks for three things"""
    @jax.jit
    def train_step(params, X, Y, lr):
        return train_step_body(params, X, Y, lr)[0]

    assert "should return three things" in \
        check.xor_train_step(train_step).message


def test_xor_train_step_hints_at_a_python_if_under_jit():
    """a Python if on a traced value inside @jax.jit is 'not jittable'"""
    @jax.jit
    def train_step(params, X, Y, lr):
        new, value, right = train_step_body(params, X, Y, lr)
        if right:
            return params, value, right
        return new, value, right

    feedback = check.xor_train_step(train_step)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message


def test_xor_train_step_refuses_a_non_function():
    """passing a result instead of the function is a TypeError"""
    with pytest.raises(TypeError, match="expects your function, got tuple"):
        check.xor_train_step((1, 2, 3))
