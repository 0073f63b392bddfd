"""Telling a forgotten ``return`` from an exercise not attempted yet.

:func:`call` treats a result of ``None`` as "not attempted yet", which is
right for the book's stub (``...``) but not for a function that does its
work and then forgets to return it. :func:`call_answer` tells the two
apart by looking at the function's own code. Used by the checkers of
numpy-differences, static-args and vmap.
"""

from __future__ import annotations

import dis
from collections.abc import Callable
from typing import Any

from ._explain import call
from ._feedback import CheckFailed, fail

#: Opcodes of a body that does nothing: ``...``, ``pass``, a docstring.
_IDLE = frozenset(("RESUME", "NOP", "RETURN_CONST", "RETURN_VALUE",
                   "LOAD_CONST", "POP_TOP", "CACHE"))

FORGOT_RETURN = ("Your function does some work but returns None: did you "
                 "forget the `return` line")


def does_work(fn: Callable) -> bool:
    """Does ``fn``'s own body (under any ``jax.jit`` wrapper) do more
    than ``...``, ``pass`` or ``raise NotImplementedError``?

    Examples:
      >>> def stub(x):
      ...     ...  # your code here
      >>> def forgot(x):
      ...     y = 2 * x
      >>> does_work(stub), does_work(forgot)
      (False, True)
    """
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    names = set(code.co_names)
    if names <= {"NotImplementedError"}:
        return any(ins.opname not in _IDLE | {"LOAD_GLOBAL",
                                              "RAISE_VARARGS", "CALL",
                                              "PRECALL", "PUSH_NULL"}
                   for ins in dis.get_instructions(code))
    return True


def call_answer(fn: Callable, *args, **kwargs) -> Any:
    """:func:`call`, but a function that does work and returns ``None``
    hears that it forgot ``return``, not "not attempted yet"."""
    try:
        return call(fn, *args, **kwargs)
    except CheckFailed as stop:
        if stop.feedback.status == "not attempted" and does_work(fn):
            raise fail(FORGOT_RETURN) from None
        raise
