"""Meshes, sharded batches and the layout picture (chapter parallel).

This test process's JAX sees one CPU device. The properties that need
several devices are checked in one subprocess that simulates four: the
device count is fixed when JAX starts, so it cannot change in here.
"""

import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.sharding import Mesh

from py4eng_jax import (
    device_mesh,
    gd_step,
    init_params,
    noisy_xor,
    replicate,
    shard_rows,
    sharding_grid,
)
from support import run_with_four_devices

# Runs with four simulated CPU devices; prints one JSON object of results.
FOUR_DEVICES = textwrap.dedent("""
    import json
    import jax
    jax.config.update("jax_num_cpu_devices", 4)
    import jax.numpy as jnp
    import numpy as np
    from py4eng_jax import (device_mesh, gd_step, init_params, noisy_xor,
                            replicate, shard_rows, sharding_grid)

    out = {"device_count": jax.device_count()}
    mesh = device_mesh()
    out["mesh_size"] = mesh.size
    out["mesh_of_2"] = [d.id for d in device_mesh(2).devices.flat]
    try:
        device_mesh(5)
    except ValueError as err:
        out["too_many"] = str(err)

    x = jnp.arange(16.0).reshape(8, 2)
    xs = shard_rows(x, mesh)
    out["row_blocks"] = sorted(
        (s.device.id, s.index[0].start, s.index[0].stop)
        for s in xs.addressable_shards)
    out["same_values"] = bool(np.array_equal(xs, x))
    out["grid_rows"] = sharding_grid(xs)
    out["grid_replicated"] = sharding_grid(replicate(x, mesh))
    out["grid_1d"] = sharding_grid(shard_rows(jnp.arange(8.0), mesh))
    try:
        shard_rows(jnp.arange(6.0), mesh)
    except ValueError as err:
        out["uneven"] = str(err)

    # Data-parallel training against one device, waiting for each step.
    X, Y = noisy_xor(jax.random.key(0), 64)
    params = init_params(jax.random.key(1))
    step = jax.jit(gd_step)
    one, many = params, replicate(params, mesh)
    Xs, Ys = shard_rows(X, mesh), shard_rows(Y, mesh)
    for _ in range(20):
        one = jax.block_until_ready(step(one, X, Y, 1.0))
        many = jax.block_until_ready(step(many, Xs, Ys, 1.0))
    out["trained_alike"] = all(
        bool(np.allclose(a, b, rtol=1e-5, atol=1e-6))
        for a, b in zip(one, many))
    out["params_replicated"] = all(
        len(p.sharding.device_set) == 4 and p.sharding.is_fully_replicated
        for p in many)
    print(json.dumps(out))
""")


@pytest.fixture(scope="module")
def four():
    """Results computed in a subprocess whose JAX sees 4 CPU devices."""
    return run_with_four_devices(FOUR_DEVICES)


# With one device (this process).

def test_device_mesh_uses_all_devices_by_default():
    """device_mesh() is a 1-D mesh over every device, axis 'batch'"""
    mesh = device_mesh()
    assert isinstance(mesh, Mesh)
    assert mesh.axis_names == ("batch",)
    assert list(mesh.devices.flat) == jax.devices()


def test_device_mesh_names_its_axis():
    """the axis argument names the mesh's one axis"""
    assert device_mesh(1, axis="data").axis_names == ("data",)


def test_device_mesh_axis_type_is_auto():
    """the mesh leaves intermediate shardings to the compiler (Auto)"""
    assert device_mesh().axis_types == (jax.sharding.AxisType.Auto,)


def test_shard_rows_keeps_the_values():
    """shard_rows returns the same values, placed with P('batch')"""
    x = jnp.arange(6.0).reshape(3, 2)
    xs = shard_rows(x, device_mesh())
    np.testing.assert_array_equal(xs, x)
    assert tuple(xs.sharding.spec) == ("batch",)


def test_shard_rows_accepts_numpy():
    """a NumPy array is placed on the mesh too"""
    xs = shard_rows(np.ones((2, 2)), device_mesh())
    assert isinstance(xs, jax.Array)


def test_replicate_keeps_the_tree():
    """replicate returns the same pytree, every leaf with P()"""
    params = init_params(jax.random.key(0))
    copies = replicate(params, device_mesh())
    assert isinstance(copies, tuple) and len(copies) == 4
    for p, c in zip(params, copies):
        np.testing.assert_array_equal(p, c)
        assert tuple(c.sharding.spec) == ()


def test_sharding_grid_of_one_device():
    """an array on one device is one box labelled with that device"""
    assert sharding_grid(jnp.ones((2, 3))) == (
        "┌───────┐\n│ CPU 0 │\n└───────┘")


def test_sharding_grid_of_a_scalar():
    """a 0-d array is drawn as a single box"""
    assert sharding_grid(jnp.float32(1.0)).count("CPU 0") == 1


def test_noisy_xor_labels_follow_the_corners():
    """row i lies near corner i % 4 and carries its XOR"""
    X, Y = noisy_xor(jax.random.key(0), 12, noise=0.1)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[np.arange(12) % 4]
    assert np.abs(np.asarray(X) - corners).max() < 0.5
    assert Y.tolist() == [0.0, 1.0, 1.0, 0.0] * 3


def test_noisy_xor_without_noise_is_the_corners():
    """noise=0 gives the corners exactly"""
    X, _ = noisy_xor(jax.random.key(0), 4, noise=0)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_noisy_xor_is_reproducible():
    """the same key gives the same points"""
    a, _ = noisy_xor(jax.random.key(3), 8)
    b, _ = noisy_xor(jax.random.key(3), 8)
    np.testing.assert_array_equal(a, b)


def test_data_parallel_step_on_one_device_mesh():
    """a jitted gd_step on mesh-placed inputs equals the plain step"""
    mesh = device_mesh()
    X, Y = noisy_xor(jax.random.key(0), 8)
    params = init_params(jax.random.key(1))
    placed = jax.jit(gd_step)(replicate(params, mesh), shard_rows(X, mesh),
                              shard_rows(Y, mesh), 1.0)
    for a, b in zip(placed, gd_step(params, X, Y, 1.0)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


# With four simulated devices (a subprocess).

def test_subprocess_sees_four_devices(four):
    """jax_num_cpu_devices gives the subprocess 4 devices and a 4-mesh"""
    assert (four["device_count"], four["mesh_size"]) == (4, 4)


def test_device_mesh_takes_the_first_n(four):
    """device_mesh(2) uses devices 0 and 1"""
    assert four["mesh_of_2"] == [0, 1]


def test_shard_rows_gives_each_device_a_block(four):
    """device i holds rows 2i to 2i+2 of an 8-row array"""
    assert four["row_blocks"] == [[i, 2 * i, 2 * i + 2] for i in range(4)]
    assert four["same_values"]


def test_sharding_grid_draws_row_blocks(four):
    """rows split over 4 devices are drawn as 4 stacked boxes"""
    assert four["grid_rows"] == "\n".join([
        "┌───────┐",
        "│ CPU 0 │", "├───────┤",
        "│ CPU 1 │", "├───────┤",
        "│ CPU 2 │", "├───────┤",
        "│ CPU 3 │",
        "└───────┘"])


def test_sharding_grid_draws_a_1d_array_as_a_row(four):
    """a split 1-D array is drawn as one row of 4 boxes"""
    lines = four["grid_1d"].splitlines()
    assert len(lines) == 3
    assert lines[1] == "│ CPU 0 │ CPU 1 │ CPU 2 │ CPU 3 │"


def test_sharding_grid_labels_replicas(four):
    """a replicated array is one box naming every device"""
    assert four["grid_replicated"].splitlines()[1] == "│ CPU 0,1,2,3 │"


def test_data_parallel_training_matches_one_device(four):
    """20 steps on 4 devices give the one-device parameters (allclose)"""
    assert four["trained_alike"]


def test_data_parallel_training_keeps_params_replicated(four):
    """after the steps every device holds a full copy of the parameters"""
    assert four["params_replicated"]


def test_device_mesh_rejects_more_devices_than_exist(four):
    """asking for 5 of 4 devices names the count and the remedy"""
    assert "at most the number of devices, 4, got 5" in four["too_many"]
    assert "jax_num_cpu_devices" in four["too_many"]


def test_shard_rows_rejects_uneven_rows(four):
    """6 rows cannot be split over 4 devices, and the message says so"""
    assert "divisible by the 4 devices" in four["uneven"]
    assert "(6,)" in four["uneven"]


# Bad input: each function names the argument and what came.

@pytest.mark.parametrize("call, error, match", [
    (lambda: device_mesh(0), ValueError, r"n must be a positive integer"),
    (lambda: device_mesh(2.0), TypeError, r"n must be a positive integer"),
    (lambda: device_mesh(1, axis=3), TypeError, r"axis must be a string"),
    (lambda: device_mesh(1, axis=""), ValueError, r"non-empty string"),
    (lambda: shard_rows([1.0, 2.0], device_mesh()), TypeError,
     r"x must be a JAX or NumPy array, got list"),
    (lambda: shard_rows(jnp.float32(1.0), device_mesh()), ValueError,
     r"at least one axis"),
    (lambda: shard_rows(jnp.ones(2), "mesh"), TypeError,
     r"mesh must be a jax.sharding.Mesh, got str"),
    (lambda: replicate(jnp.ones(2), None), TypeError,
     r"mesh must be a jax.sharding.Mesh, got NoneType"),
    (lambda: sharding_grid(np.ones(2)), TypeError,
     r"x must be a JAX array, got ndarray"),
    (lambda: sharding_grid(jnp.ones((2, 2, 2))), ValueError,
     r"at most 2 axes.*\(2, 2, 2\)"),
    (lambda: noisy_xor(0, 4), TypeError, r"key must be a PRNG key"),
    (lambda: noisy_xor(jax.random.key(0), 0), ValueError,
     r"n must be a positive integer"),
    (lambda: noisy_xor(jax.random.key(0), 4, noise=-1.0), ValueError,
     r"noise must be a non-negative number, got -1.0"),
    (lambda: noisy_xor(jax.random.key(0), 4, noise="0.1"), TypeError,
     r"noise must be a non-negative number, got str"),
], ids=["mesh-n-zero", "mesh-n-float", "mesh-axis-type", "mesh-axis-empty",
        "rows-list", "rows-scalar", "rows-mesh", "replicate-mesh",
        "grid-numpy", "grid-3d", "xor-key", "xor-n", "xor-noise-negative",
        "xor-noise-str"])
def test_bad_input_is_named(call, error, match):
    """bad arguments raise TypeError/ValueError naming the argument"""
    with pytest.raises(error, match=match):
        call()


def test_shard_rows_rejects_a_2d_mesh():
    """a mesh with two axes is refused: the rows need one axis"""
    mesh = jax.make_mesh((1, 1), ("a", "b"))
    with pytest.raises(ValueError, match=r"one axis, got 2 axes"):
        shard_rows(jnp.ones(2), mesh)


# Several processes: the multi-process demo, run for real on 127.0.0.1.

@pytest.fixture(scope="module")
def two_processes():
    """The demo as two processes of two CPU devices each (a few seconds)."""
    from py4eng_jax import run_processes
    return run_processes("py4eng_jax.multihost_demo", num_processes=2,
                         devices_per_process=2, timeout=240)


def test_two_processes_succeed(two_processes):
    """both processes exit with status 0"""
    assert two_processes.returncodes == (0, 0), two_processes.errors


def test_two_processes_form_one_mesh(two_processes):
    """2 processes of 2 devices see 4 devices in all, 2 of their own"""
    result = two_processes.result
    assert (result["processes"], result["devices"],
            result["local_devices"]) == (2, 4, 2)


def test_global_sum_covers_both_processes(two_processes):
    """the sum of the global array is that of the whole batch"""
    from py4eng_jax.multihost_demo import batch
    X, _ = batch(two_processes.result["rows"])
    np.testing.assert_allclose(two_processes.result["total"], X.sum(),
                               rtol=1e-5)


def test_allgather_gives_the_whole_batch(two_processes):
    """process_allgather returns the batch in process order"""
    from py4eng_jax.multihost_demo import batch
    X, _ = batch(two_processes.result["rows"])
    np.testing.assert_array_equal(
        np.array(two_processes.result["gathered"], np.float32), X)


def test_two_process_training_matches_one_device(two_processes):
    """the data-parallel steps give the one-device parameters"""
    _assert_one_device_params(two_processes.result)


def _assert_one_device_params(result):
    """process 0's parameters are those of the same steps on one device"""
    from py4eng_jax.multihost_demo import batch, initial_params
    X, Y = batch(result["rows"])
    params = initial_params()
    step = jax.jit(gd_step)
    for _ in range(result["steps"]):
        params = step(params, X, Y, 1.0)
    for got, want in zip(result["params"], params):
        np.testing.assert_allclose(np.array(got), want, rtol=1e-5,
                                   atol=1e-6)


def test_only_process_zero_logs(two_processes):
    """process 1 prints only the line every process prints"""
    assert two_processes.outputs[1].splitlines() == [
        "process 1: rows 32-63 on devices [2048, 2049]"]
    assert "2 processes, 4 devices in all" in two_processes.outputs[0]


def test_numpy_on_a_global_array_fails(two_processes):
    """np.asarray on a non-fully-addressable array raises RuntimeError"""
    assert "np.asarray(X) fails: RuntimeError" in two_processes.outputs[0]


def test_printing_a_global_array_shows_no_values(two_processes):
    """print(X) does not raise: it shows the shape and dtype only"""
    assert two_processes.result["rows"] == 64
    assert (two_processes.result["printed"]
            == "Array(shape=(64, 2), dtype=float32)")
    assert ("print(X) shows: Array(shape=(64, 2), dtype=float32)"
            in two_processes.outputs[0])


@pytest.fixture(scope="module")
def three_processes_from_slurm():
    """The demo as three processes of one device each, started as a SLURM
    job step would start them: jax.distributed.initialize() with no
    arguments finds the coordinator, the count and the index itself."""
    from py4eng_jax import run_processes
    return run_processes("py4eng_jax.multihost_demo", num_processes=3,
                         devices_per_process=1, timeout=240,
                         cluster="slurm")


def test_auto_detection_forms_one_program(three_processes_from_slurm):
    """3 processes (no coordinator on the command line) of 1 device each
    form one 3-device program over 16 rows per device (3 divides 48, not
    the 64 rows of two processes)"""
    run = three_processes_from_slurm
    assert run.returncodes == (0, 0, 0), run.errors
    result = run.result
    assert (result["processes"], result["devices"],
            result["local_devices"], result["rows"]) == (3, 3, 1, 48)
    assert "process 0: rows 0-15 on devices [0]" in run.outputs[0]
    # (device ids are global, and on the CPU they jump by 2048 from one
    # process to the next)
    assert [out.splitlines() for out in run.outputs[1:]] == [
        ["process 1: rows 16-31 on devices [2048]"],
        ["process 2: rows 32-47 on devices [4096]"]]


def test_auto_detected_training_matches_one_device(
        three_processes_from_slurm):
    """the whole 48-row batch is gathered, and 20 steps on 3 processes
    give the one-device parameters"""
    from py4eng_jax.multihost_demo import batch
    result = three_processes_from_slurm.result
    np.testing.assert_array_equal(
        np.array(result["gathered"], np.float32), batch(48)[0])
    _assert_one_device_params(result)


def test_gloo_messages_go_with_the_errors(two_processes):
    """Gloo's connection messages are in the errors, none in the outputs"""
    for out, err in zip(two_processes.outputs, two_processes.errors):
        assert "[Gloo]" not in out and "peer ranks" not in out
        assert "[Gloo] Rank" in err


def importable_module(tmp_path, monkeypatch, name: str, source: str):
    """Write module ``name`` in tmp_path, on the PYTHONPATH of the
    processes that run_processes starts."""
    import os
    (tmp_path / f"{name}.py").write_text(source)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(tmp_path), os.environ.get("PYTHONPATH", "")]))


def test_native_output_is_kept_apart_from_print(tmp_path, monkeypatch):
    """what C code writes to descriptor 1 goes to errors, print to outputs;
    the module sees its own arguments, as under `python -m`"""
    from py4eng_jax import run_processes
    importable_module(tmp_path, monkeypatch, "py4eng_native_printer",
                      "import os, sys\n"
                      "print('from python', sys.argv[1])\n"
                      "os.write(1, b'from native code\\n')\n"
                      "print('after')\n")
    run = run_processes("py4eng_native_printer", num_processes=2, timeout=60)
    assert run.returncodes == (0, 0), run.errors
    for out, err in zip(run.outputs, run.errors):
        assert out == "from python --coordinator\nafter\n"
        assert err == "from native code\n"


def test_run_processes_times_out(tmp_path, monkeypatch):
    """processes that do not finish in time are killed: TimeoutError"""
    from py4eng_jax import run_processes
    importable_module(tmp_path, monkeypatch, "py4eng_sleeper",
                      "import time\ntime.sleep(120)\n")
    with pytest.raises(TimeoutError, match=r"did not all finish within"):
        run_processes("py4eng_sleeper", num_processes=2, timeout=1)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"module": ""}, TypeError, r"module must be a module name"),
    ({"num_processes": 0}, ValueError, r"num_processes must be a positive"),
    ({"devices_per_process": 1.5}, TypeError,
     r"devices_per_process must be a positive integer"),
    ({"timeout": -1}, ValueError, r"timeout must be a positive number"),
    ({"cluster": "mpi"}, ValueError,
     r"cluster must be one of \(None, 'slurm'\), got 'mpi'"),
], ids=["module", "processes", "devices", "timeout", "cluster"])
def test_run_processes_checks_its_arguments(kwargs, error, match):
    """bad arguments raise TypeError/ValueError naming the argument"""
    from py4eng_jax import run_processes
    with pytest.raises(error, match=match):
        run_processes(**kwargs)


def test_launch_shows_what_a_failed_process_wrote(monkeypatch, capsys):
    """--launch prints each process's output, and the stderr of a process
    that failed, with its exit status"""
    from py4eng_jax import _multihost, multihost_demo
    run = _multihost.ProcessRun(
        outputs=("report 0\n", "report 1\n"),
        errors=("[Gloo] fine\n", "Traceback: boom\n"),
        returncodes=(0, 3), result=None, seconds=1.0)
    monkeypatch.setattr(_multihost, "run_processes", lambda **kw: run)
    assert multihost_demo.main(["--launch"]) == 3
    out, err = capsys.readouterr()
    assert out == "--- process 0 ---\nreport 0\n--- process 1 ---\nreport 1\n"
    assert err == ("--- process 1 failed (exit status 3) ---\n"
                   "Traceback: boom\n\n")


def test_kubernetes_detection_needs_the_k8s_extra(monkeypatch):
    """the chapter says: on Kubernetes, jax.distributed.initialize() finds
    the cluster only with the `kubernetes` package (pip install
    "jax[k8s]"); without it JAX warns so and does not detect the cluster"""
    pytest.importorskip("jax._src.clusters.k8s_cluster")
    from jax._src.clusters.k8s_cluster import K8sCluster
    try:
        import kubernetes  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("the kubernetes package is installed here")
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    with pytest.warns(UserWarning, match=r"pip install jax\[k8s\]"):
        assert K8sCluster.is_env_present() is False
