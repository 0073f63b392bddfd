"""Many devices: a 1-D mesh, rows split over it, a picture of the layout.

A *mesh* arranges devices in a grid with named axes. An array placed with
a ``NamedSharding(mesh, PartitionSpec(...))`` is split into blocks, one per
device (or copied to every device). ``jax.jit`` then compiles one program
that runs on every device and adds the communication the computation
needs. The helpers here cover the book's data-parallel pattern: split the
batch (the rows) over the devices, copy the parameters to every device.

On a CPU-only machine JAX shows one device; set ``jax_num_cpu_devices``
before JAX starts (see the parallel chapter) to simulate several.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from . import _validate
from ._xor import xor_data

__all__ = ["device_mesh", "shard_rows", "replicate", "sharding_grid",
           "noisy_xor"]


def device_mesh(n: int | None = None, axis: str = "batch") -> Mesh:
    """A 1-D mesh of the first ``n`` devices, with one named axis.

    Args:
      n: how many devices; all of them when ``None``.
      axis: the name of the mesh's axis.

    Returns:
      A :class:`jax.sharding.Mesh` with the default axis type, ``Auto``:
      ``jax.jit`` decides how the intermediate results are split. (A mesh
      from ``jax.make_mesh`` is ``Explicit`` by default in JAX 0.10.)

    Raises:
      TypeError: ``n`` is not an integer or ``axis`` not a string.
      ValueError: ``n`` is below 1 or above the number of devices, or
        ``axis`` is empty.

    Examples:
      >>> mesh = device_mesh(1)
      >>> mesh.axis_names, mesh.size
      (('batch',), 1)
    """
    devices = jax.devices()
    if n is None:
        n = len(devices)
    n = _validate.positive_int(n, "n")
    if n > len(devices):
        raise ValueError(
            f"n must be at most the number of devices, {len(devices)}, got "
            f"{n}; to simulate more CPU devices, set jax_num_cpu_devices "
            f"before JAX starts")
    if not isinstance(axis, str):
        raise TypeError(
            f"axis must be a string naming the mesh axis, got "
            f"{type(axis).__name__}")
    if not axis:
        raise ValueError("axis must be a non-empty string, got ''")
    return Mesh(devices[:n], (axis,))


def _check_mesh(mesh) -> str:
    """Check that ``mesh`` is a 1-D Mesh; return its axis name."""
    if not isinstance(mesh, Mesh):
        raise TypeError(
            f"mesh must be a jax.sharding.Mesh, got {type(mesh).__name__}")
    if len(mesh.axis_names) != 1:
        raise ValueError(
            f"mesh must have one axis, got {len(mesh.axis_names)} axes "
            f"{mesh.axis_names}")
    return mesh.axis_names[0]


def shard_rows(x, mesh: Mesh) -> jax.Array:
    """Split ``x`` along its first axis over the devices of a 1-D mesh.

    Device ``i`` of the mesh holds the ``i``-th block of rows; the other
    axes are not split.

    Args:
      x: a JAX or NumPy array with at least one axis, whose length is a
        multiple of the number of devices.
      mesh: a 1-D mesh, e.g. from :func:`device_mesh`.

    Returns:
      ``x`` placed with ``NamedSharding(mesh, PartitionSpec(axis))``.

    Examples:
      >>> xs = shard_rows(jnp.arange(6.0).reshape(3, 2), device_mesh(1))
      >>> xs.sharding.spec
      P('batch',)
    """
    axis = _check_mesh(mesh)
    _validate.array(x, "x", kind="any")   # a TypeError for non-arrays
    if x.ndim == 0:
        raise ValueError("x must have at least one axis to split, got a "
                         "0-d array")
    if x.shape[0] % mesh.size:
        raise ValueError(
            f"x must have a number of rows divisible by the {mesh.size} "
            f"devices of the mesh, got shape {x.shape}")
    return jax.device_put(x, NamedSharding(mesh, PartitionSpec(axis)))


def replicate(tree, mesh: Mesh):
    """Put a copy of every array in ``tree`` on every device of ``mesh``.

    Args:
      tree: an array or a pytree of arrays (e.g. the parameters).
      mesh: the mesh whose devices get a copy.

    Returns:
      The same pytree, each leaf placed with
      ``NamedSharding(mesh, PartitionSpec())``.

    Examples:
      >>> w, b = replicate((jnp.ones((2, 3)), jnp.zeros(3)), device_mesh(1))
      >>> w.sharding.spec, b.sharding.spec
      (P(), P())
    """
    if not isinstance(mesh, Mesh):
        raise TypeError(
            f"mesh must be a jax.sharding.Mesh, got {type(mesh).__name__}")
    return jax.device_put(tree, NamedSharding(mesh, PartitionSpec()))


def _bounds(index: slice, size: int) -> tuple[int, int]:
    start, stop, _ = index.indices(size)
    return start, stop


def sharding_grid(x: jax.Array) -> str:
    """Draw which device holds which block of a 1-D or 2-D array.

    A plain-text version of ``jax.debug.visualize_array_sharding`` (which
    needs the ``rich`` package): one box per block, labelled with the
    devices that hold it. A 1-D array is drawn as one row of blocks.

    Args:
      x: a JAX array with at most two axes.

    Returns:
      The picture, as a string of lines.

    Examples:
      >>> print(sharding_grid(jnp.arange(4.0)))
      ┌───────┐
      │ CPU 0 │
      └───────┘
    """
    if not isinstance(x, jax.Array):
        raise TypeError(
            f"x must be a JAX array, got {type(x).__name__}")
    if x.ndim > 2:
        raise ValueError(
            f"x must have at most 2 axes to be drawn, got shape {x.shape}")
    blocks: dict[tuple, list] = {}
    for device, index in x.sharding.devices_indices_map(x.shape).items():
        if x.ndim == 2:
            key = (_bounds(index[0], x.shape[0]),
                   _bounds(index[1], x.shape[1]))
        elif x.ndim == 1:
            key = ((0, 1), _bounds(index[0], x.shape[0]))
        else:
            key = ((0, 1), (0, 1))
        blocks.setdefault(key, []).append(device)
    rows = sorted({r for r, _ in blocks})
    cols = sorted({c for _, c in blocks})

    def label(devices) -> str:
        devices = sorted(devices, key=lambda d: d.id)
        ids = ",".join(str(d.id) for d in devices)
        return f"{devices[0].platform.upper()} {ids}"

    labels = {key: label(devices) for key, devices in blocks.items()}
    width = max(len(text) for text in labels.values()) + 2

    def rule(left: str, middle: str, right: str) -> str:
        return left + middle.join("─" * width for _ in cols) + right

    lines = [rule("┌", "┬", "┐")]
    for i, r in enumerate(rows):
        if i:
            lines.append(rule("├", "┼", "┤"))
        lines.append("│" + "│".join(
            labels.get((r, c), "").center(width) for c in cols) + "│")
    lines.append(rule("└", "┴", "┘"))
    return "\n".join(lines)


def noisy_xor(key: jax.Array, n: int, noise: float = 0.1
              ) -> tuple[jax.Array, jax.Array]:
    """``n`` points scattered around the four XOR corners, with labels.

    Row ``i`` lies near corner ``i % 4`` of ``[0,0], [0,1], [1,0], [1,1]``
    (so any block of 4 consecutive rows holds every corner once), moved
    by Gaussian noise of standard deviation ``noise``; its label is the
    corner's XOR.

    Args:
      key: a PRNG key from ``jax.random.key``.
      n: the number of points.
      noise: the standard deviation of the noise, at least 0.

    Returns:
      ``X`` of shape (n, 2) and ``Y`` of shape (n,), both float32.

    Examples:
      >>> X, Y = noisy_xor(jax.random.key(0), 8, noise=0.0)
      >>> Y.tolist()
      [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]
    """
    _validate.prng_key(key, "key")
    n = _validate.positive_int(n, "n")
    noise = _validate.real_number(noise, "noise", low=0)
    return _noisy_xor(key, n, noise)


@functools.partial(jax.jit, static_argnums=1)
def _noisy_xor(key, n, noise):
    # One compiled program instead of a handful of eager operations.
    corners, labels = xor_data()
    which = jnp.arange(n) % 4
    X = corners[which] + noise * jax.random.normal(key, (n, 2))
    return X, labels[which]
