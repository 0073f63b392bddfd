"""Tests of the sparse-systems helpers (chapter sparse)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.sparse.linalg import cg

from py4eng_jax import (
    assemble_conduction,
    cg_solve,
    conduction_diagonal,
    conduction_operator,
    implicit_heat_step,
)

RNG = np.random.default_rng(0)
K = RNG.uniform(1.0, 5.0, (6, 5))
U = RNG.normal(size=(6, 5))


def test_operator_matches_the_assembled_matrix():
    """the matrix-free operator and the SciPy matrix give the same A u"""
    a = assemble_conduction(K, 0.1)
    got = conduction_operator(jnp.asarray(U, jnp.float32),
                              jnp.asarray(K, jnp.float32), 0.1)
    np.testing.assert_allclose(np.asarray(got).ravel(), a @ U.ravel(),
                               rtol=1e-5, atol=1e-3)


def test_assembled_matrix_is_symmetric_with_the_right_diagonal():
    """the assembled matrix is symmetric; its diagonal is the helper's"""
    a = assemble_conduction(K, 0.1)
    assert abs(a - a.T).max() == 0
    np.testing.assert_allclose(a.diagonal(),
                               np.asarray(conduction_diagonal(K, 0.1))
                               .ravel(), rtol=1e-6)


def test_constant_conductivity_is_the_five_point_stencil():
    """with k = 1 and dx = 1 the operator is 4 u - (sum of neighbours)"""
    u = jnp.asarray(U, jnp.float32)
    p = jnp.pad(u, 1)
    stencil = 4 * u - (p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2]
                       + p[1:-1, 2:])
    np.testing.assert_allclose(conduction_operator(u, 1.0, 1.0), stencil,
                               rtol=1e-6, atol=1e-6)


def test_cg_solve_agrees_with_a_dense_solve():
    """cg_solve's answer solves the system; the count is jax's own: cg
    stopped one iteration earlier has not converged"""
    k = jnp.asarray(K, jnp.float32)

    def a(x):
        return conduction_operator(x, k, 0.1)

    b = jnp.asarray(U, jnp.float32)
    result = cg_solve(a, b, tol=1e-5)
    dense = assemble_conduction(K, 0.1).toarray()
    np.testing.assert_allclose(np.asarray(result.x).ravel(),
                               np.linalg.solve(dense, U.ravel()),
                               rtol=1e-3, atol=1e-6)
    assert result.residual <= 1e-4
    short = cg(a, b, tol=1e-5, maxiter=result.iterations - 1)[0]
    full = cg(a, b, tol=1e-5, maxiter=result.iterations)[0]
    norm = float(jnp.linalg.norm(b))
    assert float(jnp.linalg.norm(b - a(short))) > 1e-5 * norm
    np.testing.assert_array_equal(full, result.x)


def test_jacobi_preconditioner_cuts_iterations_on_a_jump():
    """with a 100x conductivity jump Jacobi needs fewer iterations"""
    k = jnp.where(jnp.arange(16)[:, None] < 8, 1.0, 100.0) * jnp.ones(16)
    d = conduction_diagonal(k, 1.0)
    b = jnp.ones((16, 16))
    plain = cg_solve(lambda x: conduction_operator(x, k, 1.0), b, tol=1e-5)
    jacobi = cg_solve(lambda x: conduction_operator(x, k, 1.0), b, tol=1e-5,
                      preconditioner=lambda r: r / d)
    assert jacobi.iterations < plain.iterations
    np.testing.assert_allclose(jacobi.x, plain.x, rtol=1e-3)


def test_cg_solve_refuses_a_non_symmetric_operator():
    """an operator with a one-sided (upwind) term is refused, and why"""
    def a(x):
        return conduction_operator(x, 1.0, 1.0) + jnp.roll(x, 1, axis=0)
    with pytest.raises(ValueError, match="must be symmetric for CG"):
        cg_solve(a, jnp.ones((5, 5)))


def test_cg_solve_refuses_a_negative_definite_operator():
    """an operator with the wrong sign (-A) is refused"""
    with pytest.raises(ValueError, match="must be positive definite"):
        cg_solve(lambda x: -conduction_operator(x, 1.0, 1.0),
                 jnp.ones((5, 5)))


def test_cg_solve_reports_a_singular_operator():
    """a singular operator (an insulated plate: no fixed edge) with a net
    heat input has no solution, and CG says it did not converge"""
    def insulated(x):
        p = jnp.pad(x, 1, mode="edge")   # zero flux through every edge
        return 4 * x - (p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2]
                        + p[1:-1, 2:])
    with pytest.raises(ValueError, match="did not converge.*singular"):
        cg_solve(insulated, jnp.ones((6, 6)), maxiter=200)


def test_cg_solve_rejects_a_matvec_of_another_shape():
    """a matvec that flattens its input is refused, naming both shapes"""
    with pytest.raises(ValueError, match=r"b's shape \(4, 4\).*\(16,\)"):
        cg_solve(lambda x: x.ravel(), jnp.ones((4, 4)))


def test_cg_solve_rejects_a_preconditioner_of_another_shape():
    """a preconditioner that returns another shape is refused"""
    with pytest.raises(ValueError, match="preconditioner must return"):
        cg_solve(lambda x: 2 * x, jnp.ones((4, 4)),
                 preconditioner=lambda r: r[:2])


def test_cg_solve_rejects_integer_and_traced_right_hand_sides():
    """an integer b and a traced b get a TypeError naming b"""
    with pytest.raises(TypeError, match="b must have a floating"):
        cg_solve(lambda x: x, jnp.ones(3, jnp.int32))
    with pytest.raises(TypeError, match="traced b"):
        jax.jit(lambda b: cg_solve(lambda x: x, b).x)(jnp.ones(3))


def test_cg_solve_rejects_a_matvec_that_is_not_a_function():
    """passing the matrix instead of a function is a TypeError"""
    with pytest.raises(TypeError, match="matvec must be a function"):
        cg_solve(jnp.eye(3), jnp.ones(3))


def test_operator_rejects_inconsistent_shapes():
    """a conductivity field of another shape than u is refused"""
    with pytest.raises(ValueError, match=r"conductivity must have shape"):
        conduction_operator(jnp.ones((4, 4)), jnp.ones((4, 5)), 0.1)
    with pytest.raises(ValueError, match="u must be 2-D|u must have 2"):
        conduction_operator(jnp.ones(16), 1.0, 0.1)


def test_operator_rejects_bad_numbers():
    """a non-positive conductivity or dx is a ValueError naming it"""
    with pytest.raises(ValueError, match="conductivity must be"):
        conduction_operator(jnp.ones((3, 3)), -1.0, 0.1)
    with pytest.raises(ValueError, match="dx must be"):
        conduction_operator(jnp.ones((3, 3)), 1.0, 0.0)


def test_operator_works_inside_jit_with_a_traced_conductivity():
    """validation reads shapes only: a traced scalar or field is fine"""
    f = jax.jit(lambda u, k: conduction_operator(u, k, 0.5))
    u = jnp.asarray(U, jnp.float32)
    np.testing.assert_allclose(f(u, jnp.float32(2.0)),
                               conduction_operator(u, 2.0, 0.5), rtol=1e-6)
    np.testing.assert_allclose(f(u, jnp.full(u.shape, 2.0)),
                               conduction_operator(u, 2.0, 0.5), rtol=1e-6)


def test_assemble_rejects_a_number_for_the_field():
    """assemble_conduction needs the field as an array"""
    with pytest.raises(TypeError, match="conductivity must be a 2-D"):
        assemble_conduction(1.0, 0.1)


@pytest.mark.parametrize("theta", [1.0, 0.5])
def test_implicit_step_matches_the_amplification_factor(theta):
    """on a Fourier mode one step multiplies by the exact factor of the
    theta method, also far beyond the explicit limit (r = 20)"""
    n, r = 15, 20.0
    x = jnp.arange(1, n + 1) / (n + 1)
    mode = jnp.outer(jnp.sin(jnp.pi * x), jnp.sin(jnp.pi * x))
    lam = 8 * np.sin(np.pi / (2 * (n + 1))) ** 2
    factor = (1 - (1 - theta) * r * lam) / (1 + theta * r * lam)
    got = implicit_heat_step(mode, r, theta, tol=1e-7)
    np.testing.assert_allclose(got, factor * mode, rtol=1e-4, atol=1e-6)


def test_implicit_step_rejects_a_bad_theta():
    """theta outside [0, 1] is a ValueError naming theta"""
    with pytest.raises(ValueError, match="theta"):
        implicit_heat_step(jnp.ones((3, 3)), 1.0, theta=1.5)
