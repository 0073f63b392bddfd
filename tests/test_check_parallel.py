"""Checkers of the parallel chapter: parallel-ex1 (``standardize_batch``,
Core) and parallel-ex2 (``tensor_parallel_step``, Stretch).

Their catalogue runs on four simulated devices, in one subprocess (the
attempts: tests/attempts_parallel.py). Here, where JAX sees one device and
the checkers use a mesh of that one device, the tests below check what
still holds: the placement (the PartitionSpec) and the collectives.
"""

import jax
import jax.numpy as jnp
from jax.sharding import PartitionSpec as P

import attempts_parallel as A
from py4eng_jax import check, gd_step
from support import assert_hint, catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"
SHARD_MAP = "not computed with jax.shard_map"

CATALOGUE = {
    "parallel-ex1": ("standardize_batch", {
        "OK_pmean_mean_and_var": (PASS, "with the statistics of the whole "
                                  "batch"),
        "OK_sums_and_counts": (PASS, "with the statistics of the whole "
                               "batch"),
        "OK_second_moment": (PASS,),
        "OK_gather_all": (PASS,),
        "OK_with_set_mesh": (PASS,),
        "BAD_stub": (TODO, "Not attempted yet"),
        "BAD_local_stats": (FAIL, "Each device used only its own rows",
                            "x = jnp.arange(48.0).reshape(16, 3) ** 1.5"),
        "BAD_psum_not_mean": (FAIL, "a sum of means is not the mean"),
        "BAD_mean_of_stds": (
            FAIL, "not the mean of the devices' standard deviations"),
        "BAD_deviations_from_own_mean": (
            FAIL, "deviations from the global mean, not from its own"),
        "BAD_ddof_one": (FAIL, "You divided by N - 1"),
        "BAD_per_row": (FAIL, "Your statistics are per row (axis=1)"),
        "BAD_only_centered": (FAIL, "centered but not scaled"),
        "BAD_numpy_inside": (FAIL, "converts a traced block to NumPy"),
        "BAD_replicated_out_specs": (FAIL, "use out_specs=P('batch')"),
        "BAD_wrong_axis_name": (FAIL, "the mesh's axis is 'batch'"),
        "BAD_no_shard_map": (FAIL, SHARD_MAP),
        "BAD_loop_over_shards": (FAIL, SHARD_MAP),
        "BAD_stats_outside_shard_map": (FAIL, "computed outside the "
                                        "shard_map", "per-device view"),
        "BAD_gathered_result": (FAIL, "it should stay split by rows"),
        "BAD_the_statistics": (FAIL, "return one array"),
        "BAD_as_numpy": (FAIL, "not a JAX array on the mesh"),
        "BAD_never_returns": (FAIL, "did not return within", "Python loop"),
        "BAD_four_rows_per_device": (FAIL, "fixed number of rows",
                                     "each device holds 3"),
        "BAD_forgot_return_standardize": (FAIL, "forget `return`"),
        "BAD_while_loop_in_shard_map": (FAIL, "lax.while_loop",
                                        "never turned false"),
    }),
    "parallel-ex2": ("tensor_parallel_step", {
        "OK_explicit_out_sharding": (PASS, "hidden units over 'model'"),
        "OK_auto_mesh": (PASS,),
        "OK_shard_map_psum": (PASS,),
        "BAD_stub_tensor": (TODO, "Not attempted yet"),
        "BAD_gd_step_explicit": (FAIL, "sums over the hidden units",
                                 "out_sharding"),
        "BAD_no_set_mesh": (FAIL, "outside a mesh", "jax.set_mesh"),
        "BAD_replicated_params": (FAIL, "laid out as P(None, None)",
                                  "P(None, 'model')"),
        "BAD_rows_not_split": (FAIL, "X is not split by rows over 'data'"),
        "BAD_split_at_the_end": (FAIL, "splits the result only at the end"),
        "BAD_own_mesh": (FAIL, "the mesh argument",
                         "hard-codes the number of devices"),
        "BAD_psum_of_losses": (FAIL, "moved 2 times as far",
                               "summed over the devices"),
        "BAD_lr_half": (FAIL, "moved 0.5 times as far",
                        "learning rate other than 1.0"),
        "BAD_returns_loss_tensor": (FAIL, "tuple (w1, b1, w2, b2)"),
        "BAD_forgot_return_tensor": (FAIL, "forget `return`"),
        "BAD_while_loop_forever_tensor": (FAIL, "lax.while_loop",
                                          "never turned false"),
    }),
}

(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(
    CATALOGUE, A, devices=4)

# tensor_parallel_step with one device: a 1 x 1 mesh


def test_tensor_parallel_step_passes_on_one_device():
    """a correct solution passes with a single device too"""
    assert check.tensor_parallel_step(A.OK_explicit_out_sharding).passed


def test_tensor_parallel_step_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def stub(params, X, Y, mesh):
        ...

    assert check.tensor_parallel_step(stub).status == "not attempted"


def test_tensor_parallel_step_hints_at_one_device():
    """a plain gd_step on unplaced inputs is not on the mesh"""
    feedback = check.tensor_parallel_step(
        lambda params, X, Y, mesh: gd_step(params, X, Y, 1.0))
    assert feedback.status == "fail"
    assert "not on the mesh" in feedback.message


def test_tensor_parallel_step_hints_at_wrong_values():
    """returning the old parameters gets 'wrong values' for w1"""
    def no_step(params, X, Y, mesh):
        return A.place(params, X, Y, mesh)[0]

    feedback = check.tensor_parallel_step(no_step)
    assert "Wrong values for the new w1" in feedback.message
    assert "noisy_xor(jax.random.key(0)" in feedback.message


def test_tensor_parallel_step_hints_at_the_return_type():
    """returning a dict instead of the tuple gets the structure hint"""
    def as_dict(params, X, Y, mesh):
        return dict(zip("abcd", A.OK_explicit_out_sharding(params, X, Y,
                                                           mesh)))

    assert "tuple (w1, b1, w2, b2)" in check.tensor_parallel_step(
        as_dict).message


def test_standardize_batch_messages_summarise():
    """a wrong batch is summarised (counts, the largest gap), not printed"""
    def plus_one(x, mesh):
        return A.OK_pmean_mean_and_var(x, mesh) + jnp.where(
            jnp.arange(x.shape[0])[:, None] == 2, 1.0, 0.0)

    feedback = check.standardize_batch(plus_one)
    assert_hint(feedback, "3 of", "entries differ", "in 1 of",
                "largest difference is at row 2")
    assert len(feedback.message) < 400, feedback.message


# standardize_batch with one device: what the checker can still tell.


def test_standardize_batch_passes_on_one_device():
    """a correct solution passes with a single device too"""
    assert check.standardize_batch(A.OK_pmean_mean_and_var).passed


def test_local_statistics_caught_on_one_device():
    """with one device the values agree, but a missing collective is seen"""
    def local(x, mesh):
        return jax.shard_map(lambda b: (b - b.mean(0)) / b.std(0),
                             mesh=mesh, in_specs=P("batch"),
                             out_specs=P("batch"))(x)

    feedback = check.standardize_batch(local)
    assert feedback.status == "fail"
    assert "has no collective" in feedback.message


def test_a_crash_becomes_a_hint():
    """an unrelated error is explained with its own first line"""
    def broken(x, mesh):
        return jnp.ones(3) @ jnp.ones(4)

    feedback = check.standardize_batch(broken)
    assert feedback.status == "fail"
    assert_hint(feedback, "Your function raised TypeError",
                "contracting dimensions")


def test_the_checker_refuses_a_non_function():
    """passing the result instead of the function gets a hint"""
    feedback = check.standardize_batch(jnp.ones(3))
    assert feedback.status == "fail"
    assert_hint(feedback, "without calling it",
                "check.standardize_batch(my_function)")

