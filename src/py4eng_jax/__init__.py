"""py4eng_jax: the tested helpers behind the py4eng-jax book.

Every function a chapter relies on lives here once, with unit tests; the
chapters import it. Exercise checkers live in :mod:`py4eng_jax.check`.
"""

from . import check
from ._machine import describe_machine, machine_info
from ._timing import Timing, format_seconds, time_it
from ._tracing import count_traces
from ._xor import (all_correct, gd_step, init_params, loss, predict, sigmoid,
                   xor_data)
# training the XOR network (chapters autodiff, jit, loops, pytrees)
from ._training import (FusedResult, TrainResult, train, train_fused,
                        train_with)
# chapter pytrees
from ._optim import AdamState, Optimizer, adam, momentum, sgd
# chapter vmap
from ._batching import example_loss, per_example_grads
from ._distances import (hamming, hamming_to_rows, hamming_to_rows_broadcast,
                         hamming_to_rows_loop, pairwise_hamming)
# chapters numpy-differences and static-args
from ._sequences import (fibonacci, fibonacci_exact, fibonacci_fori,
                         fibonacci_loop, first_mismatch)
# chapter benchmarking
from ._mandelbrot import (escape_count, mandelbrot_grid, mandelbrot_jax,
                          mandelbrot_numpy, mandelbrot_python, mandelbrot_vmap)
# the house style of every figure
from ._figures import use_book_style
# chapter parallel
from ._parallel import (device_mesh, noisy_xor, replicate, shard_rows,
                        sharding_grid)

__all__ = [
    "check",
    # the XOR network (chapter autodiff)
    "xor_data", "init_params", "sigmoid", "predict", "loss", "all_correct",
    "gd_step", "train", "TrainResult",
    # the whole XOR training in one compiled loop (chapter loops)
    "train_fused", "FusedResult",
    # optimizers for any pytree (chapter pytrees)
    "Optimizer", "AdamState", "sgd", "momentum", "adam", "train_with",
    # honest timings (every chapter that times something)
    "time_it", "Timing", "format_seconds",
    # how often jit traces (and so compiles) a function
    "count_traces",
    # the machine an output was produced on
    "machine_info", "describe_machine",
    # Hamming distances, per-example gradients (chapter vmap)
    "hamming", "hamming_to_rows", "hamming_to_rows_loop",
    "hamming_to_rows_broadcast", "pairwise_hamming",
    "example_loss", "per_example_grads",
    # the Fibonacci-like sequence (chapters numpy-differences, static-args)
    "fibonacci_loop", "fibonacci_fori", "fibonacci", "fibonacci_exact",
    "first_mismatch",
    # the Mandelbrot escape counts, four ways (chapter benchmarking)
    "mandelbrot_grid", "mandelbrot_python", "mandelbrot_numpy",
    "mandelbrot_jax", "escape_count", "mandelbrot_vmap",
    # meshes, sharded batches, the layout as text (chapter parallel)
    "device_mesh", "shard_rows", "replicate", "sharding_grid", "noisy_xor",
    # one look for every figure (each chapter's hidden first cell)
    "use_book_style",
]
