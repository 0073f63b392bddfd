"""The heat-equation helpers: validation, accuracy, the sharded run."""

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    device_mesh,
    fourier_mode,
    heat_step,
    simulate,
    simulate_sharded,
    stable_dt,
)
from support import run_with_four_devices

N = 15
DX = 1 / (N + 1)
DT = 0.8 * stable_dt(1.0, DX)


def test_stable_dt_is_a_quarter_of_dx_squared_over_alpha():
    """stable_dt is dx**2 / (4 alpha)"""
    assert stable_dt(2.0, 0.1) == pytest.approx(0.01 / 8)


@pytest.mark.parametrize("name, args", [
    ("alpha", (0.0, 0.1)), ("alpha", (-1.0, 0.1)), ("dx", (1.0, 0.0))])
def test_stable_dt_rejects_non_positive_numbers(name, args):
    """stable_dt names the argument that is not positive"""
    with pytest.raises(ValueError, match=f"{name} must be a positive"):
        stable_dt(*args)


def test_fourier_mode_is_the_sine_product():
    """fourier_mode samples sin(pi x) sin(pi y) at the interior points"""
    x = np.arange(1, 4) / 4
    expected = np.outer(np.sin(np.pi * x), np.sin(np.pi * x))
    np.testing.assert_allclose(fourier_mode(3), expected, rtol=1e-6)


def test_fourier_mode_decays_at_the_exact_rate():
    """at time t the mode is multiplied by exp(-2 pi**2 alpha t)"""
    ratio = fourier_mode(5, t=0.01, alpha=2.0) / fourier_mode(5)
    np.testing.assert_allclose(ratio, np.exp(-2 * np.pi ** 2 * 0.02),
                               rtol=1e-5)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n=0), ValueError, "n must be a positive integer, got 0"),
    (dict(n=2.5), TypeError, "n must be a positive integer"),
    (dict(n=3, t=-1.0), ValueError, "t must be a non-negative number"),
    (dict(n=3, alpha=0.0), ValueError, "alpha must be a positive number"),
])
def test_fourier_mode_validates(kwargs, error, match):
    """fourier_mode names the bad argument, the expected and the got"""
    with pytest.raises(error, match=match):
        fourier_mode(**kwargs)


def test_heat_step_keeps_the_boundary_at_zero():
    """a uniform plate loses heat at its edges first, corners most"""
    u = np.asarray(heat_step(jnp.ones((3, 4)), 0.25))
    assert u[0, 0] == 0.5 and u[0, 1] == 0.75 and u[1, 1] == 1.0


def test_simulate_matches_the_decaying_fourier_mode():
    """simulate agrees with the exact solution to second order in dx"""
    n_steps = 64
    u = simulate(fourier_mode(N), 1.0, DX, DT, n_steps)
    exact = fourier_mode(N, t=n_steps * DT)
    assert float(jnp.abs(u - exact).max()) < 2e-3


def test_simulate_error_falls_fourfold_when_dx_halves():
    """halving dx (r fixed) divides the error by about four"""
    errors = []
    for n in (15, 31):
        dx = 1 / (n + 1)
        dt = 0.2 * dx ** 2
        steps = round(0.02 / dt)
        u = simulate(fourier_mode(n), 1.0, dx, dt, steps)
        errors.append(float(jnp.abs(u - fourier_mode(n, t=steps * dt))
                            .max()))
    assert 3.5 < errors[0] / errors[1] < 4.5


def test_simulate_zero_steps_returns_the_start():
    """n_steps=0 returns u0 unchanged"""
    u0 = fourier_mode(5)
    assert jnp.array_equal(simulate(u0, 1.0, 1 / 6, 0.001, 0), u0)


def test_simulate_refuses_an_unstable_step_and_states_the_limit():
    """dt above dx**2/(4 alpha) is refused, with the limit in the message"""
    with pytest.raises(ValueError, match=r"dt must be at most dx\*\*2 / "
                       r"\(4 \* alpha\) = 0.000976562.*got dt=0.002"):
        simulate(fourier_mode(N), 1.0, DX, 0.002, 10)


def test_simulate_unstable_step_blows_up_when_allowed():
    """allow_unstable=True runs it, and the values grow enormously"""
    u = simulate(fourier_mode(N), 1.0, DX, 1.1 * stable_dt(1.0, DX), 200,
                 allow_unstable=True)
    assert 1e3 < float(jnp.abs(u).max()) < float("inf")


@pytest.mark.parametrize("name, kwargs", [
    ("alpha", dict(alpha=0.0)), ("dx", dict(dx=-0.1)),
    ("dt", dict(dt=0.0)), ("dt", dict(dt=-1e-4))])
def test_simulate_rejects_non_positive_numbers(name, kwargs):
    """a non-positive alpha, dx or dt is refused by name"""
    args = dict(alpha=1.0, dx=DX, dt=DT) | kwargs
    with pytest.raises(ValueError, match=f"{name} must be a positive"):
        simulate(fourier_mode(N), args["alpha"], args["dx"], args["dt"], 5)


def test_simulate_rejects_a_negative_step_count():
    """n_steps must be a non-negative integer"""
    with pytest.raises(ValueError, match="n_steps must be a non-negative"):
        simulate(fourier_mode(N), 1.0, DX, DT, -1)


def test_simulate_rejects_a_grid_that_is_not_2d():
    """u0 must be 2-D; the message shows the shape that came"""
    with pytest.raises(ValueError, match=r"u0 must be 2-D, got 1-D with "
                       r"shape \(5,\)"):
        simulate(jnp.ones(5), 1.0, DX, DT, 5)


def test_simulate_rejects_a_non_float_grid():
    """u0 must be a float array: integers or a list are refused"""
    with pytest.raises(TypeError, match="u0 must have a floating-point "
                       "dtype, got dtype int32"):
        simulate(jnp.ones((4, 4), dtype=jnp.int32), 1.0, DX, DT, 5)
    with pytest.raises(TypeError, match="u0 must be a JAX or NumPy array"):
        simulate([[1.0, 2.0]], 1.0, DX, DT, 5)


def test_simulate_sharded_on_one_device_equals_simulate():
    """with one device the sharded run is the one-device run, bitwise"""
    u0 = fourier_mode(8)
    got = simulate_sharded(u0, 1.0, 1 / 9, 0.002, 30, device_mesh(1))
    assert jnp.array_equal(got, simulate(u0, 1.0, 1 / 9, 0.002, 30))


def test_simulate_sharded_rejects_a_non_mesh():
    """mesh must be a jax.sharding.Mesh"""
    with pytest.raises(TypeError, match="mesh must be a jax.sharding.Mesh, "
                       "got list"):
        simulate_sharded(fourier_mode(8), 1.0, 1 / 9, 0.002, 3,
                         jax.devices())


def test_simulate_sharded_rejects_a_two_axis_mesh():
    """the rows are split over one mesh axis"""
    mesh = jax.make_mesh((1, 1), ("a", "b"))
    with pytest.raises(ValueError, match=r"mesh must have one axis.*got 2"):
        simulate_sharded(fourier_mode(8), 1.0, 1 / 9, 0.002, 3, mesh)


def test_simulate_sharded_validates_like_simulate():
    """an unstable dt is refused by the sharded run too"""
    with pytest.raises(ValueError, match="dt must be at most"):
        simulate_sharded(fourier_mode(8), 1.0, 1 / 9, 0.01, 3,
                         device_mesh(1))


# With four simulated devices, in a subprocess.
FOUR_DEVICES = textwrap.dedent("""
    import json
    import jax
    jax.config.update("jax_num_cpu_devices", 4)
    import jax.numpy as jnp
    from py4eng_jax import (device_mesh, fourier_mode, simulate,
                            simulate_sharded, stable_dt)

    out = {}
    mesh = device_mesh(4, axis="rows")
    u0 = fourier_mode(16)[:, :12] + jnp.linspace(0, 1, 16 * 12).reshape(16, 12)
    dx = 1 / 17
    dt = 0.9 * stable_dt(1.0, dx)
    one = simulate(u0, 1.0, dx, dt, 50)
    four = simulate_sharded(u0, 1.0, dx, dt, 50, mesh)
    out["max_diff"] = float(jnp.abs(four - one).max())
    out["spec"] = str(four.sharding.spec)
    alone = simulate_sharded(u0, 1.0, dx, dt, 50, mesh, exchange=False)
    out["no_exchange_diff"] = float(jnp.abs(alone - one).max())
    try:
        simulate_sharded(fourier_mode(18), 1.0, dx, dt, 5, mesh)
    except ValueError as err:
        out["mismatch"] = str(err)
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def four():
    """Results from a process with four simulated CPU devices."""
    return run_with_four_devices(FOUR_DEVICES)


def test_simulate_sharded_equals_one_device_bitwise(four):
    """on 4 devices the result equals the one-device result exactly"""
    assert four["max_diff"] == 0.0


def test_simulate_sharded_keeps_the_rows_split(four):
    """the result stays split by rows over the mesh"""
    assert four["spec"].startswith("P('rows'")


def test_simulate_sharded_without_exchange_is_wrong(four):
    """exchange=False (for timing) really changes the values"""
    assert four["no_exchange_diff"] > 1e-3


def test_simulate_sharded_rejects_rows_not_divisible(four):
    """18 rows over 4 devices is refused, naming u0, 4 and the shape"""
    assert four["mismatch"] == (
        "u0 must have a number of rows divisible by the 4 devices of the "
        "mesh, got shape (18, 18)")
