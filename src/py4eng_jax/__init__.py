"""py4eng_jax: the tested helpers behind the py4eng-jax book.

Every function a chapter relies on lives here once, with unit tests; the
chapters import it. Exercise checkers live in :mod:`py4eng_jax.check`.
"""

from . import check
from ._machine import describe_machine, machine_info
from ._timing import Timing, format_seconds, time_it
from ._tracing import count_traces
from ._xor import (TrainResult, all_correct, gd_step, init_params, loss,
                   predict, sigmoid, train, xor_data)

__all__ = [
    "check",
    # the XOR network (chapter autodiff)
    "xor_data", "init_params", "sigmoid", "predict", "loss", "all_correct",
    "gd_step", "train", "TrainResult",
    # honest timings (every chapter that times something)
    "time_it", "Timing", "format_seconds",
    # how often jit traces (and so compiles) a function
    "count_traces",
    # the machine an output was produced on
    "machine_info", "describe_machine",
]
