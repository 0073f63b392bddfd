"""gradient_check, the chapter autodiff's gradient check, catches wrong
gradients: one parameter's gradient zeroed, halved, doubled or flipped."""

import jax
import jax.numpy as jnp
import pytest
from jax.test_util import check_grads

from py4eng_jax import gradient_check, init_params, loss, xor_data

X, Y = xor_data()
# The chapter's starting parameters: key 9, split once, first half.
PARAMS = init_params(jax.random.split(jax.random.key(9))[0])

CORRUPTIONS = {
    "zeroed": lambda g: 0 * g,
    "halved": lambda g: g / 2,
    "doubled": lambda g: 2 * g,
    "sign-flipped": lambda g: -g,
}


def wrong_gradient_loss(which, corrupt):
    """The XOR loss with a custom VJP that corrupts one parameter's
    gradient (the value stays right)."""

    @jax.custom_vjp
    def f(params):
        return loss(params, X, Y)

    def fwd(params):
        return jax.value_and_grad(loss)(params, X, Y)

    def bwd(grads, ct):
        grads = list(grads)
        grads[which] = corrupt(grads[which])
        return (tuple(ct * g for g in grads),)

    f.defvjp(fwd, bwd)
    return f


def test_gradient_check_passes_the_right_gradient():
    """the check passes jax.grad of the XOR loss"""
    gradient_check(lambda p: loss(p, X, Y), PARAMS)


def test_custom_vjp_keeps_the_value():
    """the injected loss has the right value: only the gradient is wrong"""
    f = wrong_gradient_loss(0, CORRUPTIONS["doubled"])
    assert float(f(PARAMS)) == float(loss(PARAMS, X, Y))
    g = jax.grad(f)(PARAMS)
    assert jnp.allclose(g[0], 2 * jax.grad(loss)(PARAMS, X, Y)[0])


@pytest.mark.parametrize("how", CORRUPTIONS)
@pytest.mark.parametrize("which", range(4), ids=["w1", "b1", "w2", "b2"])
def test_gradient_check_catches_a_wrong_gradient(which, how):
    """the check raises for every parameter and every corruption"""
    with pytest.raises(AssertionError):
        gradient_check(wrong_gradient_loss(which, CORRUPTIONS[how]), PARAMS)


def test_loose_float32_check_misses_wrong_gradients():
    """the old float32 check (atol = rtol = 1e-2) let some through"""
    missed = 0
    for which in range(4):
        for corrupt in CORRUPTIONS.values():
            try:
                check_grads(wrong_gradient_loss(which, corrupt), (PARAMS,),
                            order=1, modes=["rev"], eps=1e-3, atol=1e-2,
                            rtol=1e-2)
            except AssertionError:
                pass
            else:
                missed += 1
    assert missed > 0


def test_gradient_check_leaves_x64_off():
    """the check switches float64 on only inside itself"""
    gradient_check(lambda p: loss(p, X, Y), PARAMS)
    assert jnp.ones(1).dtype == jnp.float32


def test_gradient_check_rejects_a_non_callable():
    """f must be callable"""
    with pytest.raises(TypeError, match="f must be callable, got int"):
        gradient_check(3, PARAMS)


def test_gradient_check_rejects_empty_params():
    """params must hold an array"""
    with pytest.raises(ValueError, match="at least one array"):
        gradient_check(lambda p: 0.0, ())


def test_gradient_check_rejects_integer_params():
    """integer parameters have no gradient"""
    with pytest.raises(TypeError, match="floating-point arrays.*int32"):
        gradient_check(lambda p: jnp.sum(p), jnp.arange(3))
