"""One JAX program in several processes: a global array and training.

Every process runs this same script. Together they form one mesh over the
devices of all processes, build one global batch from the rows each
process holds, and train the XOR network data-parallel, with the
gradients averaged across processes. Process 0 logs; the others stay
quiet.

On one machine, two processes with two CPU devices each::

    python -m py4eng_jax.multihost_demo --launch

starts both (through :func:`py4eng_jax.run_processes`) and prints what
each one printed. By hand, in two terminals, it is::

    python -m py4eng_jax.multihost_demo --coordinator 127.0.0.1:12345 \\
        --num-processes 2 --process-id 0
    python -m py4eng_jax.multihost_demo --coordinator 127.0.0.1:12345 \\
        --num-processes 2 --process-id 1

On a cluster (SLURM, Open MPI, Kubernetes with JobSet or an indexed Job,
Cloud TPU), start one copy per host with no arguments: JAX reads the
coordinator, the process count and this process's index from the
environment the cluster provides. (On Kubernetes, JAX needs the
``kubernetes`` Python package for that: ``pip install "jax[k8s]"``.)
``run_processes(..., cluster="slurm")`` tries that path on one machine,
with the environment variables of a SLURM job.

The global batch has ``ROWS_PER_DEVICE`` rows per device, so any number
of processes and devices splits it evenly.

Between processes on a CPU, JAX sends the collectives (the all-reduce of
the gradients) through the Gloo library, which prints a line for each
device whenever a group of devices connects;
:func:`py4eng_jax.run_processes` returns those lines with the standard
error, apart from what the script prints.
"""

from __future__ import annotations

import argparse
import json
import sys

ROWS_PER_DEVICE = 16   # the global batch: 16 rows for each device
STEPS = 20             # data-parallel training steps


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m py4eng_jax.multihost_demo",
        description="Train the XOR network data-parallel over several "
                    "processes. Run one copy per process.")
    parser.add_argument(
        "--launch", action="store_true",
        help="start --num-processes copies on this machine (127.0.0.1) "
             "and print their output")
    parser.add_argument(
        "--coordinator", metavar="HOST:PORT",
        help="address of process 0, which coordinates the start; omit it "
             "on SLURM, Open MPI, Kubernetes or Cloud TPU")
    parser.add_argument("--num-processes", type=int, default=2)
    parser.add_argument("--process-id", type=int)
    parser.add_argument(
        "--devices", type=int, default=2,
        help="CPU devices per process (default 2; ignored on GPUs/TPUs)")
    parser.add_argument(
        "--result", metavar="PATH",
        help="process 0 writes its results there, as JSON")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.launch:
        from ._multihost import run_processes
        run = run_processes(num_processes=args.num_processes,
                            devices_per_process=args.devices)
        for i, out in enumerate(run.outputs):
            print(f"--- process {i} ---")
            print(out, end="")
        for i, (code, err) in enumerate(zip(run.returncodes, run.errors)):
            if code:   # what went wrong, from the process's stderr
                print(f"--- process {i} failed (exit status {code}) ---\n"
                      f"{err}", file=sys.stderr)
        return max(run.returncodes)

    import jax

    # Before JAX starts a backend: collectives between processes on a
    # CPU go through Gloo, and each process simulates a few CPU devices.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.config.update("jax_num_cpu_devices", args.devices)
    # First of all: join the other processes. Blocks until all have come.
    if args.coordinator:
        jax.distributed.initialize(coordinator_address=args.coordinator,
                                   num_processes=args.num_processes,
                                   process_id=args.process_id)
    else:   # a cluster that JAX recognizes fills in the three arguments
        jax.distributed.initialize()
    result = demo()
    if args.result and jax.process_index() == 0:
        with open(args.result, "w", encoding="utf-8") as f:
            json.dump(result, f)
    jax.distributed.shutdown()
    return 0


def batch(rows: int, seed: int = 0):
    """The whole batch: ``rows`` points around the XOR corners, labels.

    Row ``i`` lies near corner ``i % 4`` (as in
    :func:`py4eng_jax.noisy_xor`), with Gaussian noise of standard
    deviation 0.1 from NumPy's generator ``seed``. NumPy, not
    ``jax.random``: a data loader's arrays come from the host.

    Examples:
      >>> X, Y = batch(8)
      >>> X.shape, Y.tolist()
      ((8, 2), [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    """
    import numpy as np
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    labels = np.array([0, 1, 1, 0], np.float32)
    noise = np.random.default_rng(seed).normal(0, 0.1, (rows, 2))
    which = np.arange(rows) % 4
    return ((corners[which] + noise).astype(np.float32), labels[which])


def initial_params(seed: int = 1):
    """Starting parameters ``(w1, b1, w2, b2)`` of the XOR network.

    Examples:
      >>> [p.shape for p in initial_params()]
      [(2, 3), (3,), (3,), (1,)]
    """
    import numpy as np
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(0, 1, shape).astype(np.float32)
                 for shape in [(2, 3), (3,), (3,), (1,)])


def demo() -> dict:
    """The program every process runs, after ``jax.distributed``."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax.experimental import multihost_utils
    from jax.sharding import AxisType, NamedSharding
    from jax.sharding import PartitionSpec as P

    from ._xor import gd_step, loss

    me, processes = jax.process_index(), jax.process_count()

    def log(*args):
        """Print from process 0 only: the others would repeat it."""
        if me == 0:
            print(*args, flush=True)

    log(f"{processes} processes, {jax.device_count()} devices in all, "
        f"{jax.local_device_count()} per process")

    # One mesh over the devices of all processes.
    mesh = jax.make_mesh((jax.device_count(),), ("batch",),
                         axis_types=(AxisType.Explicit,))
    rows = NamedSharding(mesh, P("batch"))

    # Each process holds only its own rows of the batch, those of its
    # devices (here it makes all of them and keeps its share; a real job
    # would read only its share). The mesh lists the devices in process
    # order, so process i holds the i-th share.
    X_all, Y_all = batch(ROWS_PER_DEVICE * jax.device_count())
    share = ROWS_PER_DEVICE * jax.local_device_count()
    mine = slice(me * share, (me + 1) * share)
    # Every process prints this line: each one holds different rows.
    print(f"process {me}: rows {mine.start}-{mine.stop - 1} on devices "
          f"{[d.id for d in jax.local_devices()]}", flush=True)

    # One global array from the processes' shares, in process order.
    X = jax.make_array_from_process_local_data(rows, X_all[mine])
    Y = jax.make_array_from_process_local_data(rows, Y_all[mine])
    log(f"global X: {jax.typeof(X)}; this process holds "
        f"{len(X.addressable_shards)} of its {len(X.sharding.device_set)} "
        f"shards")

    # A value that needs every row: the global sum, known to every process.
    total = jnp.sum(X)
    log(f"sum of X over all processes: {float(total):.4f}")

    # A global array cannot be read whole by one process...
    try:
        np.asarray(X)
        log("np.asarray(X) worked")
    except RuntimeError as err:
        log(f"np.asarray(X) fails: RuntimeError: "
            f"{str(err).split(' You can use')[0]}")
    # Printing it does not fail, but shows no values.
    log(f"print(X) shows: {X}")
    # ...gather it first (every process must take part: it communicates).
    X_gathered = multihost_utils.process_allgather(X, tiled=True)
    log(f"process_allgather(X, tiled=True): NumPy, shape "
        f"{X_gathered.shape}, equal to the full batch: "
        f"{bool(np.array_equal(X_gathered, X_all))}")

    # Data-parallel training: the same jitted step as on one device, the
    # parameters replicated on every device of every process.
    params = jax.device_put(initial_params(), NamedSharding(mesh, P()))
    step, global_loss = jax.jit(gd_step), jax.jit(loss)
    first = float(global_loss(params, X, Y))
    for _ in range(STEPS):
        # Wait for each step (as in the chapter) rather than queue many.
        params = jax.block_until_ready(step(params, X, Y, 1.0))
    last = float(global_loss(params, X, Y))
    log(f"loss before {first:.4f}, after {STEPS} steps {last:.4f}")
    # Replicated arrays are whole on every process: np.asarray works.
    return {"processes": processes, "devices": jax.device_count(),
            "local_devices": jax.local_device_count(),
            "rows": len(X_all), "printed": str(X),
            "total": float(total), "gathered": X_gathered.tolist(),
            "loss_before": first, "loss_after": last, "steps": STEPS,
            "params": [np.asarray(p).tolist() for p in params]}


if __name__ == "__main__":
    sys.exit(main())
