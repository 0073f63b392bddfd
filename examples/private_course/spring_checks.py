"""A lecturer's own checker, kept out of the public book and package.

It is built on the book's checker machinery
(``py4eng_jax.check._framework``): the ``checker`` decorator gives the
deadline, the capped while loops, the "not attempted" and crash hints and
the count of criteria passed (for partial credit); ``call``,
``same_values`` and ``jittable`` do the comparing. Students never get
this file: the grader finds it through ``pythonpath`` in this folder's
points table.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from py4eng_jax.check._framework import call, checker, jittable, same_values

__all__ = ["spring_energy"]


def _expected(k, x) -> np.ndarray:
    return 0.5 * np.asarray(k, float) * np.asarray(x, float) ** 2


@checker("spring_energy")
def spring_energy(fn) -> str:
    """Check ``spring_energy(k, x)``: the energy k x^2 / 2 stored in springs
    of stiffness k stretched by x, element by element."""
    cases = [("k = 2.0 and x = 3.0", jnp.float32(2.0), jnp.float32(3.0)),
             ("k = [1, 4] and x = [0.5, -2]", jnp.array([1.0, 4.0]),
              jnp.array([0.5, -2.0]))]
    for shown, k, x in cases:
        same_values(call(fn, k, x), _expected(k, x), what="the energy",
                    shown=shown)
    jittable(fn, *cases[1][1:])
    return ("Correct: your function gives the energy of each spring and "
            "works under jax.jit.")
