"""The truss model: closed-form answers, derivatives, and bad input."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    Truss,
    ten_bar_truss,
    truss_solve,
    truss_stiffness,
    truss_weight,
)


def two_bar(angle=np.pi / 4, load=10.0, length=100.0, youngs=1.0e4):
    """A symmetric V of two bars under a downward load at its apex."""
    half = length * np.cos(angle)
    depth = length * np.sin(angle)
    nodes = np.array([[-half, depth], [half, depth], [0.0, 0.0]])
    members = np.array([[0, 2], [1, 2]])
    supports = np.array([[True, True], [True, True], [False, False]])
    loads = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, -load]])
    return Truss(nodes, members, supports, loads, youngs)


@pytest.fixture(autouse=True)
def float64():
    with jax.enable_x64(True):
        yield


def test_two_bar_stresses_and_deflection_are_the_closed_form():
    """each bar carries P / (2 sin t); the apex sinks P L / (2 E A sin^2 t)"""
    angle, load, length, youngs, area = 0.6, 10.0, 100.0, 1.0e4, 2.0
    truss = two_bar(angle, load, length, youngs)
    response = truss_solve(truss, jnp.array([area, area]))
    force = load / (2 * np.sin(angle))
    # the bars hang from the supports: both in tension
    np.testing.assert_allclose(response.stresses, force / area, rtol=1e-12)
    sag = load * length / (2 * youngs * area * np.sin(angle) ** 2)
    np.testing.assert_allclose(response.displacements[2], [0.0, -sag],
                               rtol=1e-12, atol=1e-14)


def test_stiffness_is_symmetric_and_singular_before_supports():
    """K is symmetric and has the three rigid-body motions of the plane"""
    k = np.asarray(truss_stiffness(ten_bar_truss(), jnp.ones(10)))
    np.testing.assert_allclose(k, k.T)
    values = np.linalg.eigvalsh(k)
    assert np.sum(np.abs(values) < 1e-9 * values.max()) == 3


def test_ten_bar_published_design_weighs_the_published_weight():
    """Haftka's rounded optimum weighs 5060.85 lb within the rounding"""
    published = jnp.array([30.52, 0.1, 23.20, 15.22, 0.1, 0.55, 7.46,
                           21.04, 21.53, 0.1])
    weight = truss_weight(ten_bar_truss(), published, density=0.1)
    assert abs(float(weight) - 5060.85) < 1.0


def test_equilibrium_holds_at_the_free_dofs():
    """K u equals the loads at every free dof"""
    truss = ten_bar_truss()
    areas = jnp.linspace(1.0, 10.0, 10)
    u = truss_solve(truss, areas).displacements.reshape(-1)
    residual = truss_stiffness(truss, areas) @ u - truss.loads.reshape(-1)
    np.testing.assert_allclose(residual[truss.free_dofs], 0.0, atol=1e-9)


def test_jacobians_forward_reverse_and_finite_differences_agree():
    """jacfwd = jacrev = central differences, for stresses in the areas"""
    truss = ten_bar_truss()
    areas = jnp.linspace(2.0, 20.0, 10)

    def stresses(a):
        return truss_solve(truss, a).stresses

    forward = jax.jacfwd(stresses)(areas)
    np.testing.assert_allclose(jax.jacrev(stresses)(areas), forward,
                               rtol=1e-10, atol=1e-12)
    h = 1e-5
    fd = np.stack([(stresses(areas.at[k].add(h)) -
                    stresses(areas.at[k].add(-h))) / (2 * h)
                   for k in range(10)], axis=1)
    np.testing.assert_allclose(forward, fd, rtol=1e-5, atol=1e-7)


def test_vmap_over_loads_equals_a_loop():
    """vmap over several load cases gives each case's own solve"""
    truss = ten_bar_truss()
    areas = jnp.full(10, 5.0)
    cases = jnp.stack([truss.loads * s for s in (0.5, 1.0, -2.0)])
    batched = jax.vmap(lambda f: truss_solve(truss, areas, f))(cases)
    for k in range(3):
        one = truss_solve(truss, areas, cases[k])
        np.testing.assert_allclose(batched.stresses[k], one.stresses)


def test_traced_non_positive_area_gives_nan():
    """under jit a non-positive traced area cannot raise: results are NaN"""
    truss = ten_bar_truss()
    response = jax.jit(lambda a: truss_solve(truss, a))(
        jnp.full(10, 1.0).at[3].set(-1.0))
    assert np.all(np.isnan(response.stresses))


def test_negative_area_is_refused():
    """a negative area names the member"""
    with pytest.raises(ValueError, match="member 3 has area -1"):
        truss_solve(ten_bar_truss(), jnp.ones(10).at[3].set(-1.0))


def test_concrete_negative_area_is_refused_inside_jit():
    """a concrete array closed over by a jitted function is still checked"""
    truss = ten_bar_truss()
    areas = jnp.array([-1.0] + [1.0] * 9)

    def solve():
        return truss_solve(truss, areas)

    with pytest.raises(ValueError, match="member 0 has area -1"):
        jax.jit(solve)()


def test_wrong_number_of_areas_is_refused():
    """one area per member"""
    with pytest.raises(ValueError, match=r"areas must have shape \(10,\)"):
        truss_solve(ten_bar_truss(), jnp.ones(9))


def test_areas_as_a_list_are_refused():
    """areas must be an array"""
    with pytest.raises(TypeError, match="areas must be a JAX or NumPy"):
        truss_solve(ten_bar_truss(), [1.0] * 10)


def test_wrong_loads_shape_is_refused():
    """loads must be (N, 2)"""
    with pytest.raises(ValueError, match=r"loads must have shape \(6, 2\)"):
        truss_solve(ten_bar_truss(), jnp.ones(10), jnp.ones(12))


def test_not_a_truss_is_refused():
    """the first argument must be a Truss"""
    with pytest.raises(TypeError, match="truss must be a py4eng_jax.Truss"):
        truss_solve("ten bar", jnp.ones(10))


def test_mechanism_is_detected_and_named():
    """a square without a diagonal is a mechanism, and the message says so"""
    nodes = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    members = np.array([[0, 1], [1, 2], [2, 3], [3, 0]])
    supports = np.array([[True, True], [False, True], [False, False],
                         [False, False]])
    loads = np.zeros((4, 2))
    with pytest.raises(ValueError, match="mechanism.*node"):
        Truss(nodes, members, supports, loads, 1.0)
    braced = np.vstack([members, [[0, 2]]])
    Truss(nodes, braced, supports, loads, 1.0)   # a diagonal: stable


def test_unconnected_free_node_is_a_mechanism():
    """a free node that no member reaches can move: named as node 2"""
    nodes = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match=r"node\(s\) 2 can move"):
        Truss(nodes, np.array([[0, 1]]),
              np.array([[True, True], [True, True], [False, False]]),
              np.zeros((3, 2)), 1.0)


def test_member_referring_to_a_missing_node_is_refused():
    """members and nodes must agree: node 6 of 6 does not exist"""
    t = ten_bar_truss()
    members = t.members.copy()
    members[2, 1] = 6
    with pytest.raises(ValueError, match="nodes 0 to 5.*member 2"):
        Truss(t.nodes, members, t.supports, t.loads, 1.0e4)


def test_supports_of_another_shape_than_nodes_are_refused():
    """one row of supports per node"""
    t = ten_bar_truss()
    with pytest.raises(ValueError, match=r"supports must have one row per "
                                         r"node, shape \(6, 2\)"):
        Truss(t.nodes, t.members, t.supports[:5], t.loads, 1.0e4)


def test_member_joining_a_node_to_itself_is_refused():
    """a member needs two different nodes"""
    t = ten_bar_truss()
    members = t.members.copy()
    members[0] = [3, 3]
    with pytest.raises(ValueError, match="member 0 joins node 3 to itself"):
        Truss(t.nodes, members, t.supports, t.loads, 1.0e4)


def test_zero_length_member_is_refused():
    """two nodes at one place make a member of zero length"""
    nodes = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="member 0 has zero length"):
        Truss(nodes, np.array([[0, 1], [1, 2], [0, 2]]),
              np.zeros((3, 2), bool), np.zeros((3, 2)), 1.0)


def test_float_members_and_integer_supports_are_refused():
    """members are node numbers, supports are booleans"""
    t = ten_bar_truss()
    with pytest.raises(TypeError, match="members must have a integer"):
        Truss(t.nodes, t.members * 1.0, t.supports, t.loads, 1.0e4)
    with pytest.raises(TypeError, match="supports must be a boolean"):
        Truss(t.nodes, t.members, t.supports * 1, t.loads, 1.0e4)


def test_non_positive_modulus_is_refused():
    """E must be positive"""
    t = ten_bar_truss()
    with pytest.raises(ValueError, match="youngs_modulus must be a positive"):
        Truss(t.nodes, t.members, t.supports, t.loads, 0.0)


def test_traced_geometry_is_refused_with_a_reason():
    """building a Truss from traced nodes says to build it outside jit"""
    t = ten_bar_truss()

    def build(nodes):
        return Truss(nodes, t.members, t.supports, t.loads, 1.0e4)

    with pytest.raises(TypeError, match="build the Truss outside jax.jit"):
        jax.jit(build)(jnp.asarray(t.nodes))


def test_truss_arrays_are_read_only():
    """a Truss cannot be changed after its checks"""
    t = ten_bar_truss()
    with pytest.raises(ValueError, match="read-only"):
        t.nodes[0, 0] = 1.0
