"""What machine and software produced an output: for timings and the status
page."""

from __future__ import annotations

import os
import platform

import jax
import jaxlib

__all__ = ["machine_info", "describe_machine"]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, str | int]:
    """The facts a timing needs next to it, as a plain dict.

    Keys: ``python``, ``jax``, ``jaxlib``, ``platform`` (``cpu``, ``gpu``
    or ``tpu``), ``device`` (the first device's kind), ``device_count``,
    ``cpu`` (the processor model) and ``cores`` (logical CPUs we may use).

    Examples:
      >>> sorted(machine_info())
      ['cores', 'cpu', 'device', 'device_count', 'jax', 'jaxlib', 'platform',
       'python']
    """
    devices = jax.devices()
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return {
        "python": platform.python_version(),
        "jax": jax.__version__,
        "jaxlib": jaxlib.__version__,
        "platform": devices[0].platform,
        "device": devices[0].device_kind,
        "device_count": len(devices),
        "cpu": _cpu_model(),
        "cores": cores,
    }


def describe_machine() -> str:
    """One line naming the device, the processor and the versions."""
    info = machine_info()
    device = info["device"]
    if info["platform"] == "cpu":
        device = f"CPU only ({info['cpu']}, {info['cores']} cores)"
    return (f"{device}; Python {info['python']}, JAX {info['jax']}, "
            f"jaxlib {info['jaxlib']}")
