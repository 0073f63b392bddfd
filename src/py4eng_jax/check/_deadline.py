"""Running a checker under a deadline, so that a student's function that
never returns gets a hint instead of a dead kernel.

:func:`checker` turns ``body(fn) -> str`` into a checker: the body runs
in a worker thread, and the checker answers once the student's code has
made no progress for :func:`deadline_s` seconds. Progress is counted
from the last step begun: the framework's :func:`call`, :func:`jittable`
... call :func:`beat`, and so does every trace and compilation JAX
reports (a ``jax.monitoring`` listener, registered by the first checker
call, not on import). Every ``lax.while_loop`` the body runs is capped
(:func:`capped_while_loops`), because a loop inside XLA cannot be
interrupted.

The deadline is set in one place: the environment variable
``PY4ENG_CHECK_DEADLINE_S`` (seconds; default 8), read at each checker
call, so that tests can shorten it with ``monkeypatch.setenv``. On a
machine whose cores are all busy, the checker waits longer in proportion
(:func:`busy_factor`, the load per core, at most 8 times), so that other
work on the machine cannot make a correct answer look endless.
:func:`last_wait` tells, in the checker's own clock, how long the last
checker waited, so that a test can bound it on a busy machine.
Part of the framework behind :mod:`py4eng_jax.check` (see
``_framework.py``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ._feedback import CheckFailed, Feedback, describe, one_line

#: The environment variable that sets the checker deadline, in seconds.
DEADLINE_ENV = "PY4ENG_CHECK_DEADLINE_S"
#: The deadline when :data:`DEADLINE_ENV` is not set.
DEFAULT_DEADLINE_S = 8.0
#: Steps after which a checker stops any ``lax.while_loop`` it runs.
WHILE_CAP = 10_000


def deadline_s() -> float:
    """Seconds a checker waits for one step of the student's code (a call,
    a trace, a compilation) before it answers that the function never
    returns: :data:`DEADLINE_ENV` if set, else :data:`DEFAULT_DEADLINE_S`.
    """
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if not text:
        return DEFAULT_DEADLINE_S
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"{DEADLINE_ENV} must be a positive number of "
                         f"seconds, got {text!r}")
    return value


#: The most a busy machine stretches the deadline (see :func:`busy_factor`).
MAX_BUSY_FACTOR = 8.0


def busy_factor() -> float:
    """How much longer than :func:`deadline_s` a checker waits on this
    machine now: the 1-minute load average per CPU core this process may
    use, from 1 (a machine with a core to spare) up to
    :data:`MAX_BUSY_FACTOR`.

    On a machine whose cores are all taken by other work, the student's
    code gets only its share of a core, and a correct answer that needs 3 s
    alone would otherwise be told it never returned. Where the load cannot
    be read (Windows), the factor is 1.

    Examples:
      >>> 1.0 <= busy_factor() <= MAX_BUSY_FACTOR
      True
    """
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return 1.0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(MAX_BUSY_FACTOR, max(1.0, load / max(cores, 1)))


class Wait(NamedTuple):
    """How the last checker call waited, in the checker's own clock
    (``time.monotonic``), in seconds."""

    deadline_s: float      #: the deadline in force (what the hint says)
    allowed_s: float       #: the deadline times :func:`busy_factor`
    total_s: float         #: from the start of the check to its answer
    idle_s: float          #: from the last step begun to the end of waiting
    timed_out: bool        #: True when the deadline ran out


_last_wait: list[Wait] = []


def last_wait() -> Wait | None:
    """How the last checker call waited (None before the first call)."""
    return _last_wait[-1] if _last_wait else None


class _Stop(BaseException):
    """Raised asynchronously in a worker that ran past the deadline (a
    BaseException, so that ``except Exception`` in student code lets it
    through)."""


def _raise_in(thread: threading.Thread) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop))


_cap_hits: list[int] = []


def _note_cap(hit) -> None:
    if np.any(np.asarray(hit)):
        _cap_hits.append(1)


# The cap's report, jitted: a bare jax.debug.callback inside an un-jitted
# shard_map raises NotImplementedError on a mesh with Explicit axes (the
# default of jax.make_mesh), which the student would be blamed for.
_report_cap = jax.jit(lambda hit: jax.debug.callback(_note_cap, hit))


@contextlib.contextmanager
def capped_while_loops(cap: int | None = None):
    """Within this context ``jax.lax.while_loop`` stops after ``cap`` steps.

    A student's loop whose condition never turns false would run forever
    inside XLA, where no interrupt reaches it. Capped, it returns; a hit
    of the cap is noted (see :func:`checker`), so the checker can say so.
    Only code traced inside the context is capped; if any loop was, JAX's
    caches are cleared on the way out, so that no capped program stays
    in them.
    """
    cap = WHILE_CAP if cap is None else cap
    original = jax.lax.while_loop
    used = []

    def while_loop(cond_fun, body_fun, init_val):
        used.append(1)
        def cond(state):
            value, steps = state
            return jnp.logical_and(cond_fun(value), steps < cap)

        def body(state):
            value, steps = state
            return body_fun(value), steps + 1

        value, steps = original(cond, body, (init_val, jnp.int32(0)))
        _report_cap(steps >= cap)
        return value

    while_loop.__doc__ = original.__doc__
    jax.lax.while_loop = while_loop
    try:
        yield
    finally:
        jax.lax.while_loop = original
        if used:
            jax.clear_caches()


_ORIGINAL_WHILE = jax.lax.while_loop


def _never_returned(stopped: bool, deadline: float) -> Feedback:
    if stopped:
        tail = ("Look for a loop that never ends or runs far too many "
                "steps: a Python loop whose condition never turns false "
                "(a while loop whose variable is never updated), or a "
                "loop over a huge range.")
    else:
        tail = ("It is still running inside JAX, which no interrupt can "
                "stop: look for a loop that never ends, then restart the "
                "kernel (Kernel > Restart) to free the processor core it "
                "keeps busy.")
    return Feedback(Feedback.FAIL,
                    f"Your function did not return within {deadline:g} "
                    f"s, so the check stopped waiting. {tail}")


_CAP_HINT = (
    "A lax.while_loop in your function was still running after {cap} "
    "steps, where the checker stopped it: its condition never turned "
    "false. A function that never ends is wrong even when the value it held "
    "at that point was right. Make sure the condition becomes False, e.g. "
    "by also counting the steps and stopping at a limit.")


def checker(name: str, *, expects: str = "your function",
            clear_caches: bool = False):
    """Turn ``body(fn) -> str`` into a checker returning :class:`Feedback`.

    ``body`` raises :class:`CheckFailed` (see :func:`fail`) at the first
    problem and returns the success message otherwise. Something that is
    not callable gets a hint ("pass the function, not its result");
    ``expects`` names what should be passed. The body runs in a worker
    thread: after :func:`deadline_s` seconds without progress the
    checker answers with a hint and stops the worker if it is in Python
    code. ``clear_caches``
    drops JAX's caches first, so that a function jitted before the check
    is traced again, with its while loops capped.
    """
    def wrap(body: Callable[[Callable], str]):
        def check(fn: Callable) -> Feedback:
            if not callable(fn):
                return Feedback(
                    Feedback.FAIL,
                    f"This checker expects {expects} itself, but got "
                    f"{describe(fn)}: pass its name without calling it, "
                    f"as in check.{name}(my_function), not "
                    f"check.{name}(my_function(...)).")
            if clear_caches:
                jax.clear_caches()
            return _run_with_deadline(body, fn)
        check.__name__ = name
        check.__qualname__ = name
        check.__doc__ = body.__doc__
        check.body = body
        return check
    return wrap


# The function each running checker was given, by worker thread.
_student: dict[int, object] = {}


def student_function():
    """The function (or object) the checker running in this thread was
    given, None outside a checker: :func:`call` reads it to tell a stub
    from a function that forgot its ``return``."""
    return _student.get(threading.get_ident())


def _run_body(body, fn, box: dict) -> None:
    try:
        _student[threading.get_ident()] = fn
        try:
            with capped_while_loops():
                box["feedback"] = Feedback(Feedback.PASS, body(fn))
        except CheckFailed as stop:
            box["feedback"] = stop.feedback
        except Exception as err:  # a gap in the checker: a hint
            box["feedback"] = Feedback(
                Feedback.FAIL,
                f"The checker could not finish: {one_line(err)}. Check "
                f"what your function returns against the exercise "
                f"statement.")
        finally:
            _student.pop(threading.get_ident(), None)
    except _Stop:
        # The stop signal may land a second time (in the handlers or the
        # finally above) on a busy machine, before the first has ended
        # the thread; each lands here, and the thread ends quietly.
        box["stopped"] = True


_last_beat = [0.0]
_criteria: list[int] = []


def criterion() -> None:
    """Note that one criterion of the running check passed.

    The framework's verdicts (:func:`same_values`, :func:`jittable`,
    :func:`require_vectorized`) call it when they pass; a checker's own
    test may call it too. The checker reports the count in its
    :class:`Feedback` (``criteria_passed``; after a pass, also
    ``criteria_total``: the count plus one for the tests that count
    nothing), so that a grader can give partial credit.
    """
    _criteria.append(1)


def beat(*_, **__) -> None:
    """Note progress: the deadline counts from the last step begun."""
    _last_beat[0] = time.monotonic()


_listening: list[bool] = []


def _listen() -> None:
    """Count every trace and compilation JAX reports as progress too (a
    function run op by op on a busy machine compiles many small programs,
    one by one). Registered once, by the first checker call, so that
    importing the package changes nothing in JAX."""
    if not _listening:
        _listening.append(True)
        jax.monitoring.register_event_duration_secs_listener(beat)


@contextlib.contextmanager
def _quiet_stops():
    """Swallow a stop signal that lands in a callback (e.g. JAX's garbage
    collection hook), where Python can only print it; the next one stops
    the worker."""
    hook = sys.unraisablehook

    def quiet(unraisable):
        if not isinstance(unraisable.exc_value, _Stop):
            hook(unraisable)

    sys.unraisablehook = quiet
    try:
        yield
    finally:
        sys.unraisablehook = hook


def _run_with_deadline(body, fn) -> Feedback:
    deadline = deadline_s()
    allowed = deadline * busy_factor()
    _listen()
    box: dict = {}
    del _cap_hits[:]
    del _criteria[:]
    worker = threading.Thread(target=_run_body, args=(body, fn, box),
                              daemon=True, name="py4eng-checker")
    beat()
    start = _last_beat[0]
    worker.start()
    try:
        while worker.is_alive() and (
                time.monotonic() - _last_beat[0] < allowed):
            worker.join(0.05)
    except BaseException:   # an interrupt: stop the worker too
        _raise_in(worker)
        jax.lax.while_loop = _ORIGINAL_WHILE
        raise
    now = time.monotonic()
    timed_out = worker.is_alive()
    _last_wait[:] = [Wait(deadline, allowed, now - start,
                          now - _last_beat[0], timed_out)]
    if timed_out:
        with _quiet_stops():
            for _ in range(10):
                if not box.get("stopped"):
                    _raise_in(worker)
                worker.join(0.1)
                if not worker.is_alive():
                    break
        jax.lax.while_loop = _ORIGINAL_WHILE
        jax.clear_caches()
        return _never_returned(not worker.is_alive(), deadline)
    feedback = box.get("feedback")
    if feedback is None:
        return _never_returned(True, deadline)
    if _cap_hits:
        # A loop that ran into the cap never ends on its own: wrong even
        # when the value it held at the cap happened to be right; and no
        # criterion counts (partial credit is for answers that return).
        return Feedback(Feedback.FAIL, _CAP_HINT.format(cap=WHILE_CAP),
                        criteria_passed=0)
    feedback.criteria_passed = len(_criteria) + feedback.passed
    if feedback.passed:
        feedback.criteria_total = feedback.criteria_passed
    return feedback


