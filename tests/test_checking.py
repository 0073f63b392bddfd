"""Exercise checkers: solutions pass, typical mistakes get the right hint."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import check, predict
from py4eng_jax._checking import Feedback


def accuracy_solution(params, X, Y):
    return jnp.mean((predict(params, X) > 0.5) == Y)


def test_feedback_displays_its_status_and_message():
    """a Feedback shows a mark and its message in a notebook"""
    assert repr(Feedback("pass", "Correct.")) == "✅ Correct."
    assert repr(Feedback("fail", "Wrong.")) == "❌ Wrong."
    assert repr(Feedback("not attempted", "Later.")) == "📝 Later."


def test_feedback_rejects_an_unknown_status():
    """status must be one of pass, fail, not attempted"""
    with pytest.raises(ValueError, match="got 'ok'"):
        Feedback("ok", "?")


def test_checkers_refuse_a_non_function():
    """passing the result instead of the function is a TypeError"""
    with pytest.raises(TypeError, match="expects your function, got float"):
        check.xor_accuracy(0.5)


def test_xor_accuracy_passes_the_solution():
    """the chapter's solution passes"""
    assert check.xor_accuracy(accuracy_solution).passed


def test_xor_accuracy_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def accuracy(params, X, Y):
        ...

    feedback = check.xor_accuracy(accuracy)
    assert feedback.status == "not attempted"
    assert "Not attempted yet" in feedback.message


def test_xor_accuracy_not_implemented_is_not_attempted():
    """raising NotImplementedError also counts as not attempted"""
    def accuracy(params, X, Y):
        raise NotImplementedError

    assert check.xor_accuracy(accuracy).status == "not attempted"


def test_xor_accuracy_hints_at_a_missing_mean():
    """returning the per-example comparisons gets a shape hint"""
    def accuracy(params, X, Y):
        return (predict(params, X) > 0.5) == Y

    feedback = check.xor_accuracy(accuracy)
    assert not feedback.passed
    assert "forget the mean" in feedback.message


def test_xor_accuracy_hints_at_wrong_values():
    """a wrong threshold gets 'wrong values' with the input named"""
    def accuracy(params, X, Y):
        return jnp.mean((predict(params, X) > 0.9) == Y)

    feedback = check.xor_accuracy(accuracy)
    assert feedback.status == "fail"
    assert "Wrong values for the accuracy" in feedback.message
    assert "init_params(jax.random.key(" in feedback.message


def test_xor_accuracy_hints_at_not_jittable():
    """a Python if on a traced value gets the 'not jittable' hint"""
    def accuracy(params, X, Y):
        right = jnp.mean((predict(params, X) > 0.5) == Y)
        if right > 0.99:   # fine eagerly, fails under jit
            return jnp.array(1.0)
        return right

    feedback = check.xor_accuracy(accuracy)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message
    assert "jnp.where" in feedback.message


def test_xor_accuracy_reports_a_crash_as_a_hint():
    """an exception in the student's code becomes a hint, not a traceback"""
    def accuracy(params, X, Y):
        return predict(params, X.T)

    feedback = check.xor_accuracy(accuracy)
    assert feedback.status == "fail"
    assert feedback.message.startswith("Your function raised ValueError")


def test_xor_accuracy_hints_at_a_list_result():
    """returning a Python list gets 'should be an array'"""
    def accuracy(params, X, Y):
        return [0.5]

    assert "should be an array" in check.xor_accuracy(accuracy).message


def test_xor_grad_b2_passes_the_solution():
    """the mean error is the gradient with respect to b2"""
    def grad_b2(params, X, Y):
        return jnp.mean(predict(params, X) - Y, keepdims=True)

    assert check.xor_grad_b2(grad_b2).passed


def test_xor_grad_b2_accepts_a_scalar():
    """a 0-d answer is accepted for the (1,)-shaped gradient"""
    def grad_b2(params, X, Y):
        return jnp.mean(predict(params, X) - Y)

    assert check.xor_grad_b2(grad_b2).passed


def test_xor_grad_b2_hints_at_a_sign_error():
    """y - yhat instead of yhat - y gets wrong values"""
    def grad_b2(params, X, Y):
        return jnp.mean(Y - predict(params, X), keepdims=True)

    feedback = check.xor_grad_b2(grad_b2)
    assert feedback.status == "fail"
    assert "Wrong values for dloss/db2" in feedback.message


def test_xor_grad_b2_hints_at_a_forgotten_mean():
    """returning per-example terms gets a shape hint"""
    def grad_b2(params, X, Y):
        return predict(params, X) - Y

    feedback = check.xor_grad_b2(grad_b2)
    assert "Wrong shape for dloss/db2: expected (1,), got (4,)" \
        in feedback.message


def test_xor_grad_b2_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    assert check.xor_grad_b2(lambda p, X, Y: None).status == "not attempted"
