"""Start several JAX processes on this machine and collect what they print.

Multi-process JAX runs one Python process per host (or per group of
devices); the processes find each other through a coordinator, process
0, at an address all of them know. :func:`run_processes` plays the
cluster on one machine: it picks a free port on 127.0.0.1, starts the
processes of :mod:`py4eng_jax.multihost_demo` (or another module with the
same command line) at the same time, waits for all of them with a
timeout, and returns their output.

What Python prints and what native libraries print are kept apart. Gloo,
which carries JAX's collectives between processes on a CPU, writes a
connection message for each device straight to the standard output, from
several threads at once, so its messages can come cut and interleaved.
Each process therefore starts through a small bootstrap
(:data:`_BOOTSTRAP`) that keeps ``sys.stdout`` on the real standard output
and sends file descriptor 1, where C and C++ code write, to the standard
error.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
from typing import NamedTuple

from . import _validate

__all__ = ["run_processes", "ProcessRun"]

# Environment variables that would change the device count or the
# platform of the child processes; the children set their own.
_DEVICE_VARIABLES = ("XLA_FLAGS", "JAX_NUM_CPU_DEVICES", "JAX_PLATFORMS",
                     "JAX_PLATFORM_NAME", "JAX_COORDINATOR_ADDRESS")
# Prefixes of the variables through which jax.distributed.initialize()
# recognizes a cluster (SLURM, Open MPI, Kubernetes, Cloud TPU): the
# children get only those run_processes sets.
_CLUSTER_PREFIXES = ("SLURM_", "OMPI_", "PMIX_", "KUBERNETES_",
                     "MEGASCALE_", "TPU_")
# The clusters run_processes can imitate (see its ``cluster`` argument).
CLUSTERS = (None, "slurm")
# SLURM: JAX derives the coordinator's port from the job id, in the range
# [65535 - 2**12 + 1, 65535] (jax/_src/clusters/slurm_cluster.py).
_SLURM_PORTS = (65535 - 2**12 + 1, 65535)


class ProcessRun(NamedTuple):
    """What :func:`run_processes` returns, one entry per process."""

    outputs: tuple[str, ...]
    """What each process printed from Python (``sys.stdout``)."""
    errors: tuple[str, ...]
    """What each process wrote to stderr (warnings, tracebacks), and what
    its native libraries wrote to the standard output (Gloo's connection
    messages)."""
    returncodes: tuple[int, ...]
    """Each process's exit status; 0 when it succeeded."""
    result: dict | None
    """The JSON that process 0 wrote to ``--result``, if any."""
    seconds: float
    """Wall-clock time from the first start to the last exit."""


def free_port(lowest: int | None = None, highest: int | None = None) -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Any free port, or the first free one from ``lowest`` to ``highest``.
    """
    candidates = ([0] if lowest is None
                  else range(lowest, (highest or lowest) + 1))
    for candidate in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError(f"no free port from {lowest} to {highest}")


def _slurm_environment(port: int, num_processes: int, i: int) -> dict:
    """What a SLURM job step on one node tells process ``i``: the job id
    (from which JAX derives the coordinator's port), the node list (whose
    first node is the coordinator), the task count and this task's
    index."""
    return {"SLURM_JOB_ID": str(port - _SLURM_PORTS[0]),
            "SLURM_STEP_NODELIST": "127.0.0.1",
            "SLURM_STEP_NUM_NODES": "1",
            "SLURM_NTASKS": str(num_processes),
            "SLURM_PROCID": str(i), "SLURM_LOCALID": str(i)}


# Run as `python -c _BOOTSTRAP MODULE ARGS...`: Python's print keeps the
# real standard output (a new file on a copy of descriptor 1, line
# buffered), descriptor 1 itself becomes a copy of the standard error, and
# then MODULE runs as `python -m MODULE ARGS...` would run it.
_BOOTSTRAP = """\
import os, runpy, sys
sys.stdout = open(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
module = sys.argv[1]
del sys.argv[1]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def run_processes(module: str = "py4eng_jax.multihost_demo", *,
                  num_processes: int = 2, devices_per_process: int = 2,
                  timeout: float = 120.0,
                  cluster: str | None = None) -> ProcessRun:
    """Run ``python -m module`` as ``num_processes`` cooperating processes.

    Process ``i`` gets ``--coordinator 127.0.0.1:PORT --num-processes N
    --process-id i --devices D --result PATH``, the command line of
    :mod:`py4eng_jax.multihost_demo`. All start at once: each one waits in
    ``jax.distributed.initialize`` until all have joined. What a process
    prints from Python comes back in ``outputs``; what its native libraries
    write to the standard output (Gloo's messages) comes back in
    ``errors``, with its standard error.

    With ``cluster="slurm"`` the processes get no ``--coordinator``,
    ``--num-processes`` or ``--process-id``; instead each one's
    environment is what SLURM gives the tasks of a job step on one node
    (``SLURM_JOB_ID``, ``SLURM_STEP_NODELIST``, ``SLURM_NTASKS``,
    ``SLURM_PROCID``, ...), so that ``jax.distributed.initialize()``
    without arguments finds the coordinator, the count and the index
    itself, as on a real cluster.

    Args:
      module: the module to run; it must accept the arguments above.
      num_processes: how many processes, at least 1.
      devices_per_process: CPU devices each process simulates, at least 1.
      timeout: seconds to wait for all of them; then every process still
        running is killed and ``TimeoutError`` is raised.
      cluster: None (the default) to pass the coordinator on the command
        line, or ``"slurm"`` to imitate a SLURM job instead.

    Returns:
      A :class:`ProcessRun`: outputs, exit statuses, process 0's result.

    Raises:
      TypeError, ValueError: an argument has the wrong type or value.
      TimeoutError: the processes did not all finish within ``timeout``
        (a process that waits for a partner that never comes, for
        instance); the message holds the end of their stderr.

    Examples:
      >>> run = run_processes(num_processes=2)      # doctest: +SKIP
      >>> run.returncodes, run.result["devices"]    # doctest: +SKIP
      ((0, 0), 4)
    """
    if not isinstance(module, str) or not module:
        raise TypeError(f"module must be a module name (a non-empty "
                        f"string), got {module!r}")
    num_processes = _validate.positive_int(num_processes, "num_processes")
    devices_per_process = _validate.positive_int(devices_per_process,
                                                 "devices_per_process")
    timeout = _validate.positive_number(timeout, "timeout")
    if cluster not in CLUSTERS:
        raise ValueError(f"cluster must be one of {CLUSTERS}, got "
                         f"{cluster!r}")

    env = {k: v for k, v in os.environ.items()
           if k not in _DEVICE_VARIABLES
           and not k.startswith(_CLUSTER_PREFIXES)}
    env["JAX_PLATFORMS"] = "cpu"
    port = free_port(*_SLURM_PORTS) if cluster == "slurm" else free_port()
    with tempfile.TemporaryDirectory(prefix="py4eng-multihost-") as tmp, \
            contextlib.ExitStack() as files:
        result_path = pathlib.Path(tmp) / "result.json"
        logs = []
        procs = []
        start = time.perf_counter()
        try:
            for i in range(num_processes):
                out = files.enter_context(
                    open(pathlib.Path(tmp) / f"out{i}.txt", "w+"))
                err = files.enter_context(
                    open(pathlib.Path(tmp) / f"err{i}.txt", "w+"))
                logs.append((out, err))
                if cluster == "slurm":
                    where = []
                    env_i = {**env, **_slurm_environment(
                        port, num_processes, i)}
                else:
                    where = ["--coordinator", f"127.0.0.1:{port}",
                             "--num-processes", str(num_processes),
                             "--process-id", str(i)]
                    env_i = env
                procs.append(subprocess.Popen(
                    [sys.executable, "-c", _BOOTSTRAP, module, *where,
                     "--devices", str(devices_per_process),
                     "--result", str(result_path)],
                    stdout=out, stderr=err, env=env_i))
            deadline = start + timeout
            for proc in procs:
                proc.wait(timeout=max(deadline - time.perf_counter(), 0.01))
        except subprocess.TimeoutExpired:
            for proc in procs:
                proc.kill()
            for proc in procs:
                proc.wait()
            tails = "\n".join(
                f"process {i}: " + _read(err)[-500:]
                for i, (_, err) in enumerate(logs))
            raise TimeoutError(
                f"the {num_processes} processes of {module} did not all "
                f"finish within {timeout:g} s and were stopped; the end "
                f"of their stderr:\n{tails}") from None
        finally:
            for proc in procs:   # on any error, leave no process behind
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            for out, err in logs:
                out.flush()
                err.flush()
        seconds = time.perf_counter() - start
        outputs = tuple(_read(out) for out, _ in logs)
        errors = tuple(_read(err) for _, err in logs)
        result = (json.loads(result_path.read_text(encoding="utf-8"))
                  if result_path.exists() else None)
    return ProcessRun(outputs, errors,
                      tuple(proc.returncode for proc in procs), result,
                      seconds)


def _read(f) -> str:
    f.flush()
    f.seek(0)
    return f.read()
