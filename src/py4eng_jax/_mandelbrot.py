"""The Mandelbrot set's escape counts, computed seven ways, for benchmarks.

A point ``c = cr + i*ci`` of the complex plane belongs to the Mandelbrot
set when the sequence ``z_0 = 0``, ``z_{k+1} = z_k**2 + c`` stays bounded.
Once ``|z| > 2`` it is sure to run off to infinity, so an image of the set
colors each point by its *escape count*: the number of updates after which
``z`` is still inside the circle ``|z| <= 2``, stopping at the first update
that leaves it, and at most ``max_iter`` (a point that never leaves gets
``max_iter``). For example ``c = 1`` gives ``z = 1, 2, 5``: two updates
stay inside, the third leaves, so its count is 2.

The versions below compute exactly the same counts, with the same
floating-point operations in the same order. Four are written to teach:

- :func:`mandelbrot_python`: plain Python loops over pixels (Python floats,
  so always float64), stopping each pixel as soon as it escapes;
- :func:`mandelbrot_numpy`: whole-array NumPy, every pixel every step;
- :func:`mandelbrot_jax`: the same whole-array step in ``lax.fori_loop``,
  compiled with ``jax.jit``;
- :func:`mandelbrot_vmap`: :func:`escape_count` for one point, vectorized
  over all pixels with ``jax.vmap`` and compiled with ``jax.jit``.

These whole-array versions keep stepping every pixel; a pixel that has
escaped is held at ``z = 2`` so that its value never overflows.

Three are what an engineer would write to make it fast (the benchmarking
chapter explains each step):

- :func:`mandelbrot_numpy_compact`: whole-array NumPy that drops each
  pixel from the arrays as soon as it escapes, so that later steps work
  on the pixels still inside only;
- :func:`mandelbrot_numba`: the pure Python loops, compiled by Numba's
  ``@njit`` (float64, like pure Python), on one thread or, with
  ``parallel=True``, on all of Numba's threads (Numba is an optional
  extra: ``pip install 'py4eng-jax[bench]'``);
- :func:`mandelbrot_jax_fast`: JAX on tiles of pixels, each tile run by a
  ``lax.while_loop`` of unrolled steps that stops once every pixel of the
  tile has escaped; with ``streams=2`` or more the tiles are shared
  among independent loops that XLA may run on several threads.

Precision: the NumPy version computes in the dtype of its input. The JAX
versions compute in float32 unless 64-bit mode is on, as in
``with jax.enable_x64(True): ...``; only then do they match the Python and
NumPy versions on float64 grids. One more caveat: XLA may fuse a multiply
and an add into one fused multiply-add, which rounds once instead of
twice. On the grids of the book and the tests this changes no count in
float64; in float32 it can change a few pixels on the boundary of the set.

Examples:
  >>> cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=7, height=3)
  >>> print(mandelbrot_numpy(cr, ci, max_iter=20))
  [[ 0  1  2  3 20  1  1]
   [20 20 20 20 20  4  2]
   [ 0  1  2  3 20  1  1]]
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _validate

__all__ = [
    "mandelbrot_grid",
    "mandelbrot_python",
    "mandelbrot_numpy",
    "mandelbrot_jax",
    "escape_count",
    "mandelbrot_vmap",
    "mandelbrot_numpy_compact",
    "mandelbrot_numba",
    "numba_threads",
    "mandelbrot_jax_fast",
]


# --------------------------------------------------------------- the grid


def _finite_number(value, name: str) -> float:
    return _validate.real_number(value, name, finite=True)


def mandelbrot_grid(xmin: float, xmax: float, ymin: float, ymax: float,
                    width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The points ``c = cr + i*ci`` of an image of ``width`` × ``height``.

    Args:
      xmin, xmax: the real parts of the leftmost and rightmost columns.
      ymin, ymax: the imaginary parts of the first and last rows.
      width, height: the number of columns and rows (positive integers).

    Returns:
      ``(cr, ci)``, two float64 NumPy arrays of shape ``(height, width)``.
      Row 0 holds ``ymin``: draw the image with
      ``imshow(..., origin="lower", extent=(xmin, xmax, ymin, ymax))``.

    Raises:
      TypeError: a bound is not a real number, or a size not an integer.
      ValueError: a bound is not finite, ``xmin >= xmax``,
        ``ymin >= ymax``, or a size is less than 1.

    Examples:
      >>> cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=4, height=3)
      >>> cr.shape, cr.dtype
      ((3, 4), dtype('float64'))
      >>> print(cr[0], ci[:, 0])
      [-2. -1.  0.  1.] [-1.  0.  1.]
    """
    xmin = _finite_number(xmin, "xmin")
    xmax = _finite_number(xmax, "xmax")
    ymin = _finite_number(ymin, "ymin")
    ymax = _finite_number(ymax, "ymax")
    width = _validate.positive_int(width, "width")
    height = _validate.positive_int(height, "height")
    if not xmin < xmax:
        raise ValueError(f"xmin must be less than xmax, got xmin={xmin!r} "
                         f"and xmax={xmax!r}")
    if not ymin < ymax:
        raise ValueError(f"ymin must be less than ymax, got ymin={ymin!r} "
                         f"and ymax={ymax!r}")
    x = np.linspace(xmin, xmax, width)
    y = np.linspace(ymin, ymax, height)
    cr, ci = np.meshgrid(x, y)
    return cr, ci


# ------------------------------------------------------------- the checks


def _check_inputs(cr, ci, max_iter) -> int:
    """The checks every escape-count function starts with; returns
    ``max_iter`` as an int."""
    _check_points(cr, ci)
    return _validate.positive_int(max_iter, "max_iter")


def _check_points(cr, ci):
    """cr and ci: JAX or NumPy float arrays of one shape (not converted)."""
    for value, name in ((cr, "cr"), (ci, "ci")):
        if not isinstance(value, (jax.Array, np.ndarray)):
            raise TypeError(f"{name} must be a JAX or NumPy array, got "
                            f"{_validate.describe(value)}")
        if not jnp.issubdtype(value.dtype, jnp.floating):
            raise TypeError(f"{name} must have a floating-point dtype, got "
                            f"dtype {value.dtype}")
    if cr.shape != ci.shape:
        raise ValueError(f"cr and ci must have the same shape, got shapes "
                         f"{cr.shape} and {ci.shape}")


def _check_point(value, name: str):
    """One coordinate: a real number or a 0-d float array (or tracer)."""
    if isinstance(value, (jax.Array, np.ndarray)):
        if value.ndim != 0 or not jnp.issubdtype(value.dtype, jnp.floating):
            raise TypeError(
                f"{name} must be a real number or a 0-d float array, got "
                f"{_validate.describe(value)}")
        return value
    return _validate.real_number(value, name)


def _same_float_dtype(cr, ci):
    """One float dtype for both: a mixed pair would change the loop types."""
    dtype = jnp.result_type(cr, ci)
    return cr.astype(dtype), ci.astype(dtype)


# ------------------------------------------------------ pure Python loops


def _escape_count_python(cr: float, ci: float, max_iter: int) -> int:
    zr = zi = 0.0
    for k in range(max_iter):
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        if zr * zr + zi * zi > 4:
            return k
    return max_iter


def mandelbrot_python(cr, ci, max_iter: int) -> np.ndarray:
    """Escape counts with plain Python loops, one pixel at a time.

    Each pixel stops as soon as it escapes. The arithmetic uses Python
    floats (float64), whatever the dtype of ``cr`` and ``ci``.

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).

    Returns:
      An int32 NumPy array of the shape of ``cr``.

    Examples:
      >>> print(mandelbrot_python(np.array([1.0, 2.0, 3.0, 0.0]),
      ...                         np.zeros(4), max_iter=50))
      [ 2  1  0 50]
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    shape = np.shape(cr)
    counts = [_escape_count_python(r, i, max_iter) for r, i in
              zip(np.ravel(cr).tolist(), np.ravel(ci).tolist())]
    return np.array(counts, dtype=np.int32).reshape(shape)


# ------------------------------------------------------ NumPy, vectorized


def mandelbrot_numpy(cr, ci, max_iter: int) -> np.ndarray:
    """Escape counts with whole-array NumPy operations.

    Every step updates every pixel; a pixel that has escaped is held at
    ``z = 2``. The arithmetic is in the dtype of ``cr`` and ``ci``.

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).

    Returns:
      An int32 NumPy array of the shape of ``cr``.

    Examples:
      >>> print(mandelbrot_numpy(np.array([1.0, 2.0, 3.0, 0.0]),
      ...                        np.zeros(4), max_iter=50))
      [ 2  1  0 50]
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    cr, ci = np.asarray(cr), np.asarray(ci)
    zr, zi = np.zeros_like(cr), np.zeros_like(ci)
    counts = np.full(cr.shape, max_iter, dtype=np.int32)
    for k in range(max_iter):
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        escaped = zr * zr + zi * zi > 4
        counts[escaped & (counts == max_iter)] = k
        zr[escaped], zi[escaped] = 2, 0
    return counts


# ------------------------------------------------- JAX, whole-array, jit


def _counts_fori(cr, ci, max_iter):
    """The escape counts of one point or of a whole array, in JAX.

    The same step for both uses: only the shape of ``cr`` differs (0-d for
    :func:`escape_count`, the whole grid for :func:`mandelbrot_jax`).
    """
    cr, ci = _same_float_dtype(cr, ci)

    def step(k, state):
        zr, zi, counts = state
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        escaped = zr * zr + zi * zi > 4
        counts = jnp.where(escaped & (counts == max_iter), k, counts)
        return (jnp.where(escaped, 2, zr), jnp.where(escaped, 0, zi),
                counts.astype(jnp.int32))

    zeros = jnp.zeros_like(cr)
    counts = jnp.full(jnp.shape(cr), max_iter, dtype=jnp.int32)
    return lax.fori_loop(0, max_iter, step, (zeros, zeros, counts))[2]


_mandelbrot_jax = jax.jit(_counts_fori)


def mandelbrot_jax(cr, ci, max_iter: int) -> jax.Array:
    """Escape counts with whole-array JAX operations, compiled with ``jit``.

    The NumPy algorithm, with the loop over steps in ``lax.fori_loop`` so
    that XLA compiles the whole computation into one program (compiled
    once per shape and dtype of ``cr``; ``max_iter`` is a traced value,
    so changing it does not recompile).

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).

    Returns:
      An int32 JAX array of the shape of ``cr``.

    Examples:
      >>> mandelbrot_jax(np.array([1.0, 2.0, 3.0, 0.0]), np.zeros(4), 50)
      Array([ 2,  1,  0, 50], dtype=int32)
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    return _mandelbrot_jax(cr, ci, jnp.int32(max_iter))


# ----------------------------------------------- JAX, one point, vmapped


def escape_count(cr, ci, max_iter: int) -> jax.Array:
    """The escape count of one point ``c = cr + i*ci``, in JAX.

    Written for one point, with ``lax.fori_loop`` over the steps, so that
    ``jax.vmap`` can map it over many (see :func:`mandelbrot_vmap`). It
    runs all ``max_iter`` steps and holds an escaped point at ``z = 2``.

    Args:
      cr, ci: the real and imaginary parts, Python numbers or 0-d float
        arrays (tracers under ``jit`` and ``vmap`` too).
      max_iter: the most updates (a positive Python integer).

    Returns:
      A 0-d int32 JAX array.

    Examples:
      >>> escape_count(1.0, 0.0, max_iter=50)
      Array(2, dtype=int32)
      >>> escape_count(-1.0, 0.0, max_iter=50)   # -1, 0, -1, 0, ...
      Array(50, dtype=int32)
    """
    cr = _check_point(cr, "cr")
    ci = _check_point(ci, "ci")
    max_iter = _validate.positive_int(max_iter, "max_iter")
    return _counts_fori(jnp.asarray(cr), jnp.asarray(ci), max_iter)


@jax.jit
def _mandelbrot_vmap(cr, ci, max_iter):
    per_pixel = jax.vmap(_counts_fori, in_axes=(0, 0, None))
    return per_pixel(cr.ravel(), ci.ravel(), max_iter).reshape(cr.shape)


def mandelbrot_vmap(cr, ci, max_iter: int) -> jax.Array:
    """Escape counts with :func:`escape_count` vectorized by ``jax.vmap``.

    The per-point function is mapped over all pixels (flattened) with
    ``jax.vmap`` and compiled with ``jax.jit``: you write the loop for one
    point, JAX makes it work on arrays.

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).

    Returns:
      An int32 JAX array of the shape of ``cr``.

    Examples:
      >>> mandelbrot_vmap(np.array([1.0, 2.0, 3.0, 0.0]), np.zeros(4), 50)
      Array([ 2,  1,  0, 50], dtype=int32)
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    return _mandelbrot_vmap(cr, ci, jnp.int32(max_iter))


# ------------------------------------ NumPy, dropping the escaped pixels


def mandelbrot_numpy_compact(cr, ci, max_iter: int) -> np.ndarray:
    """Escape counts with NumPy, working only on the pixels still inside.

    The step of :func:`mandelbrot_numpy`, but each pixel leaves the arrays
    as soon as it escapes (its index is kept to write its count), so later
    steps touch only the pixels still inside, and the loop ends early when
    none is left. There is no need to hold escaped pixels at ``z = 2``.
    The arithmetic is in the dtype of ``cr`` and ``ci``.

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).

    Returns:
      An int32 NumPy array of the shape of ``cr``.

    Examples:
      >>> print(mandelbrot_numpy_compact(np.array([1.0, 2.0, 3.0, 0.0]),
      ...                                np.zeros(4), max_iter=50))
      [ 2  1  0 50]
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    dtype = np.result_type(np.asarray(cr).dtype, np.asarray(ci).dtype)
    c_r = np.asarray(cr, dtype=dtype).ravel()
    c_i = np.asarray(ci, dtype=dtype).ravel()
    counts = np.full(c_r.size, max_iter, dtype=np.int32)
    index = np.arange(c_r.size)           # where each live pixel belongs
    zr, zi = np.zeros_like(c_r), np.zeros_like(c_i)
    for k in range(max_iter):
        zr, zi = zr * zr - zi * zi + c_r, 2 * zr * zi + c_i
        escaped = zr * zr + zi * zi > 4
        if escaped.any():
            counts[index[escaped]] = k
            inside = ~escaped
            index, zr, zi = index[inside], zr[inside], zi[inside]
            c_r, c_i = c_r[inside], c_i[inside]
            if index.size == 0:
                break
    return counts.reshape(np.shape(cr))


# ------------------------------------------------ Numba, compiled loops


_numba_kernels: dict = {}

NUMBA_MISSING = ("mandelbrot_numba needs Numba, an optional extra of "
                 "py4eng_jax: pip install 'py4eng-jax[bench]' (or "
                 "pip install numba)")


def _get_numba_kernel(parallel: bool, fastmath: bool):
    """Compile the loops once per process and per option (Numba is
    imported lazily: it is an optional extra)."""
    key = (parallel, fastmath)
    if key not in _numba_kernels:
        try:
            import numba
        except ImportError as error:
            raise ImportError(NUMBA_MISSING) from error

        @numba.njit(cache=False, parallel=parallel, fastmath=fastmath)
        def kernel(cr, ci, max_iter, out):
            # prange is range unless parallel=True; then its iterations
            # are split into one contiguous chunk per thread.
            for p in numba.prange(cr.size):
                c_r, c_i = cr[p], ci[p]
                zr = zi = 0.0
                count = max_iter
                for k in range(max_iter):
                    zr, zi = zr * zr - zi * zi + c_r, 2 * zr * zi + c_i
                    if zr * zr + zi * zi > 4:
                        count = k
                        break
                out[p] = count

        _numba_kernels[key] = kernel
    return _numba_kernels[key]


def numba_threads() -> int | None:
    """The threads ``mandelbrot_numba(..., parallel=True)`` uses (Numba's
    ``get_num_threads()``), or None without Numba.

    Examples:
      >>> numba_threads() is None or numba_threads() >= 1
      True
    """
    try:
        import numba
    except ImportError:
        return None
    return numba.get_num_threads()


def mandelbrot_numba(cr, ci, max_iter: int, *, parallel: bool = False,
                     fastmath: bool = False) -> np.ndarray:
    """Escape counts with the pure Python loops, compiled by Numba.

    The loops of :func:`mandelbrot_python` under ``numba.njit``: each pixel
    stops as soon as it escapes, in float64 whatever the input dtype. With
    ``parallel=False`` the loop over pixels runs on one thread; with
    ``parallel=True`` it is a ``numba.prange``, split over Numba's threads
    (:func:`numba_threads`, one per core unless ``NUMBA_NUM_THREADS``
    says otherwise). ``fastmath=True`` lets LLVM reorder and contract the
    floating-point operations (on the book's grids the counts stay the
    same; in general they may not). The first call in a process for each
    option imports Numba and compiles the loops (a second or two); later
    calls reuse the machine code. Numba is an optional extra of the
    package (``pip install 'py4eng-jax[bench]'``).

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).
      parallel: spread the pixels over Numba's threads (a bool).
      fastmath: allow LLVM's fast-math rewrites (a bool).

    Returns:
      An int32 NumPy array of the shape of ``cr``.

    Raises:
      ImportError: Numba is not installed (the message says how to get it).

    Examples:
      >>> print(mandelbrot_numba(np.array([1.0, 2.0, 3.0, 0.0]),
      ...                        np.zeros(4), max_iter=50))
      [ 2  1  0 50]
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    for value, name in ((parallel, "parallel"), (fastmath, "fastmath")):
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be a bool, got "
                            f"{_validate.describe(value)}")
    kernel = _get_numba_kernel(parallel, fastmath)
    c_r = np.ascontiguousarray(cr, dtype=np.float64).ravel()
    c_i = np.ascontiguousarray(ci, dtype=np.float64).ravel()
    out = np.empty(c_r.size, dtype=np.int32)
    kernel(c_r, c_i, max_iter, out)
    return out.reshape(np.shape(cr))


# ------------------------------ JAX, tiles that stop when all escaped


UNROLL = 8  # default steps per trip of the while loop (unrolled)


def _steps(state, cr, ci, n):
    """n steps, unrolled; a pixel counts a step while it stays inside."""
    zr, zi, alive, count = state
    for _ in range(n):
        zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
        alive = alive & (zr * zr + zi * zi <= 4)
        count = count + alive.astype(jnp.int32)
    return zr, zi, alive, count


def _tile_counts(tile, max_iter, unroll=UNROLL):
    """The counts of one tile: steps until every pixel has escaped."""
    cr, ci = tile
    zero = jnp.zeros_like(cr)
    state = (zero, zero, jnp.ones(cr.shape, dtype=bool),
             jnp.zeros(cr.shape, dtype=jnp.int32))

    def more(carry):
        k, state = carry
        return (k + unroll <= max_iter) & state[2].any()

    def trip(carry):
        k, state = carry
        return k + unroll, _steps(state, cr, ci, unroll)

    k, state = lax.while_loop(more, trip, (0, state))
    rest = max_iter % unroll      # the last steps, if unroll doesn't divide
    if rest:
        state = lax.cond(state[2].any(),
                         lambda s: _steps(s, cr, ci, rest), lambda s: s,
                         state)
    return state[3]


@jax.jit(static_argnames=("max_iter", "tile", "unroll", "streams"))
def _mandelbrot_jax_fast(cr, ci, max_iter, tile, unroll=UNROLL, streams=1):
    cr, ci = _same_float_dtype(cr, ci)
    size = cr.size
    pad = -size % (tile * streams)   # padding escapes at once (c = 4)
    tiles_r = jnp.pad(cr.ravel(), (0, pad), constant_values=4)
    tiles_i = jnp.pad(ci.ravel(), (0, pad))
    # Tile t goes to stream t % streams: neighbouring tiles, which cost
    # about the same, are dealt to different streams.
    tiles_r = tiles_r.reshape(-1, streams, tile)
    tiles_i = tiles_i.reshape(-1, streams, tile)
    counts = [lax.map(lambda t: _tile_counts(t, max_iter, unroll),
                      (tiles_r[:, s], tiles_i[:, s]))
              for s in range(streams)]
    return jnp.stack(counts, axis=1).ravel()[:size].reshape(cr.shape)


def mandelbrot_jax_fast(cr, ci, max_iter: int, *, tile: int = 128,
                        unroll: int = UNROLL, streams: int = 1
                        ) -> jax.Array:
    """Escape counts with JAX, in tiles that stop once all have escaped.

    The pixels are cut into tiles of ``tile`` pixels. ``lax.map`` runs the
    tiles one after another; each runs a ``lax.while_loop`` whose body is
    ``unroll`` steps written out (unrolled), and which stops as soon as
    every pixel of the tile has escaped. A pixel counts a step while it is
    still inside, so escaped pixels need no ``where`` to hold them.
    With ``streams > 1`` the tiles are dealt round-robin to that many
    independent ``lax.map`` loops, which XLA's CPU runtime is free to run
    at the same time on its threads (one stream per core is the
    natural choice). ``max_iter``, ``tile``, ``unroll`` and ``streams``
    are static: each value compiles anew. Small tiles suit a CPU; on a
    GPU, far larger ones. ``tile=cr.size`` (one tile) turns the early
    exit off, ``unroll=1`` the unrolling: the benchmarking chapter's
    ablation.

    Args:
      cr, ci: the real and imaginary parts of the points, JAX or NumPy
        float arrays of one shape (from :func:`mandelbrot_grid`).
      max_iter: the most updates per point (a positive integer).
      tile: pixels per tile (a positive integer).
      unroll: steps per trip of the while loop (a positive integer).
      streams: independent loops over the tiles (a positive integer).

    Returns:
      An int32 JAX array of the shape of ``cr``.

    Examples:
      >>> mandelbrot_jax_fast(np.array([1.0, 2.0, 3.0, 0.0]), np.zeros(4),
      ...                     50)
      Array([ 2,  1,  0, 50], dtype=int32)
      >>> mandelbrot_jax_fast(np.array([1.0, 2.0, 3.0, 0.0]), np.zeros(4),
      ...                     50, tile=1, unroll=3, streams=2)
      Array([ 2,  1,  0, 50], dtype=int32)
    """
    max_iter = _check_inputs(cr, ci, max_iter)
    tile = _validate.positive_int(tile, "tile")
    unroll = _validate.positive_int(unroll, "unroll")
    streams = _validate.positive_int(streams, "streams")
    return _mandelbrot_jax_fast(cr, ci, max_iter=max_iter, tile=tile,
                                unroll=unroll, streams=streams)
