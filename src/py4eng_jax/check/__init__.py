"""Exercise checkers: call ``check.NAME(your_function)`` in a notebook.

Each checker runs your function on inputs with known answers and replies
with a pass, "not attempted yet", or a specific hint (wrong shape, wrong
values for a shown input, not jittable, ...). It never raises for a wrong
answer, so the notebook keeps running. One module per chapter.
"""

from ._autodiff import xor_accuracy, xor_grad_w2, xor_input_gradient
from ._benchmarking import escape_point, honest_times
from ._debugging import divides_by_zero, fit_fast
from ._derivatives import curvature_step, hvp
from ._fitting import dc_dv0, profile_loss
from ._framework import Feedback
from ._heat import periodic_sharded, periodic_step
from ._jit import clip_by_norm, xor_train_step
from ._loops import damped_newton, sum_after
from ._monte_carlo import divider_exceedance, mean_second_order
from ._numpy_differences import bin_counts, huber, random_walk
from ._parallel import standardize_batch, tensor_parallel_step
from ._pytrees import clip_by_global_norm, dense_pytree, unstack
from ._sparse import bar_conductivity, steady_insulated
from ._static_args import moving_average, padded_fibonacci
from ._truss import buckling_ratios, drift_exceedance
from ._vmap import clipped_mean_grad, nearest_rows

__all__ = [
    "Feedback",
    # autodiff
    "xor_accuracy", "xor_grad_w2", "xor_input_gradient",
    # benchmarking
    "honest_times", "escape_point",
    # debugging
    "divides_by_zero", "fit_fast",
    # derivatives
    "curvature_step", "hvp",
    # fitting
    "profile_loss", "dc_dv0",
    # heat
    "periodic_step", "periodic_sharded",
    # jit
    "clip_by_norm", "xor_train_step",
    # loops
    "damped_newton", "sum_after",
    # monte-carlo
    "divider_exceedance", "mean_second_order",
    # numpy-differences
    "bin_counts", "huber", "random_walk",
    # parallel
    "tensor_parallel_step", "standardize_batch",
    # pytrees
    "unstack", "clip_by_global_norm", "dense_pytree",
    # sparse
    "steady_insulated", "bar_conductivity",
    # static-args
    "moving_average", "padded_fibonacci",
    # truss
    "buckling_ratios", "drift_exceedance",
    # vmap
    "nearest_rows", "clipped_mean_grad",
]
