"""The shared checker machinery (py4eng_jax.check._framework): feedback, calls,
error hints, scalars, vectorization, deadlines and capped while loops."""


import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from py4eng_jax import check
from py4eng_jax.check import Feedback, _deadline
from py4eng_jax.check import _framework as C
from support import SHORT_DEADLINE_S, assert_stopped_in_time


def reason(fn, *args):
    """The hint explain() gives for the error fn(*args) raises."""
    with pytest.raises(Exception) as info:
        fn(*args)
    return C.explain(info.value)


def test_feedback_displays_its_status_and_message():
    """a Feedback shows a mark and its message in a notebook"""
    assert repr(Feedback("pass", "Correct.")) == "✅ Correct."
    assert repr(Feedback("fail", "Wrong.")) == "❌ Wrong."
    assert repr(Feedback("not attempted", "Later.")) == "📝 Later."


def test_feedback_rejects_an_unknown_status():
    """status must be one of pass, fail, not attempted"""
    with pytest.raises(ValueError, match="got 'ok'"):
        Feedback("ok", "?")


def test_feedback_starts_with_a_capital_and_ends_with_one_full_stop():
    """messages are sentences: a capital first, one full stop last"""
    assert Feedback("fail", "wrong shape..").message == "Wrong shape."
    assert Feedback("fail", "no stop").message == "No stop."


def test_feedback_wraps_at_72_columns():
    """a long message displays on several short lines"""
    lines = repr(Feedback("fail", "word " * 40)).splitlines()
    assert len(lines) > 2 and max(map(len, lines)) <= 72


def test_checkers_answer_a_result_passed_instead_of_the_function():
    """passing the result instead of the function gets a hint, no raise"""
    feedback = check.xor_accuracy(0.5)
    assert feedback.status == "fail"
    assert "expects your function itself" in feedback.message
    assert "check.xor_accuracy(my_function)" in feedback.message


def test_a_stub_is_not_attempted():
    """an empty body or NotImplementedError means 'not attempted yet'"""
    def stub(params, X, Y):
        ...

    def todo(params, X, Y):
        raise NotImplementedError

    def documented(params, X, Y):
        """Only a docstring so far."""
        pass

    def todo_with_words(params, X, Y):
        raise NotImplementedError("write the body")

    for fn in (stub, todo, documented, todo_with_words, jax.jit(stub),
               lambda params, X, Y: None):
        feedback = check.xor_accuracy(fn)
        assert feedback.status == "not attempted", feedback.message
        assert "Not attempted yet" in feedback.message


def huber_without_return(x):
    """Does the work, forgets to return it."""
    y = jnp.where(jnp.abs(x) <= 1, 0.5 * x**2, jnp.abs(x) - 0.5)
    y = y + 0.0


@pytest.mark.parametrize("fn", [huber_without_return,
                                jax.jit(huber_without_return)])
def test_a_function_that_forgets_return_is_asked_about_it(fn):
    """a body that does work and returns None is not 'not attempted'"""
    feedback = check.huber(fn)
    assert feedback.status == "fail"
    assert "did you forget `return`?" in feedback.message
    assert "Not attempted" not in feedback.message


def test_none_outside_a_checker_is_not_attempted():
    """call() used on its own (no checker running) keeps the old answer"""
    with pytest.raises(C.CheckFailed) as info:
        C.call(huber_without_return, jnp.ones(2))
    assert info.value.feedback.status == "not attempted"


def non_symmetric_eigenvalue_gradient(x):
    """JAX raises NotImplementedError for this derivative (on CPU)."""
    matrix = jnp.array([[1.0, 2.0], [0.5, 3.0]])
    return x * jax.grad(
        lambda s: jnp.linalg.eig(s * matrix)[1].real.sum())(1.0)


def test_a_notimplementederror_from_jax_is_explained():
    """only the stub's own NotImplementedError is 'not attempted'; one
    that JAX raises for what the student wrote is a failure, explained"""
    feedback = check.huber(non_symmetric_eigenvalue_gradient)
    assert feedback.status == "fail", feedback.message
    assert "NotImplementedError" in feedback.message
    assert "comes from JAX" in feedback.message


@pytest.mark.parametrize("filtering", ["auto", "off"])
def test_stub_error_tells_the_stub_from_jax(filtering):
    """with JAX's traceback filtering on or off"""
    def stub(x):
        raise NotImplementedError

    previous = jax.config.jax_traceback_filtering
    jax.config.update("jax_traceback_filtering", filtering)
    try:
        for fn, own in ((stub, True), (jax.jit(stub), True),
                        (non_symmetric_eigenvalue_gradient, False),
                        (jax.jit(non_symmetric_eigenvalue_gradient), False)):
            with pytest.raises(NotImplementedError) as info:
                fn(jnp.float32(1.0))
            assert C.stub_error(info.value) is own, fn
    finally:
        jax.config.update("jax_traceback_filtering", previous)
    assert not C.stub_error(ValueError("not a NotImplementedError"))


def test_a_while_loop_in_an_unjitted_shard_map_works_in_a_checker():
    """the checker's cap on while loops must not break a while_loop
    inside a shard_map run without jit (its report used to raise JAX's
    NotImplementedError there, which the student was blamed for)"""
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    mesh = jax.make_mesh((1,), ("x",))

    def doubled_three_times(x):
        def block(b):
            return lax.while_loop(lambda s: s[0] < 3,
                                  lambda s: (s[0] + 1, 2 * s[1]), (0, b))[1]
        return jax.shard_map(block, mesh=mesh, in_specs=P("x"),
                             out_specs=P("x"))(x)

    @C.checker("doubled")
    def doubled(fn):
        x = jax.device_put(jnp.ones(4), NamedSharding(mesh, P("x")))
        C.same_values(C.call(fn, x), np.full(4, 8.0), what="the blocks",
                      shown="x = jnp.ones(4)")
        return "Correct."

    feedback = doubled(doubled_three_times)
    assert feedback.passed, feedback.message


@pytest.mark.parametrize("value,words", [
    (jnp.ones(3), "a jax.Array of shape (3,)"), (3, "an int"),
    (2.5, "a float"), (np.zeros((2, 2)), "a NumPy array of shape (2, 2)"),
    (np.float32(1), "a NumPy float32 scalar"), ({}, "a dict"),
    ([1, 2], "a list of 2"), (None, "None"), ("x", "a string"),
    (object(), "an object"),
])
def test_describe_names_types_readably(value, words):
    """no 'a ArrayImpl': readable type names with the right article"""
    assert C.describe(value) == words


def test_a_result_passed_instead_of_the_function_reads_well():
    """the hint for an array passed in names it as a jax.Array"""
    message = check.huber(jnp.ones(3)).message
    assert "got a jax.Array of shape (3,)" in message
    assert "ArrayImpl" not in message


@pytest.mark.parametrize("text,start", [
    ("p = 0.2 is too small", "`p` = 0.2 is too small"),
    ("p should be one number", "`p` should be one number"),
    ("jnp.where needs three arguments", "`jnp.where` needs"),
    ("u[:, -1] is the edge", "`u[:, -1]` is the edge"),
    ("max_iter is missing", "`max_iter` is missing"),
    ("the loss is wrong", "The loss is wrong"),
    ("a list is not an array", "A list is not an array"),
    ("e.g. this", "E.g. this"),
    ("`p` is fine", "`p` is fine"),
])
def test_a_name_from_code_is_not_capitalised(text, start):
    """'p = ...' stays p (set as code), never 'P = ...'"""
    assert Feedback("fail", text).message.startswith(start)


def test_require_scalar_keeps_a_name_from_code():
    """what='p' starts the hint as `p`, not P"""
    with pytest.raises(C.CheckFailed) as info:
        C.require_scalar(jnp.ones(3), "p")
    assert info.value.feedback.message.startswith("`p` should be one")


def wrong_values(got, expected, **tolerances):
    with pytest.raises(C.CheckFailed) as info:
        C.same_values(got, expected, what="the rows", shown="x",
                      **tolerances)
    return info.value.feedback.message


def test_same_values_summarises_a_large_array():
    """a wrong 32-row array is summarised, not printed whole"""
    expected = np.arange(128.0).reshape(32, 4) / 7
    got = expected.copy()
    got[20, 3] += 0.5
    got[5, 1] -= 0.01
    message = wrong_values(got, expected)
    assert len(message) < 400, message
    assert "2 of the 128 entries (shape (32, 4)) differ" in message
    assert "the largest difference, 0.5, is at [20, 3]" in message
    assert "The first entries" in message


def test_same_values_prints_a_small_array_whole():
    """a few numbers are shown in full, with digits enough to differ"""
    message = wrong_values(np.array([1.0, 2.00004]), np.array([1.0, 2.0]))
    assert "expected [1. 2.], got [1. 2.00004]" in message


def test_same_values_says_when_the_dtype_is_to_blame():
    """expected and got that look the same: the dtype is named"""
    expected = np.array([0.5, 1.5, 2.5])
    message = wrong_values(expected.astype(np.int32), expected)
    assert "expected float64, got int32" in message
    message = wrong_values(np.array([3, 1, 2]), expected)  # not the dtype
    assert "dtype" not in message
    third = np.arange(1.0, 9.0) / 3
    message = wrong_values(third.astype(np.float32), third, rtol=1e-10,
                           atol=0.0)
    assert "expected float64, got float32" in message
    assert "tolerance" in message


def test_fmt_cuts_a_long_list():
    """fmt shows a few numbers of a long array and says how many"""
    text = C.fmt(np.arange(1000.0))
    assert text == "[0, 1, 2, 3, ..., 999] (1000 numbers)"


def test_a_gap_in_a_checker_becomes_a_hint():
    """an unexpected error inside a checker is a hint, not a traceback"""
    @C.checker("broken")
    def broken(fn):
        return {}["missing"]

    feedback = broken(lambda: 1)
    assert feedback.status == "fail"
    assert "checker could not finish" in feedback.message


@pytest.mark.parametrize("value", [2.5, np.float32(2.5), jnp.float32(2.5),
                                   np.array(2.5), jnp.array(2.5)])
def test_require_scalar_accepts_every_kind_of_number(value):
    """Python and NumPy scalars and 0-d arrays are one number"""
    assert float(C.require_scalar(value, "the time")) == 2.5


def test_require_scalar_hints_at_many_numbers():
    """an array of several numbers gets the shape and the extra hint"""
    with pytest.raises(C.CheckFailed) as info:
        C.require_scalar(jnp.ones(4), "the mean", many="take the mean")
    assert "shape (4,)" in info.value.feedback.message
    assert "take the mean" in info.value.feedback.message


def test_require_scalar_hints_at_extra_axes():
    """one number in a (1, 1) array is about keepdims, not a missing mean"""
    with pytest.raises(C.CheckFailed) as info:
        C.require_scalar(jnp.ones((1, 1)), "the mean", many="take the mean")
    message = info.value.feedback.message
    assert "keepdims" in message and "take the mean" not in message


def test_require_scalar_hints_at_a_list():
    """a list is not an array"""
    with pytest.raises(C.CheckFailed) as info:
        C.require_scalar([1.0], "the mean")
    assert "returned a list of 1" in info.value.feedback.message


def test_explain_numpy_inside_jit_and_vmap():
    """np.* on a tracer, under jit or vmap: use jnp"""
    for transform in (jax.jit, jax.vmap):
        hint = reason(transform(lambda x: np.sin(x)), jnp.ones(3))
        assert "NumPy" in hint and "jnp" in hint


def test_explain_python_if_does_not_advise_static():
    """a Python if on a traced value: jnp.where, never 'mark static'"""
    hint = reason(jax.jit(lambda x: x if x.sum() > 0 else -x), jnp.ones(3))
    assert "jnp.where" in hint and "static" not in hint


def test_explain_a_traced_loop_bound():
    """range(n) of a traced n: lax.fori_loop"""
    hint = reason(jax.jit(lambda n: sum(range(n))), 3)
    assert "range(n)" in hint and "lax.fori_loop" in hint


def test_explain_a_traced_shape():
    """a shape or a slice from a traced value: keep the shape fixed"""
    for fn in (lambda n: jnp.zeros(n), lambda n: jnp.ones(4)[:n]):
        assert "shape" in reason(jax.jit(fn), 3)


def test_explain_a_python_if_in_a_loop_body():
    """inside a lax loop body the index is traced"""
    hint = reason(lambda: lax.fori_loop(
        0, 3, lambda i, c: c + 1 if i > 0 else c, 0.0))
    assert "body of a lax loop" in hint


def test_explain_non_hashable_static_arguments():
    """an array marked static: mark only numbers, strings, tuples"""
    hint = reason(jax.jit(lambda x: x, static_argnums=0), jnp.ones(3))
    assert "hashed" in hint and "ordinary arguments" in hint


def test_explain_vmap_axis_errors():
    """vmap's rank, size and in_axes errors get their own hints"""
    x = jnp.ones(4)
    assert "None in in_axes" in reason(
        jax.vmap(lambda a, b: a + b, in_axes=(0, 0)), x, 1.0)
    assert "(4 and 3)" in reason(jax.vmap(lambda a, b: a + b), x,
                                 jnp.ones(3))
    assert "one entry per positional argument" in reason(
        jax.vmap(lambda a, b, c: a, in_axes=(0, None)), x, x, x)


def test_explain_one_if_for_many_elements():
    """lax.cond on an array: choose element by element"""
    hint = reason(lambda x: lax.cond(x > 0, lambda: x, lambda: -x),
                  jnp.arange(3.0))
    assert "element by element" in hint


def test_explain_derivative_errors():
    """grad of a vector, jvp without tuples, a mismatched tangent"""
    f = lambda x: jnp.sum(x**2)   # noqa: E731
    x = jnp.ones(3)
    assert "jax.jacfwd" in reason(jax.grad(lambda x: 2 * x), x)
    assert "jax.jvp(f, (x,), (v,))" in reason(
        lambda: jax.jvp(jax.grad(f), x, x))
    assert "shape and dtype" in reason(
        lambda: jax.jvp(f, (x,), (jnp.ones(2),)))
    assert "shape and dtype" in reason(
        lambda: jax.vjp(jax.grad(f), x)[1](jnp.ones(2)))


def test_explain_passes_other_errors_through():
    """an unknown error is named with its first line"""
    hint = C.explain(ValueError("X must have shape (any, 2)\nmore"))
    assert hint == "Your function raised ValueError: X must have shape " \
                   "(any, 2)"


def test_jittable_adds_its_hint_only_to_traced_value_errors():
    """the exercise hint follows a Python if, not a NumPy call"""
    with pytest.raises(C.CheckFailed) as info:
        C.jittable(lambda x: np.sin(x), jnp.ones(2), hint="Use lax.scan.")
    assert "lax.scan" not in info.value.feedback.message
    with pytest.raises(C.CheckFailed) as info:
        C.jittable(lambda x: x if x[0] > 0 else x, jnp.ones(2),
                   hint="Use lax.scan.")
    assert "lax.scan" in info.value.feedback.message


BATCHES = ((jnp.ones((2, 3)),), (jnp.ones((4, 3)),))


def row_sum(row):
    return jnp.sum(row * row)


@pytest.mark.parametrize("fn", [
    jax.vmap(row_sum), lambda X: jnp.sum(X * X, axis=1)])
def test_vmap_and_broadcasting_are_vectorized(fn):
    """vmap and broadcasting do not loop over the batch"""
    assert C.loops_over_batch(fn, *BATCHES) is None


@pytest.mark.parametrize("fn,words", [
    (lambda X: jnp.stack([row_sum(r) for r in X]), "Python"),
    (lambda X: lax.map(row_sum, X), "lax.map"),
    (lambda X: lax.scan(lambda c, r: (c, row_sum(r)), 0.0, X)[1],
     "lax.scan"),
    (lambda X: lax.fori_loop(0, X.shape[0], lambda i, o: o.at[i].set(
        row_sum(X[i])), jnp.zeros(X.shape[0])), "lax.fori_loop"),
    (lambda X: lax.map(row_sum, X, batch_size=2), "lax.map"),
    (lambda X: lax.while_loop(lambda s: s[0] < X.shape[0], lambda s: (
        s[0] + 1, s[1].at[s[0]].set(row_sum(X[s[0]]))),
        (0, jnp.zeros(X.shape[0])))[1], "while_loop"),
])
def test_loops_are_not_vectorized(fn, words):
    """a Python loop, lax.map, scan, fori_loop and while_loop all loop"""
    how = C.loops_over_batch(fn, *BATCHES)
    assert how is not None and words in how


def test_program_size_counts_nested_operations():
    """operations inside a nested jax.jit are counted too"""
    inner = jax.jit(lambda x: (2 * x).sum())
    assert C.program_size(lambda x: inner(x), jnp.ones(3)) == 3


def test_largest_array_finds_a_matrix_in_a_nested_program():
    """an n x n intermediate inside a nested jit counts; inputs do not"""
    inner = jax.jit(lambda x: jnp.outer(x, x).sum(axis=0))
    assert C.largest_array(lambda x: inner(x) + 1, jnp.ones(5)) == 25
    assert C.largest_array(lambda x: x * 2, jnp.ones((4, 4))) == 16
    assert C.largest_array(lambda x: x.sum(), jnp.ones((4, 4))) == 1


def _python_forever(x):
    """an answer to check.huber whose Python loop never ends"""
    while True:
        pass


def test_a_python_loop_that_never_ends_gets_a_hint(monkeypatch):
    """an endless Python loop is stopped, and the kernel lives on"""
    monkeypatch.setenv(C.DEADLINE_ENV, str(SHORT_DEADLINE_S))
    feedback = check.huber(_python_forever)
    wait = C.last_wait()
    assert wait.deadline_s == SHORT_DEADLINE_S
    assert_stopped_in_time(wait)
    assert feedback.status == "fail"
    assert f"did not return within {SHORT_DEADLINE_S:g} s" in \
        feedback.message
    assert "Python loop" in feedback.message
    assert "far too many steps" in feedback.message    # a lax loop too


def test_a_while_loop_that_never_ends_is_capped():
    """lax.while_loop stops at the cap inside a checker; the hint says so"""
    def endless(x):
        return lax.while_loop(lambda s: s > -1.0, lambda s: s + 1.0, x)

    feedback = check.huber(endless)
    assert "still running after 10000 steps" in feedback.message
    assert jax.lax.while_loop is _deadline._ORIGINAL_WHILE


def test_capped_while_loops_leave_other_loops_alone():
    """a loop that ends by itself gives the same result, capped or not"""
    def count(n):
        return lax.while_loop(lambda s: s < n, lambda s: s + 1, 0)

    with C.capped_while_loops(cap=100):
        assert int(jax.jit(count)(7)) == 7
        assert int(jax.jit(count)(500)) == 100
    assert int(jax.jit(count)(500)) == 500


def test_importing_the_package_registers_no_jax_listener():
    """the monitoring listener comes with the first checker call, not
    with ``import py4eng_jax`` in every chapter kernel"""
    code = ("import jax, py4eng_jax\n"
            "from py4eng_jax import check\n"
            "from py4eng_jax.check import _deadline\n"
            "assert not _deadline._listening\n"
            "check.huber(lambda x: None)\n"
            "assert _deadline._listening\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_deadline_setting_is_refused(value, monkeypatch):
    """the deadline variable must be a positive number of seconds"""
    monkeypatch.setenv(C.DEADLINE_ENV, value)
    with pytest.raises(ValueError, match="PY4ENG_CHECK_DEADLINE_S"):
        C.deadline_s()


def test_the_deadline_comes_from_one_variable(monkeypatch):
    """unset: 8 s; set: its value, read at each call"""
    monkeypatch.delenv(C.DEADLINE_ENV, raising=False)
    assert C.deadline_s() == C.DEFAULT_DEADLINE_S == 8.0
    monkeypatch.setenv(C.DEADLINE_ENV, "2.5")
    assert C.deadline_s() == 2.5


@pytest.mark.parametrize("load, cores, factor", [
    (0.3, 2, 1.0),      # a core to spare: the deadline as set
    (4.0, 2, 2.0),      # two processes per core: twice as long
    (40.0, 2, 8.0),     # at most MAX_BUSY_FACTOR
    (None, 2, 1.0),     # no load average (Windows): as set
])
def test_a_busy_machine_stretches_the_wait(load, cores, factor,
                                           monkeypatch):
    """busy_factor is the load per usable core, from 1 to 8"""
    if load is None:
        def no_load():
            raise OSError("no load average here")
        monkeypatch.setattr(_deadline.os, "getloadavg", no_load)
    else:
        monkeypatch.setattr(_deadline.os, "getloadavg",
                            lambda: (load, load, load))
    monkeypatch.setattr(_deadline.os, "sched_getaffinity",
                        lambda pid: set(range(cores)))
    assert _deadline.busy_factor() == factor
    assert _deadline.MAX_BUSY_FACTOR == 8.0


def test_a_checker_waits_the_stretched_deadline(monkeypatch):
    """on a machine loaded 1.5 times over, a function that never returns
    is waited for 1.5 deadlines, and the hint still names the deadline
    that was set"""
    monkeypatch.setenv(C.DEADLINE_ENV, str(SHORT_DEADLINE_S))
    monkeypatch.setattr(_deadline, "busy_factor", lambda: 1.5)
    feedback = check.huber(_python_forever)
    wait = C.last_wait()
    assert wait.deadline_s == SHORT_DEADLINE_S
    assert wait.allowed_s == 1.5 * SHORT_DEADLINE_S
    assert wait.timed_out and wait.idle_s >= wait.allowed_s, wait
    assert f"did not return within {SHORT_DEADLINE_S:g} s" in \
        feedback.message
