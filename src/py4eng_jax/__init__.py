"""py4eng_jax: the tested helpers behind the py4eng-jax book.

Every function a chapter relies on lives here once, with unit tests; the
chapters import it. Exercise checkers live in :mod:`py4eng_jax.check`.
"""

# The public API, by module; __all__ below groups it by chapter.
from . import check
from ._batching import example_loss, per_example_grads
from ._distances import (
    hamming,
    hamming_to_rows,
    hamming_to_rows_broadcast,
    hamming_to_rows_loop,
    pairwise_hamming,
)
from ._dynamics import (
    LMResult,
    levenberg_marquardt,
    msd_analytic,
    msd_rhs,
    rk4_solve,
)
from ._figures import use_book_style
from ._gradcheck import gradient_check
from ._heat import (
    fourier_mode,
    heat_step,
    simulate,
    simulate_sharded,
    stable_dt,
)
from ._machine import describe_machine, machine_info
from ._mandelbrot import (
    escape_count,
    mandelbrot_grid,
    mandelbrot_jax,
    mandelbrot_jax_fast,
    mandelbrot_numba,
    mandelbrot_numpy,
    mandelbrot_numpy_compact,
    mandelbrot_python,
    mandelbrot_vmap,
    numba_threads,
)
from ._multihost import ProcessRun, run_processes
from ._newton import NewtonResult, newton_solve
from ._optim import AdamState, Optimizer, adam, momentum, sgd
from ._parallel import (
    device_mesh,
    noisy_xor,
    replicate,
    shard_rows,
    sharding_grid,
)
from ._sequences import (
    fibonacci,
    fibonacci_exact,
    fibonacci_fori,
    fibonacci_loop,
    first_mismatch,
)
from ._sparse import (
    CGResult,
    assemble_conduction,
    cg_solve,
    conduction_diagonal,
    conduction_operator,
    implicit_heat_step,
)
from ._timing import Timing, format_seconds, race, time_it
from ._tracing import count_traces
from ._training import (
    FusedResult,
    TrainResult,
    train,
    train_fused,
    train_fused_core,
    train_with,
)
from ._truss import (
    Truss,
    TrussResponse,
    ten_bar_truss,
    truss_solve,
    truss_stiffness,
    truss_weight,
)
from ._uncertainty import (
    delta_method,
    exceedance,
    lognormal_params,
    monte_carlo,
    sample_inputs,
)
from ._xor import (
    all_correct,
    gd_step,
    init_params,
    loss,
    predict,
    sigmoid,
    xor_data,
)

__all__ = [
    "check",
    # the XOR network (chapter autodiff)
    "xor_data", "init_params", "sigmoid", "predict", "loss", "all_correct",
    "gd_step", "train", "TrainResult", "gradient_check",
    # Newton's method for systems, Jacobian by JAX (chapter derivatives)
    "newton_solve", "NewtonResult",
    # the whole XOR training in one compiled loop (chapter loops)
    "train_fused", "train_fused_core", "FusedResult",
    # optimizers for any pytree (chapter pytrees)
    "Optimizer", "AdamState", "sgd", "momentum", "adam", "train_with",
    # honest timings (every chapter that times something)
    "time_it", "race", "Timing", "format_seconds",
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
    # the Mandelbrot escape counts, seven ways (chapter benchmarking)
    "mandelbrot_grid", "mandelbrot_python", "mandelbrot_numpy",
    "mandelbrot_jax", "escape_count", "mandelbrot_vmap",
    "mandelbrot_numpy_compact", "mandelbrot_numba", "mandelbrot_jax_fast",
    "numba_threads",
    # simulate and fit a dynamical model (chapter fitting)
    "rk4_solve", "msd_rhs", "msd_analytic", "levenberg_marquardt",
    "LMResult",
    # meshes, sharded batches, the layout as text (chapter parallel)
    "device_mesh", "shard_rows", "replicate", "sharding_grid", "noisy_xor",
    # several JAX processes on this machine (chapter parallel)
    "run_processes", "ProcessRun",
    # tolerances through a formula: Monte Carlo, delta method (monte-carlo)
    "sample_inputs", "monte_carlo", "delta_method", "exceedance",
    "lognormal_params",
    # the 2-D heat equation, on one device and sharded (chapter heat)
    "stable_dt", "fourier_mode", "heat_step", "simulate",
    "simulate_sharded",
    # conduction solved matrix-free with CG, implicit steps (chapter sparse)
    "conduction_operator", "conduction_diagonal", "assemble_conduction",
    "cg_solve", "CGResult", "implicit_heat_step",
    # a differentiable plane-truss model, the 10-bar truss (chapter truss)
    "Truss", "TrussResponse", "truss_stiffness", "truss_solve",
    "truss_weight", "ten_bar_truss",
    "use_book_style",
]
