"""The Mandelbrot escape counts: seven versions, one image, clear errors."""

import functools
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    _mandelbrot,
    escape_count,
    mandelbrot_grid,
    mandelbrot_jax,
    mandelbrot_jax_fast,
    mandelbrot_numba,
    mandelbrot_numpy,
    mandelbrot_numpy_compact,
    mandelbrot_python,
    mandelbrot_vmap,
    race,
)
from py4eng_jax._mandelbrot import _mandelbrot_jax

VERSIONS = [mandelbrot_python, mandelbrot_numpy, mandelbrot_jax,
            mandelbrot_vmap, mandelbrot_numpy_compact, mandelbrot_numba,
            mandelbrot_jax_fast]
NAMES = ["python", "numpy", "jax", "vmap", "numpy_compact", "numba",
         "jax_fast"]
FAST = [mandelbrot_numpy_compact, mandelbrot_numba, mandelbrot_jax_fast]
FAST_NAMES = ["numpy_compact", "numba", "jax_fast"]

# Points whose escape counts are known by hand or far from any rounding
# doubt, with their counts for max_iter=50 (50: the point never escapes).
KNOWN = [
    (1.0, 0.0, 2),     # z = 1, 2, 5: two updates stay inside
    (2.0, 0.0, 1),     # z = 2, 6
    (3.0, 0.0, 0),     # z = 3 leaves at once
    (0.0, 0.0, 50),    # z stays 0
    (-1.0, 0.0, 50),   # z = -1, 0, -1, 0, ...
    (-2.0, 0.0, 50),   # z = -2, 2, 2, ...: |z| = 2 is still inside
    (0.0, 1.0, 50),    # z = i, -1 + i, -i, -1 + i, ...
    (0.5, 0.5, 4),
    (-0.75, 0.2, 15),
]


def known_points():
    cr = np.array([c[0] for c in KNOWN])
    ci = np.array([c[1] for c in KNOWN])
    return cr, ci, np.array([c[2] for c in KNOWN], dtype=np.int32)


# ------------------------------------------------------------------ grid


def test_grid_has_height_rows_and_width_columns():
    """the grid arrays have shape (height, width) and dtype float64"""
    cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=5, height=3)
    assert cr.shape == ci.shape == (3, 5)
    assert cr.dtype == ci.dtype == np.float64


def test_grid_spans_the_bounds_with_ymin_in_row_0():
    """corners are the bounds; row 0 is ymin, column 0 is xmin"""
    cr, ci = mandelbrot_grid(-2.5, 1.0, -1.25, 0.5, width=8, height=6)
    assert (cr[0, 0], cr[0, -1]) == (-2.5, 1.0)
    assert (ci[0, 0], ci[-1, 0]) == (-1.25, 0.5)


def test_grid_rows_share_x_and_columns_share_y():
    """the real part varies along rows only, the imaginary along columns"""
    cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=5, height=4)
    np.testing.assert_array_equal(cr, np.broadcast_to(cr[0], cr.shape))
    np.testing.assert_array_equal(ci, np.broadcast_to(ci[:, :1], ci.shape))


def test_grid_accepts_numpy_scalars():
    """bounds and sizes may be NumPy scalars"""
    cr, _ = mandelbrot_grid(np.float32(-2), np.int64(1), -1, 1,
                            width=np.int64(3), height=2)
    assert cr.shape == (2, 3)


@pytest.mark.parametrize("size", ["width", "height"])
@pytest.mark.parametrize("value", [0, -3])
def test_grid_rejects_non_positive_sizes(size, value):
    """width and height must be at least 1"""
    kwargs = {"width": 4, "height": 3, size: value}
    with pytest.raises(ValueError,
                       match=f"{size} must be a positive integer, got "
                             f"{value}"):
        mandelbrot_grid(-2, 1, -1, 1, **kwargs)


@pytest.mark.parametrize("value", [2.5, 4.0, True, "4"])
def test_grid_rejects_non_integer_sizes(value):
    """a float, a bool or a string is not a size"""
    with pytest.raises(TypeError, match="width must be a positive integer"):
        mandelbrot_grid(-2, 1, -1, 1, width=value, height=3)


@pytest.mark.parametrize("bounds, match", [
    ((1, -2, -1, 1), r"xmin must be less than xmax, got xmin=1.0 and "
                     r"xmax=-2.0"),
    ((-2, -2, -1, 1), "xmin must be less than xmax"),
    ((-2, 1, 1, -1), r"ymin must be less than ymax, got ymin=1.0 and "
                     r"ymax=-1.0"),
])
def test_grid_rejects_empty_or_reversed_ranges(bounds, match):
    """the minimum must lie below the maximum"""
    with pytest.raises(ValueError, match=match):
        mandelbrot_grid(*bounds, width=4, height=3)


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_grid_rejects_non_finite_bounds(value):
    """an infinite or NaN bound is refused"""
    with pytest.raises(ValueError, match="ymax must be a finite number"):
        mandelbrot_grid(-2, 1, -1, value, width=4, height=3)


@pytest.mark.parametrize("value", ["-2", None, True, 1j])
def test_grid_rejects_non_numbers(value):
    """a bound must be a real number"""
    with pytest.raises(TypeError, match="xmin must be a real number, got"):
        mandelbrot_grid(value, 1, -1, 1, width=4, height=3)


# ------------------------------------------------------------- the counts


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_known_escape_counts(version):
    """every version gets the hand-checked counts right"""
    cr, ci, expected = known_points()
    with jax.enable_x64(True):
        got = np.asarray(version(cr, ci, 50))
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_are_int32_with_the_input_shape(version):
    """the result is int32 and has the shape of cr (1-D, 2-D or 3-D)"""
    for shape in [(4,), (3, 5), (2, 3, 2)]:
        cr = np.linspace(-2, 0.5, np.prod(shape)).reshape(shape)
        got = version(cr, np.zeros(shape), 20)
        assert got.shape == shape and got.dtype == np.int32


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_stay_int32_in_64_bit_mode(version):
    """jax.enable_x64 does not turn the counts into int64"""
    cr, ci, _ = known_points()
    with jax.enable_x64(True):
        assert version(cr, ci, 50).dtype == np.int32


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_a_single_step_counts_zero_or_one(version):
    """with max_iter=1 a point either leaves at once (0) or not (1)"""
    got = np.asarray(version(np.array([3.0, 0.0]), np.zeros(2), 1))
    np.testing.assert_array_equal(got, [0, 1])


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_accept_jax_arrays(version):
    """JAX arrays are accepted as well as NumPy arrays"""
    cr, ci, expected = known_points()
    got = version(jnp.asarray(cr), jnp.asarray(ci), 50)
    np.testing.assert_array_equal(np.asarray(got), expected)


# The book's grid, a zoom onto the boundary (many long orbits) and a small
# grid of odd sizes; (grid, max_iter).
GRIDS = [((-2.25, 0.75, -1.25, 1.25, 480, 400), 100),
         ((-0.75, -0.73, 0.1, 0.12, 150, 120), 300),
         ((-2.0, 1.0, -1.5, 1.5, 97, 89), 50)]


@pytest.mark.parametrize("grid, max_iter", GRIDS)
def test_all_versions_draw_the_same_image_in_float64(grid, max_iter):
    """all seven versions agree pixel for pixel in float64"""
    cr, ci = mandelbrot_grid(*grid)
    expected = mandelbrot_numpy(cr, ci, max_iter)
    with jax.enable_x64(True):
        np.testing.assert_array_equal(
            np.asarray(mandelbrot_jax(cr, ci, max_iter)), expected)
        np.testing.assert_array_equal(
            np.asarray(mandelbrot_vmap(cr, ci, max_iter)), expected)
        np.testing.assert_array_equal(
            np.asarray(mandelbrot_jax_fast(cr, ci, max_iter)), expected)
    np.testing.assert_array_equal(
        mandelbrot_numpy_compact(cr, ci, max_iter), expected)
    np.testing.assert_array_equal(mandelbrot_numba(cr, ci, max_iter),
                                  expected)
    # Pure Python on every 3rd pixel each way, to keep the test quick.
    np.testing.assert_array_equal(
        mandelbrot_python(cr[::3, ::3], ci[::3, ::3], max_iter),
        expected[::3, ::3])


def test_jax_versions_agree_with_each_other_in_float32():
    """without 64-bit mode, jit and vmap still draw the same image"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 300, 250)
    np.testing.assert_array_equal(np.asarray(mandelbrot_jax(cr, ci, 100)),
                                  np.asarray(mandelbrot_vmap(cr, ci, 100)))


def test_fast_jax_version_agrees_with_jit_in_float32():
    """the tiled version draws the whole-array version's float32 image"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 300, 250)
    np.testing.assert_array_equal(
        np.asarray(mandelbrot_jax_fast(cr, ci, 100)),
        np.asarray(mandelbrot_jax(cr, ci, 100)))


def test_jax_versions_compute_in_float32_by_default():
    """outside 64-bit mode the image is float32's, close to float64's"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 300, 250)
    float32 = np.asarray(mandelbrot_jax(cr, ci, 100))
    float64 = mandelbrot_numpy(cr, ci, 100)
    differ = (float32 != float64).mean()
    assert 0 < differ < 0.01


def test_numpy_version_computes_in_the_input_dtype():
    """float32 input gives NumPy float32 arithmetic (a different image)"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 300, 250)
    float32 = mandelbrot_numpy(cr.astype(np.float32),
                               ci.astype(np.float32), 100)
    assert (float32 != mandelbrot_numpy(cr, ci, 100)).any()


def test_mixed_float_dtypes_are_promoted():
    """a float32 cr with a float64 ci works in every version"""
    cr, ci, expected = known_points()
    with jax.enable_x64(True):
        for version in VERSIONS:
            got = version(cr.astype(np.float32), ci, 50)
            np.testing.assert_array_equal(np.asarray(got), expected)


def test_jax_version_compiles_once_for_any_max_iter():
    """max_iter is traced: a new value reuses the compiled program"""
    cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=13, height=11)
    mandelbrot_jax(cr, ci, 10)
    compiled = _mandelbrot_jax._cache_size()
    mandelbrot_jax(cr, ci, 20)
    assert _mandelbrot_jax._cache_size() == compiled


def test_more_iterations_never_lower_a_count():
    """a count below max_iter is final; raising max_iter keeps it"""
    cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=40, height=30)
    few, many = mandelbrot_numpy(cr, ci, 20), mandelbrot_numpy(cr, ci, 80)
    escaped = few < 20
    np.testing.assert_array_equal(many[escaped], few[escaped])
    assert (many[~escaped] >= 20).all()


# ------------------------------------------------------- one point (vmap)


def test_escape_count_of_known_points():
    """escape_count gives the hand-checked counts"""
    with jax.enable_x64(True):
        for cr, ci, expected in KNOWN:
            assert int(escape_count(cr, ci, 50)) == expected


def test_escape_count_is_a_0d_int32_array():
    """one point gives one int32 number"""
    got = escape_count(jnp.float32(0.5), jnp.float32(0.5), 50)
    assert got.shape == () and got.dtype == jnp.int32


def test_escape_count_works_under_jit_and_vmap():
    """escape_count can be jitted and mapped over points"""
    cr, ci, expected = known_points()
    with jax.enable_x64(True):
        mapped = jax.jit(jax.vmap(lambda a, b: escape_count(a, b, 50)))
        np.testing.assert_array_equal(np.asarray(mapped(cr, ci)), expected)


@pytest.mark.parametrize("cr, error, match", [
    (np.zeros(3), TypeError, "cr must be a real number or a 0-d float "
                             "array, got an array of shape"),
    (jnp.int32(1), TypeError, "dtype int32"),
    ("1.0", TypeError, "cr must be a real number"),
    (True, TypeError, "cr must be a real number"),
])
def test_escape_count_rejects_bad_points(cr, error, match):
    """a point coordinate is a number or a 0-d float array"""
    with pytest.raises(error, match=match):
        escape_count(cr, 0.0, 50)


def test_escape_count_rejects_a_bad_max_iter():
    """max_iter must be a positive integer"""
    with pytest.raises(ValueError, match="max_iter must be a positive "
                                         "integer, got 0"):
        escape_count(0.0, 0.0, 0)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
@pytest.mark.parametrize("max_iter, error, match", [
    (0, ValueError, "max_iter must be a positive integer, got 0"),
    (-5, ValueError, "max_iter must be a positive integer, got -5"),
    (2.5, TypeError, "max_iter must be a positive integer, got float 2.5"),
    (100.0, TypeError, "max_iter must be a positive integer, got float"),
    (True, TypeError, "max_iter must be a positive integer, got bool"),
])
def test_counts_reject_a_bad_max_iter(version, max_iter, error, match):
    """max_iter must be a positive integer (not a float or a bool)"""
    with pytest.raises(error, match=match):
        version(np.zeros(3), np.zeros(3), max_iter)


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_reject_lists(version):
    """the points must come as arrays"""
    with pytest.raises(TypeError,
                       match="cr must be a JAX or NumPy array, got list"):
        version([0.0, 1.0], np.zeros(2), 10)


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_reject_integer_arrays(version):
    """integer coordinates are refused: the grid is floating-point"""
    with pytest.raises(TypeError, match="ci must have a floating-point "
                                        "dtype, got dtype int64"):
        version(np.zeros(2), np.zeros(2, dtype=np.int64), 10)


@pytest.mark.parametrize("version", VERSIONS, ids=NAMES)
def test_counts_reject_mismatched_shapes(version):
    """cr and ci must have one shape, and the error shows both"""
    with pytest.raises(ValueError, match=r"same shape, got shapes \(2, 3\) "
                                         r"and \(3, 2\)"):
        version(np.zeros((2, 3)), np.zeros((3, 2)), 10)


# ------------------------------------------------- the fast formulations


@pytest.mark.parametrize("tile", [1, 7, 128, 5000])
@pytest.mark.parametrize("max_iter", [1, 8, 13, 50])
def test_fast_jax_any_tile_and_any_max_iter(tile, max_iter):
    """tile sizes that don't divide the grid and max_iter not a multiple
    of UNROLL give the reference counts"""
    cr, ci = mandelbrot_grid(-2.0, 0.6, -1.2, 1.2, width=41, height=23)
    with jax.enable_x64(True):
        got = mandelbrot_jax_fast(cr, ci, max_iter, tile=tile)
    np.testing.assert_array_equal(np.asarray(got),
                                  mandelbrot_numpy(cr, ci, max_iter))


def test_fast_jax_stops_a_tile_early():
    """a tile whose pixels all escape at once stops after one trip: it
    runs far faster than a tile that never escapes (400 steps)"""
    far, near = np.full(4096, 3.0), np.zeros(4096)
    # race: the two alternate, so that load from elsewhere slows both alike
    timings = race({
        name: functools.partial(mandelbrot_jax_fast, cr, near, 400,
                                tile=4096)
        for name, cr in [("escapes", far), ("stays", near)]}, repeat=5)
    runs = {name: t.best for name, t in timings.items()}
    # Measured ~40x; 3x holds on a busy machine.
    assert runs["escapes"] * 3 < runs["stays"], runs


def test_fast_jax_compiles_once_per_max_iter_and_tile():
    """max_iter and tile are static: the same values reuse the program"""
    cr, ci = mandelbrot_grid(-2, 1, -1, 1, width=13, height=11)
    mandelbrot_jax_fast(cr, ci, 10, tile=16)
    compiled = _mandelbrot._mandelbrot_jax_fast._cache_size()
    mandelbrot_jax_fast(cr, ci, 10, tile=16)
    assert _mandelbrot._mandelbrot_jax_fast._cache_size() == compiled


@pytest.mark.parametrize("tile, error, match", [
    (0, ValueError, "tile must be a positive integer, got 0"),
    (2.0, TypeError, "tile must be a positive integer, got float"),
    (True, TypeError, "tile must be a positive integer, got bool"),
])
def test_fast_jax_rejects_a_bad_tile(tile, error, match):
    """the tile size must be a positive integer"""
    with pytest.raises(error, match=match):
        mandelbrot_jax_fast(np.zeros(3), np.zeros(3), 10, tile=tile)


def test_compact_numpy_keeps_the_input_dtype():
    """float32 input gives the reference NumPy version's float32 image"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 300, 250)
    cr, ci = cr.astype(np.float32), ci.astype(np.float32)
    np.testing.assert_array_equal(mandelbrot_numpy_compact(cr, ci, 100),
                                  mandelbrot_numpy(cr, ci, 100))


def test_numba_computes_in_float64_like_python():
    """float32 input still gives the float64 image of pure Python"""
    cr, ci = mandelbrot_grid(-2.25, 0.75, -1.25, 1.25, 60, 50)
    cr, ci = cr.astype(np.float32), ci.astype(np.float32)
    np.testing.assert_array_equal(mandelbrot_numba(cr, ci, 100),
                                  mandelbrot_python(cr, ci, 100))


@pytest.mark.parametrize("version", FAST, ids=FAST_NAMES)
def test_fast_versions_handle_a_grid_entirely_inside(version):
    """a grid with no escaping point gets max_iter everywhere"""
    with jax.enable_x64(True):
        got = version(np.zeros((3, 4)), np.zeros((3, 4)), 30)
    np.testing.assert_array_equal(np.asarray(got), np.full((3, 4), 30))


# ------------------------------------- the options of the strong versions


@pytest.mark.parametrize("options", [
    dict(parallel=True), dict(fastmath=True),
    dict(parallel=True, fastmath=True)])
def test_numba_options_draw_the_same_image(options):
    """parallel Numba, with or without fastmath, draws the same image"""
    cr, ci = mandelbrot_grid(*GRIDS[0][0])
    expected = mandelbrot_numba(cr, ci, 100)
    np.testing.assert_array_equal(
        mandelbrot_numba(cr, ci, 100, **options), expected)


@pytest.mark.parametrize("options", [
    dict(unroll=1), dict(tile=400 * 480), dict(tile=400 * 480, unroll=1),
    dict(streams=2), dict(streams=3, tile=100, unroll=7)])
def test_tiled_jax_options_draw_the_same_image(options):
    """without tiles, without unrolling, in several streams: same image"""
    cr, ci = mandelbrot_grid(*GRIDS[0][0])
    expected = mandelbrot_numpy(cr, ci, 100)
    with jax.enable_x64(True):
        got = mandelbrot_jax_fast(cr, ci, 100, **options)
    np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("name", ["tile", "unroll", "streams"])
@pytest.mark.parametrize("value, error", [(0, ValueError),
                                          (2.0, TypeError)])
def test_tiled_jax_rejects_bad_options(name, value, error):
    """tile, unroll and streams must be positive integers"""
    cr, ci, _ = known_points()
    with pytest.raises(error, match=name):
        mandelbrot_jax_fast(cr, ci, 50, **{name: value})


@pytest.mark.parametrize("name", ["parallel", "fastmath"])
def test_numba_rejects_non_bool_options(name):
    """parallel and fastmath must be bools"""
    cr, ci, _ = known_points()
    with pytest.raises(TypeError, match=f"{name} must be a bool, got"):
        mandelbrot_numba(cr, ci, 50, **{name: 1})


def test_without_numba_the_package_works_and_numba_says_how(monkeypatch):
    """Numba is an optional extra: without it the package imports, every
    other version runs, and mandelbrot_numba says how to install it"""
    monkeypatch.setitem(sys.modules, "numba", None)   # import numba fails
    monkeypatch.setattr(_mandelbrot, "_numba_kernels", {})
    cr, ci, expected = known_points()
    np.testing.assert_array_equal(mandelbrot_numpy(cr, ci, 50), expected)
    assert _mandelbrot.numba_threads() is None
    with pytest.raises(ImportError, match=r"py4eng-jax\[bench\]"):
        mandelbrot_numba(cr, ci, 50)
