"""Plane trusses: a differentiable finite-element model, and the 10-bar truss.

A plane truss is a set of nodes joined by straight members (bars) that
carry only axial force. Each node has two degrees of freedom (dofs), its
displacements in x and y, numbered ``2 * node`` and ``2 * node + 1``.
Member ``e`` from node ``i`` to node ``j``, of length ``L``, direction
cosines ``c = (cos, sin)``, area ``A`` and Young's modulus ``E``, adds its
element stiffness

    (E A / L) * [[ c c^T, -c c^T],
                 [-c c^T,  c c^T]]

to the rows and columns of the dofs of its two nodes. With the supported
dofs removed, ``K u = f`` gives the displacements, and the member stress is
``E / L * c . (u_j - u_i)`` (positive in tension).

The geometry (:class:`Truss`) is fixed data, checked once when it is made,
in NumPy: members that refer to missing nodes, members of zero length, and
mechanisms (a stiffness matrix that is singular whatever the areas) are
refused there. The member areas are the design variables: the functions
below are written in ``jax.numpy``, so ``jax.jacfwd``, ``jax.jacrev``,
``jax.jit`` and ``jax.vmap`` go through them.

Units are the caller's, as long as they are consistent; the 10-bar truss of
:func:`ten_bar_truss` uses inches, kips and ksi.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from . import _validate

__all__ = ["Truss", "TrussResponse", "truss_stiffness", "truss_solve",
           "truss_weight", "ten_bar_truss"]

# The relative size of the smallest eigenvalue of the unit-area stiffness
# matrix below which the truss is called a mechanism. A stable truss of
# sensible proportions sits many orders of magnitude above it.
_MECHANISM_TOL = 1e-10


def _concrete(value, name: str, **check) -> np.ndarray:
    """``value``, checked (see ``_validate.array``), as a NumPy array of
    its own precision; a traced value gets a clear TypeError."""
    _validate.array(value, name, **check)
    if isinstance(value, jax.core.Tracer):
        raise TypeError(
            f"{name} must be concrete data (a NumPy or JAX array with known "
            f"values), got a traced array: a truss's geometry, supports "
            f"and loads are fixed data, so build the Truss outside "
            f"jax.jit, jax.grad or jax.vmap")
    return np.asarray(value)


@dataclasses.dataclass(frozen=True, eq=False)
class Truss:
    """A plane truss: its nodes, members, supports, loads and material.

    Made with checked inputs; the arrays are stored as read-only NumPy
    arrays.

    Args:
      nodes: node coordinates, a float array of shape (N, 2).
      members: the two nodes of each member, an integer array of shape
        (M, 2), nodes numbered from 0.
      supports: which dofs are held, a boolean array of shape (N, 2):
        ``supports[n, 0]`` holds node n in x, ``supports[n, 1]`` in y.
      loads: the force on each node, a real array of shape (N, 2).
      youngs_modulus: E, a positive number, the same for every member.

    Raises:
      TypeError: an argument is not an array, or has the wrong dtype, or
        is traced.
      ValueError: the shapes disagree, a member refers to a node that does
        not exist or joins a node to itself or has zero length, or the
        truss is a mechanism (its stiffness matrix is singular).

    Examples:
      >>> bar = Truss(nodes=np.array([[0.0, 0.0], [2.0, 0.0]]),
      ...             members=np.array([[0, 1]]),
      ...             supports=np.array([[True, True], [False, True]]),
      ...             loads=np.array([[0.0, 0.0], [3.0, 0.0]]),
      ...             youngs_modulus=10.0)
      >>> bar.lengths
      array([2.])
    """

    nodes: np.ndarray
    members: np.ndarray
    supports: np.ndarray
    loads: np.ndarray
    youngs_modulus: float

    def __post_init__(self):
        nodes = _concrete(self.nodes, "nodes", shape=(None, 2),
                          kind="real")
        n = nodes.shape[0]
        members = _concrete(self.members, "members", shape=(None, 2),
                            kind="int")
        supports = _concrete(self.supports, "supports", kind="any")
        if supports.dtype != bool:
            raise TypeError(f"supports must be a boolean array (True where "
                            f"a dof is held), got dtype {supports.dtype}")
        loads = _concrete(self.loads, "loads", kind="real")
        for name, value in (("supports", supports), ("loads", loads)):
            if value.shape != (n, 2):
                raise ValueError(
                    f"{name} must have one row per node, shape ({n}, 2) "
                    f"for the {n} nodes, got shape {value.shape}")
        if members.shape[0] == 0:
            raise ValueError("members must list at least one member, got "
                             "shape (0, 2)")
        if not np.all(np.isfinite(nodes)) or not np.all(np.isfinite(loads)):
            raise ValueError("nodes and loads must be finite numbers")
        bad = np.flatnonzero((members < 0) | (members >= n))
        if bad.size:
            e = bad[0] // 2
            raise ValueError(
                f"members must refer to nodes 0 to {n - 1} (nodes has {n} "
                f"rows), but member {e} joins nodes "
                f"{members[e, 0]} and {members[e, 1]}")
        same = np.flatnonzero(members[:, 0] == members[:, 1])
        if same.size:
            raise ValueError(f"member {same[0]} joins node "
                             f"{members[same[0], 0]} to itself")
        nodes = nodes.astype(np.float64)
        lengths = np.linalg.norm(nodes[members[:, 1]] - nodes[members[:, 0]],
                                 axis=1)
        if np.any(lengths == 0):
            e = int(np.flatnonzero(lengths == 0)[0])
            raise ValueError(
                f"member {e} has zero length: its nodes {members[e, 0]} and "
                f"{members[e, 1]} are at the same place")
        youngs = _validate.positive_number(_scalar(
            self.youngs_modulus), "youngs_modulus")
        for name, value in (("nodes", nodes), ("members", members),
                            ("supports", supports),
                            ("loads", loads.astype(np.float64)),
                            ("youngs_modulus", float(youngs))):
            if isinstance(value, np.ndarray):
                value = value.copy()
                value.flags.writeable = False
            object.__setattr__(self, name, value)
        _refuse_mechanism(self)

    @property
    def lengths(self) -> np.ndarray:
        """The length of each member, shape (M,)."""
        ends = self.nodes[self.members]
        return np.linalg.norm(ends[:, 1] - ends[:, 0], axis=1)

    @property
    def directions(self) -> np.ndarray:
        """The unit vector from the first node of each member to its
        second, shape (M, 2)."""
        ends = self.nodes[self.members]
        return (ends[:, 1] - ends[:, 0]) / self.lengths[:, None]

    @property
    def free_dofs(self) -> np.ndarray:
        """The numbers of the dofs that are not held, in order."""
        return np.flatnonzero(~self.supports.reshape(-1))

    def member_dofs(self) -> np.ndarray:
        """The four dofs of each member (x, y of its first node, then of
        its second), shape (M, 4)."""
        i, j = self.members[:, 0], self.members[:, 1]
        return np.stack([2 * i, 2 * i + 1, 2 * j, 2 * j + 1], axis=1)


def _scalar(value):
    """A concrete 0-d array becomes a Python number before the check."""
    if isinstance(value, (np.ndarray, jax.Array)) and np.ndim(value) == 0 \
            and not isinstance(value, jax.core.Tracer):
        return value.item()
    return value


def _refuse_mechanism(truss: Truss) -> None:
    """Raise ValueError if the free dofs can move without straining any
    member: the stiffness with unit areas is then singular."""
    free = truss.free_dofs
    if free.size == 0:
        return
    k = np.asarray(_assemble(truss, np.ones(len(truss.members)), np))
    kff = k[np.ix_(free, free)]
    values, vectors = np.linalg.eigh(kff)
    scale = max(values[-1], np.finfo(float).tiny)
    if values[0] > _MECHANISM_TOL * scale:
        return
    motion = np.zeros(truss.nodes.size)
    motion[free] = vectors[:, 0]
    moves = np.abs(motion.reshape(-1, 2)).max(axis=1)
    nodes = np.flatnonzero(moves > 0.1 * moves.max())
    shown = ", ".join(str(n) for n in nodes)
    raise ValueError(
        f"the truss is a mechanism: its stiffness matrix is singular "
        f"(with unit areas its smallest eigenvalue is zero to rounding), "
        f"so node(s) {shown} can move without stretching any member. Add "
        f"a member or a support that stops that motion")


def _assemble(truss: Truss, stiffness_per_member, xp):
    """The full stiffness matrix (2N, 2N) for the members' axial
    stiffness E A / L, in NumPy (xp=np) or JAX (xp=jnp)."""
    c = truss.directions
    cc = c[:, :, None] * c[:, None, :]                    # (M, 2, 2)
    block = np.block([[cc, -cc], [-cc, cc]])              # (M, 4, 4)
    local = stiffness_per_member[:, None, None] * block   # (M, 4, 4)
    dofs = truss.member_dofs()
    rows, cols = dofs[:, :, None], dofs[:, None, :]
    size = truss.nodes.size
    if xp is np:
        k = np.zeros((size, size))
        np.add.at(k, (rows, cols), local)
        return k
    return jnp.zeros((size, size), local.dtype).at[rows, cols].add(local)


def _areas(truss: Truss, areas) -> jax.Array:
    """Check the areas: one per member, real, and positive when their
    values are known (not traced)."""
    m = len(truss.members)
    areas = _validate.array(areas, "areas", shape=(m,), kind="real")
    if not isinstance(areas, jax.core.Tracer):
        values = np.asarray(areas)
        bad = np.flatnonzero(~(values > 0))
        if bad.size:
            raise ValueError(
                f"areas must be positive, one per member, but member "
                f"{bad[0]} has area {float(values[bad[0]])!r}")
    return jnp.asarray(areas, dtype=jnp.result_type(float))


class TrussResponse(NamedTuple):
    """What :func:`truss_solve` returns (a pytree: ``jax.jacfwd`` of a
    function returning it gives one Jacobian per field)."""

    displacements: jax.Array
    """The displacement of each node in x and y, shape (N, 2)."""
    stresses: jax.Array
    """The axial stress of each member, positive in tension, shape (M,)."""


def truss_stiffness(truss: Truss, areas: ArrayLike) -> jax.Array:
    """The stiffness matrix of the whole truss, supports not yet removed.

    Args:
      truss: the :class:`Truss`.
      areas: the area of each member, a positive array of shape (M,).

    Returns:
      The symmetric (2N, 2N) matrix; dof ``2 n`` is node n in x,
      ``2 n + 1`` in y.

    Examples:
      >>> bar = Truss(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([[0, 1]]),
      ...             np.array([[True, True], [False, True]]),
      ...             np.zeros((2, 2)), 10.0)
      >>> truss_stiffness(bar, jnp.array([0.5]))[0]
      Array([ 2.5,  0. , -2.5,  0. ], dtype=float32)
    """
    _check_truss(truss)
    return _stiffness(truss, _areas(truss, areas))


# The geometry is static (a Truss hashes by identity), so each truss is
# compiled once, and calls outside jit do not run op by op.
@functools.partial(jax.jit, static_argnums=0)
def _stiffness(truss: Truss, areas: jax.Array) -> jax.Array:
    axial = truss.youngs_modulus * areas / truss.lengths
    return _assemble(truss, axial, jnp)


def truss_solve(truss: Truss, areas: ArrayLike,
                loads: ArrayLike | None = None) -> TrussResponse:
    """Solve ``K u = f`` for the displacements, then the member stresses.

    Differentiable in ``areas`` and ``loads`` (forward and reverse mode),
    and usable under ``jax.jit`` and ``jax.vmap``. Under a transformation
    the areas may be traced, and their sign cannot be checked in Python:
    then the displacements and stresses come out NaN if any area is not
    positive.

    Args:
      truss: the :class:`Truss`.
      areas: the area of each member, a positive array of shape (M,).
      loads: the nodal forces, shape (N, 2); ``truss.loads`` if None.
        Forces on held dofs are reactions' business and are ignored.

    Returns:
      A :class:`TrussResponse` with the displacements (N, 2) and the
      member stresses (M,).

    Examples:
      >>> bar = Truss(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([[0, 1]]),
      ...             np.array([[True, True], [False, True]]),
      ...             np.array([[0.0, 0.0], [3.0, 0.0]]), 10.0)
      >>> response = truss_solve(bar, jnp.array([0.5]))
      >>> print(response.stresses.round(4))   # the force 3 over the area 0.5
      [6.]
      >>> round(float(response.displacements[1, 0]), 4)  # F L / (E A)
      1.2
    """
    _check_truss(truss)
    areas = _areas(truss, areas)
    n = truss.nodes.shape[0]
    if loads is None:
        loads = truss.loads
    else:
        loads = _validate.array(loads, "loads", shape=(n, 2), kind="real")
    return _solve(truss, areas, jnp.asarray(loads, dtype=areas.dtype))


@functools.partial(jax.jit, static_argnums=0)
def _solve(truss: Truss, areas: jax.Array, loads: jax.Array
           ) -> TrussResponse:
    n = truss.nodes.shape[0]
    free = truss.free_dofs
    kff = _stiffness(truss, areas)[np.ix_(free, free)]
    # K_ff is symmetric positive definite (no mechanism, positive areas).
    factor = jax.scipy.linalg.cho_factor(kff)
    u_free = jax.scipy.linalg.cho_solve(factor, loads.reshape(-1)[free])
    u = jnp.zeros(truss.nodes.size, areas.dtype).at[free].set(u_free)
    u = u.reshape(n, 2)
    i, j = truss.members[:, 0], truss.members[:, 1]
    stretch = jnp.sum(truss.directions * (u[j] - u[i]), axis=1)
    stresses = truss.youngs_modulus * stretch / truss.lengths
    ok = jnp.all(areas > 0)      # traced areas: NaN instead of an error
    return TrussResponse(jnp.where(ok, u, jnp.nan),
                         jnp.where(ok, stresses, jnp.nan))


def truss_weight(truss: Truss, areas: ArrayLike, density: float) -> jax.Array:
    """The weight ``density * sum(A L)`` (density as weight per volume).

    Examples:
      >>> bar = Truss(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([[0, 1]]),
      ...             np.array([[True, True], [False, True]]),
      ...             np.zeros((2, 2)), 10.0)
      >>> truss_weight(bar, jnp.array([0.5]), density=3.0)
      Array(3., dtype=float32)
    """
    _check_truss(truss)
    areas = _areas(truss, areas)
    density = _validate.positive_number(density, "density")
    return density * jnp.dot(areas, jnp.asarray(truss.lengths, areas.dtype))


def _check_truss(truss) -> None:
    if not isinstance(truss, Truss):
        raise TypeError(f"truss must be a py4eng_jax.Truss, got "
                        f"{_validate.describe(truss)}")


def ten_bar_truss(load: float = 100.0) -> Truss:
    """The classic 10-bar cantilever truss (Venkayya 1971), load case 1.

    Two bays of 360 in, 360 in deep; nodes 4 and 5 (from 0; 5 and 6 in the
    literature) are held at the wall. ``load`` kips act downwards at the
    two lower free nodes, 1 and 3 (2 and 4 in the literature). Members are
    numbered as in Haftka and Gürdal, *Elements of Structural
    Optimization* (1992), from 0. Units: inches, kips; E = 10^4 ksi.

    Examples:
      >>> truss = ten_bar_truss()
      >>> truss.nodes.shape, truss.members.shape
      ((6, 2), (10, 2))
    """
    load = _validate.real_number(load, "load", finite=True)
    nodes = np.array([[720.0, 360.0], [720.0, 0.0], [360.0, 360.0],
                      [360.0, 0.0], [0.0, 360.0], [0.0, 0.0]])
    members = np.array([[4, 2], [2, 0], [5, 3], [3, 1], [2, 3], [0, 1],
                        [4, 3], [5, 2], [2, 1], [3, 0]])
    supports = np.zeros((6, 2), dtype=bool)
    supports[[4, 5]] = True
    loads = np.zeros((6, 2))
    loads[[1, 3], 1] = -load
    return Truss(nodes, members, supports, loads, 1.0e4)
