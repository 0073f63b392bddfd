"""Training the XOR network (py4eng_jax._training): train, train_with and
the fused train_fused, which all follow one stopping rule."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from py4eng_jax import (
    FusedResult,
    adam,
    all_correct,
    gd_step,
    init_params,
    momentum,
    sgd,
    train,
    train_fused,
    train_fused_core,
    train_with,
    xor_data,
)

jitted_step = jax.jit(gd_step)


def test_train_fused_stops_where_train_stops(xor):
    """same step count and same final loss as the per-step Python loop"""
    X, Y, params = xor
    loop = train(params, X, Y, step=jitted_step, verbose=False)
    fused = train_fused(params, X, Y)
    assert int(fused.steps) == loop.steps
    np.testing.assert_allclose(float(fused.loss), loop.losses[-1],
                               rtol=1e-6)


def test_train_fused_records_the_same_checks(xor):
    """the recorded checkpoints and losses equal train's"""
    X, Y, params = xor
    loop = train(params, X, Y, step=jitted_step, verbose=False)
    checkpoints, losses = train_fused(params, X, Y).history()
    np.testing.assert_array_equal(checkpoints, loop.checkpoints)
    np.testing.assert_allclose(losses, loop.losses, rtol=1e-6)


def test_train_fused_final_params_match_train(xor):
    """the final parameters equal those of the Python loop"""
    X, Y, params = xor
    loop = train(params, X, Y, step=jitted_step, verbose=False)
    fused = train_fused(params, X, Y)
    for a, b in zip(fused.params, loop.params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_train_fused_converges(xor):
    """it stops at a check (a multiple of every) with all predictions right"""
    X, Y, params = xor
    fused = train_fused(params, X, Y)
    assert bool(fused.converged)
    assert bool(all_correct(fused.params, X, Y))
    assert int(fused.steps) % 10 == 0


@pytest.mark.parametrize("seed", [0, 2, 6])
def test_train_fused_matches_train_for_other_starts(seed):
    """other initial parameters also stop at train's step"""
    X, Y = xor_data()
    params = init_params(jax.random.key(seed))
    loop = train(params, X, Y, step=jitted_step, verbose=False)
    fused = train_fused(params, X, Y)
    assert int(fused.steps) == loop.steps


@pytest.mark.parametrize("options", [
    {"every": 7}, {"lr": 0.5}, {"every": 3, "max_steps": 100}])
def test_train_fused_matches_train_for_other_options(xor, options):
    """every, lr and max_steps mean what they mean in train"""
    X, Y, params = xor
    loop = train(params, X, Y, step=jitted_step, verbose=False, **options)
    fused = train_fused(params, X, Y, **options)
    checkpoints, losses = fused.history()
    assert int(fused.steps) == loop.steps
    np.testing.assert_array_equal(checkpoints, loop.checkpoints)
    np.testing.assert_allclose(losses, loop.losses, rtol=1e-6)


def test_train_fused_checks_at_max_steps(xor):
    """when max_steps is not a multiple of every, it is checked last"""
    X, Y, params = xor
    fused = train_fused(params, X, Y, max_steps=25)
    assert fused.history()[0].tolist() == [0, 10, 20, 25]
    assert int(fused.steps) == 25 and not bool(fused.converged)


def test_train_fused_with_no_steps_only_checks_the_start(xor):
    """max_steps=0 records the initial loss and takes no step"""
    X, Y, params = xor
    fused = train_fused(params, X, Y, max_steps=0)
    assert int(fused.steps) == 0
    for a, b in zip(fused.params, params):
        np.testing.assert_array_equal(a, b)
    assert fused.history()[0].tolist() == [0]


def test_train_fused_buffers_have_one_slot_per_possible_check(xor):
    """the buffers hold max_steps // every + 1 checks, unused ones padded"""
    X, Y, params = xor
    fused = train_fused(params, X, Y, every=10, max_steps=1000)
    assert fused.checkpoints.shape == fused.losses.shape == (101,)
    used = int(fused.steps) // 10 + 1
    assert (np.asarray(fused.checkpoints[used:]) == -1).all()
    assert np.isnan(np.asarray(fused.losses[used:])).all()


def test_train_fused_returns_jax_arrays(xor):
    """every result stays a JAX array (no copy to the host)"""
    X, Y, params = xor
    fused = train_fused(params, X, Y)
    assert isinstance(fused, FusedResult)
    assert all(isinstance(leaf, jax.Array) for leaf in jax.tree.leaves(fused))
    assert fused.steps.dtype == jnp.int32 and fused.converged.dtype == bool


def test_train_fused_keeps_the_container_type(xor):
    """a list of parameters comes back as a list"""
    X, Y, params = xor
    assert isinstance(train_fused(list(params), X, Y).params, list)


def test_train_fused_does_not_recompile_for_a_new_lr(xor):
    """lr is traced: a new learning rate reuses the compiled loop"""
    X, Y, params = xor
    train_fused(params, X, Y, lr=1.0)
    before = train_fused_core._cache_size()
    train_fused(params, X, Y, lr=0.25)
    assert train_fused_core._cache_size() == before


# Bad input: checked before anything is compiled, named in the error.

@pytest.mark.parametrize("kwargs, error, match", [
    ({"lr": -0.5}, ValueError, "lr must be a positive number, got -0.5"),
    ({"lr": "1"}, TypeError, "lr must be a positive number"),
    ({"every": 0}, ValueError, "every must be a positive integer, got 0"),
    ({"every": 2.5}, TypeError, "every must be a positive integer"),
    ({"max_steps": -1}, ValueError,
     "max_steps must be a non-negative integer"),
    ({"max_steps": 1e4}, TypeError,
     "max_steps must be a non-negative integer"),
])
def test_train_fused_rejects_bad_options(xor, kwargs, error, match):
    """lr, every and max_steps are checked and named in the error"""
    X, Y, params = xor
    with pytest.raises(error, match=match):
        train_fused(params, X, Y, **kwargs)


def test_train_fused_rejects_bad_params(xor):
    """params are checked like train's: four arrays of the right shapes"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"b1 must have shape \(3,\)"):
        train_fused((params[0], jnp.ones(4), params[2], params[3]), X, Y)


def test_train_fused_rejects_bad_X(xor):
    """X must be an (n, 2) array"""
    _, Y, params = xor
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\)"):
        train_fused(params, jnp.ones((4, 3)), Y)


def test_train_fused_rejects_targets_of_the_wrong_length(xor):
    """Y must have one target per row of X"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"Y must have shape \(4,\)"):
        train_fused(params, X, Y[:3])


def test_train_with_sgd_matches_train(xor):
    """train_with(sgd(lr)) takes train(lr)'s steps, with the same losses"""
    X, Y, params = xor
    ours = train_with(sgd(1.0), params, X, Y, verbose=False)
    theirs = train(params, X, Y, lr=1.0, step=jax.jit(gd_step),
                   verbose=False)
    assert ours.steps == theirs.steps
    np.testing.assert_array_equal(ours.checkpoints, theirs.checkpoints)
    np.testing.assert_allclose(ours.losses, theirs.losses, rtol=1e-5)


@pytest.mark.parametrize("opt", [momentum(1.0), adam(0.1)],
                         ids=["momentum", "adam"])
def test_train_with_stops_at_the_first_all_correct_check(xor, opt):
    """training stops at the first check (every 10 steps) with all right"""
    X, Y, params = xor
    result = train_with(opt, params, X, Y, verbose=False)
    assert result.converged and result.steps % 10 == 0
    before = train_with(opt, params, X, Y, max_steps=result.steps - 10,
                        verbose=False)
    assert not before.converged


def test_train_with_gives_up_at_max_steps(xor):
    """with too few steps, training stops at max_steps, not converged"""
    X, Y, params = xor
    result = train_with(sgd(0.01), params, X, Y, max_steps=25,
                        verbose=False)
    assert (result.steps, result.converged) == (25, False)
    assert result.checkpoints.tolist() == [0, 10, 20, 25]


def test_train_with_prints_every_check(xor, capsys):
    """verbose training prints 'step: loss' with 5 decimals at each check"""
    X, Y, params = xor
    result = train_with(adam(0.1), params, X, Y, max_steps=20)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{s}: {v:.5f}" for s, v in
                     zip(result.checkpoints, result.losses)]


def test_train_with_rejects_an_optimizer_factory(xor):
    """passing adam instead of adam(lr) is a TypeError that says so"""
    X, Y, params = xor
    with pytest.raises(TypeError, match="optimizer must be an Optimizer "
                                        r".* got function"):
        train_with(adam, params, X, Y, verbose=False)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"every": 0}, ValueError, "every must be a positive integer, got 0"),
    ({"max_steps": -1}, ValueError,
     "max_steps must be a non-negative integer"),
])
def test_train_with_rejects_bad_options(xor, kwargs, error, match):
    """train_with's options are checked and named"""
    X, Y, params = xor
    with pytest.raises(error, match=match):
        train_with(sgd(1.0), params, X, Y, verbose=False, **kwargs)


def test_train_with_rejects_a_dict_of_params(xor):
    """the XOR network needs (w1, b1, w2, b2), as py4eng_jax.loss does"""
    X, Y, params = xor
    with pytest.raises(TypeError, match="params must be a tuple"):
        train_with(sgd(1.0), dict(zip("abcd", params)), X, Y,
                   verbose=False)


def test_train_with_rejects_bad_targets(xor):
    """Y must have one target per row of X"""
    X, Y, params = xor
    with pytest.raises(ValueError, match=r"Y must have shape \(4,\)"):
        train_with(sgd(1.0), params, X, Y[:3], verbose=False)


@pytest.fixture(scope="module")
def eager_run():
    """The book's eager training (key 9, lr 1), run once for the module:
    each eager step dispatches dozens of small operations."""
    X, Y = xor_data()
    subkey, _ = jax.random.split(jax.random.key(9))
    params = init_params(subkey)
    return X, Y, params, train(params, X, Y, verbose=False)


def test_train_reaches_all_correct_and_stops(eager_run, capsys):
    """train stops at the first check with all four predictions right"""
    X, Y, params, result = eager_run
    assert result.converged and bool(all_correct(result.params, X, Y))
    assert result.steps % 10 == 0
    assert capsys.readouterr().out == ""
    # One check earlier, the predictions were not all right yet (a jitted
    # step takes the same steps: test_train_matches_a_jitted_step).
    before = train(params, X, Y, step=jitted_step,
                   max_steps=result.steps - 10, verbose=False)
    assert not before.converged


def test_train_prints_every_check(xor, capsys):
    """verbose train prints 'step: loss' with 5 decimals at every check"""
    X, Y, params = xor
    result = train(params, X, Y, max_steps=30)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{s}: {v:.5f}" for s, v in
                     zip(result.checkpoints, result.losses)]
    assert result.checkpoints.tolist() == [0, 10, 20, 30]


def test_train_losses_decrease_overall(eager_run):
    """the recorded loss falls from the first check to the last"""
    result = eager_run[-1]
    assert result.losses[-1] < result.losses[0]


def test_train_matches_a_jitted_step(eager_run):
    """train with a jitted step takes the same number of steps"""
    X, Y, params, eager = eager_run
    jitted = train(params, X, Y, step=jitted_step, verbose=False)
    assert jitted.steps == eager.steps
    np.testing.assert_allclose(jitted.losses, eager.losses, rtol=1e-5)


def test_train_rejects_a_bad_learning_rate(xor):
    """train checks lr before doing any work"""
    X, Y, params = xor
    with pytest.raises(ValueError,
                       match="lr must be a positive number, got -0.5"):
        train(params, X, Y, lr=-0.5, verbose=False)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"every": 0}, ValueError, "every must be a positive integer, got 0"),
    ({"every": 2.5}, TypeError, "every must be a positive integer"),
    ({"max_steps": -1}, ValueError,
     "max_steps must be a non-negative integer"),
    ({"step": "gd"}, TypeError, "step must be callable, got str"),
])
def test_train_rejects_bad_options(xor, kwargs, error, match):
    """train's options are checked and named in the error"""
    X, Y, params = xor
    with pytest.raises(error, match=match):
        train(params, X, Y, verbose=False, **kwargs)
