"""Exercise checkers: call ``check.NAME(your_function)`` in a notebook.

Each checker runs your function on inputs with known answers and replies
with a pass, "not attempted yet", or a specific hint (wrong shape, wrong
values for a shown input, not jittable, ...). It never raises for a wrong
answer, so the notebook keeps running. One module per chapter.
"""

from .._checking import Feedback
from ._autodiff import xor_accuracy, xor_grad_b2

__all__ = [
    "Feedback",
    # autodiff
    "xor_accuracy", "xor_grad_b2",
]
