"""Checkers of the vmap chapter: solutions pass, mistakes get the hint."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import check, hamming, hamming_to_rows, loss
from py4eng_jax.check._vmap import program_size


def distance_matrix(Q, Y):
    to_rows = jax.vmap(hamming, in_axes=(None, 0))
    return jax.vmap(to_rows, in_axes=(0, None))(Q, Y)


def nearest_solution(Q, Y):
    return distance_matrix(Q, Y).argmin(axis=1)


def ensemble_solution(stacked, X, Y):
    return jax.vmap(loss, in_axes=(0, None, None))(stacked, X, Y)


def test_program_size_counts_operations():
    """program_size counts the operations JAX records"""
    assert program_size(lambda x: (2 * x).sum(), jnp.ones(3)) == 2


def test_program_size_looks_inside_jit():
    """operations inside a nested jax.jit are counted too"""
    inner = jax.jit(lambda x: (2 * x).sum())
    assert program_size(lambda x: inner(x), jnp.ones(3)) == 3


def test_program_size_grows_with_a_python_loop():
    """a Python loop over rows records one copy of its body per row"""
    def loop(X):
        return jnp.stack([row.sum() for row in X])

    assert program_size(loop, jnp.ones((4, 2))) > \
        program_size(loop, jnp.ones((2, 2)))


# -- nearest_rows ------------------------------------------------------------

def test_nearest_rows_passes_the_solution():
    """the chapter's solution passes"""
    assert check.nearest_rows(nearest_solution).passed


def test_nearest_rows_passes_vmap_of_the_package_helper():
    """vmap over the queries of hamming_to_rows(...).argmin() also passes"""
    def nearest(Q, Y):
        return jax.vmap(lambda q: hamming_to_rows(q, Y).argmin())(Q)

    assert check.nearest_rows(nearest).passed


def test_nearest_rows_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def nearest_rows(Q, Y):
        ...

    assert check.nearest_rows(nearest_rows).status == "not attempted"


def test_nearest_rows_hints_at_the_distance_matrix():
    """returning the distances instead of the indices: a shape hint"""
    feedback = check.nearest_rows(distance_matrix)
    assert feedback.status == "fail"
    assert "Wrong shape for the indices: expected (3,), got (3, 10)" in \
        feedback.message
    assert "argmin" in feedback.message


def test_nearest_rows_hints_at_wrong_values_for_a_shown_input():
    """argmax instead of argmin: wrong values, with the input named"""
    def farthest(Q, Y):
        return distance_matrix(Q, Y).argmax(axis=1)

    feedback = check.nearest_rows(farthest)
    assert feedback.status == "fail"
    assert feedback.message.startswith(
        "Wrong values for the indices with Q = [[1, 2, 3, 4, 1], [4, 4, 4, 4, "
        "4], [2, 1, 2, 1, 2]] and the chapter's Y: expected [")


def test_nearest_rows_hints_at_not_jittable():
    """a detour through NumPy fails under jit: the not-jittable hint"""
    def nearest(Q, Y):
        return jnp.asarray(np.asarray(nearest_solution(Q, Y)))

    feedback = check.nearest_rows(nearest)
    assert feedback.status == "fail"
    assert "not jittable" in feedback.message


def test_nearest_rows_hints_at_a_python_loop():
    """a Python loop over the rows of Q: the not-vectorized hint"""
    def nearest(Q, Y):
        return jnp.stack([hamming_to_rows(q, Y).argmin() for q in Q])

    feedback = check.nearest_rows(nearest)
    assert feedback.status == "fail"
    assert "not vectorized" in feedback.message
    assert "rows of Q and Y" in feedback.message


def test_nearest_rows_hints_at_a_loop_over_the_rows_of_Y():
    """a Python loop over the rows of Y is caught too"""
    def nearest(Q, Y):
        to_q = jax.vmap(hamming, in_axes=(0, None))
        return jnp.stack([to_q(Q, y) for y in Y], axis=1).argmin(axis=1)

    assert "not vectorized" in check.nearest_rows(nearest).message


def test_nearest_rows_numpy_detour_passes_values_then_fails_jit():
    """a NumPy answer gets past the value checks, then the jit hint"""
    feedback = check.nearest_rows(
        lambda Q, Y: np.asarray(nearest_solution(Q, Y)))
    assert "not jittable" in feedback.message   # values were accepted


def test_nearest_rows_reports_a_crash_as_a_hint():
    """vmap over the wrong axis crashes: the error becomes a hint"""
    def nearest(Q, Y):
        return jax.vmap(hamming, in_axes=(0, 0))(Q, Y)

    feedback = check.nearest_rows(nearest)
    assert feedback.message.startswith("Your function raised ValueError")


# -- ensemble_losses ---------------------------------------------------------

def test_ensemble_losses_passes_the_solution():
    """the chapter's solution passes"""
    assert check.ensemble_losses(ensemble_solution).passed


def test_ensemble_losses_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def ensemble_losses(stacked, X, Y):
        ...

    assert check.ensemble_losses(ensemble_losses).status == "not attempted"


def test_ensemble_losses_hints_at_in_axes():
    """mapping X and Y too (in_axes=0 everywhere): the in_axes hint"""
    def ensemble(stacked, X, Y):
        return jax.vmap(loss)(stacked, X, Y)

    feedback = check.ensemble_losses(ensemble)
    assert feedback.status == "fail"
    assert "in_axes=(0, None, None)" in feedback.message


def test_ensemble_losses_hints_at_a_mean():
    """averaging the losses gives one number: a shape hint"""
    def ensemble(stacked, X, Y):
        return ensemble_solution(stacked, X, Y).mean()

    feedback = check.ensemble_losses(ensemble)
    assert feedback.message.startswith(
        "Wrong shape for the losses: expected (5,), got one number")


def test_ensemble_losses_hints_at_wrong_values():
    """the losses of the wrong parameter sets: wrong values"""
    def ensemble(stacked, X, Y):
        return ensemble_solution(stacked, X, Y)[::-1]

    feedback = check.ensemble_losses(ensemble)
    assert feedback.message.startswith("Wrong values for the losses with "
                                       "the 5 parameter sets `stacked`")


def test_ensemble_losses_hints_at_not_jittable():
    """a Python if on a traced loss: the not-jittable hint"""
    def ensemble(stacked, X, Y):
        losses = ensemble_solution(stacked, X, Y)
        if losses.min() < 0:
            raise ValueError("a negative loss")
        return losses

    assert "not jittable" in check.ensemble_losses(ensemble).message


def test_ensemble_losses_hints_at_a_python_loop():
    """a Python loop over the parameter sets: the not-vectorized hint"""
    def ensemble(stacked, X, Y):
        k = stacked[0].shape[0]
        return jnp.stack([loss(tuple(p[i] for p in stacked), X, Y)
                          for i in range(k)])

    feedback = check.ensemble_losses(ensemble)
    assert "not vectorized" in feedback.message
    assert "one parameter set" in feedback.message


@pytest.mark.parametrize("checker", [check.nearest_rows,
                                     check.ensemble_losses])
def test_vmap_checkers_refuse_a_non_function(checker):
    """passing a result instead of a function is a TypeError"""
    with pytest.raises(TypeError, match="expects your function"):
        checker(jnp.zeros(3))
