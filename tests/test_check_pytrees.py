"""Checkers of the pytrees chapter: solutions pass, mistakes get hints."""

import jax
import jax.numpy as jnp

from py4eng_jax import check


# The chapter's solutions.

def global_norm(tree):
    return jnp.sqrt(sum(jnp.sum(x ** 2) for x in jax.tree.leaves(tree)))


def clip_by_global_norm(tree, max_norm):
    scale = jnp.minimum(1.0, max_norm / global_norm(tree))
    return jax.tree.map(lambda x: x * scale, tree)


def make_dense():
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(
        Dense,
        lambda d: ((d.w, d.b), d.activation),
        lambda activation, children: Dense(*children, activation))
    return Dense


# global_norm (pytrees-ex1)

def test_global_norm_passes_the_solution():
    """the chapter's solution passes"""
    assert check.global_norm(global_norm).passed


def test_global_norm_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def norm(tree):
        ...

    assert check.global_norm(norm).status == "not attempted"


def test_global_norm_hints_at_a_loop_over_the_container():
    """a loop over the container passes the tuple and fails on the dict"""
    def norm(tree):
        return jnp.sqrt(sum(jnp.sum(x ** 2) for x in tree))

    feedback = check.global_norm(norm)
    assert feedback.status == "fail"
    assert "works on the tuple" in feedback.message
    assert "for the dict" in feedback.message
    assert "jax.tree.leaves" in feedback.message


def test_global_norm_hints_at_a_forgotten_square_root():
    """the sum of squares gets the 'squared norm' hint"""
    def norm(tree):
        return sum(jnp.sum(x ** 2) for x in jax.tree.leaves(tree))

    assert "squared* norm" in check.global_norm(norm).message


def test_global_norm_hints_at_a_sum_of_leaf_norms():
    """adding each leaf's norm gets its own hint"""
    def norm(tree):
        return sum(jnp.linalg.norm(x.ravel())
                   for x in jax.tree.leaves(tree))

    assert "sum of each leaf's norm" in check.global_norm(norm).message


def test_global_norm_hints_at_one_norm_per_leaf():
    """returning a norm per leaf gets the 'one number' shape hint"""
    def norm(tree):
        return jnp.stack([jnp.linalg.norm(x.ravel())
                          for x in jax.tree.leaves(tree)])

    message = check.global_norm(norm).message
    assert "should be one number (a 0-d array), got shape (2,)" in message


def test_global_norm_hints_at_not_jittable():
    """converting to a Python float fails under jit and says so"""
    def norm(tree):
        return float(global_norm(tree))

    assert "not jittable" in check.global_norm(norm).message


def test_global_norm_hints_at_wrong_values_with_the_input():
    """other wrong values name the tree they were computed for"""
    def norm(tree):
        return jnp.max(jnp.stack([jnp.abs(x).max()
                                  for x in jax.tree.leaves(tree)]))

    message = check.global_norm(norm).message
    assert message.startswith("Wrong values for the global norm with the "
                              "tuple")


# clip_by_global_norm (pytrees-ex2)

def test_clip_passes_the_solution():
    """the chapter's solution passes"""
    assert check.clip_by_global_norm(clip_by_global_norm).passed


def test_clip_empty_stub_is_not_attempted():
    """the empty exercise cell reports 'not attempted yet'"""
    def clip(tree, max_norm):
        ...

    assert check.clip_by_global_norm(clip).status == "not attempted"


def test_clip_hints_at_a_loop_over_the_container():
    """a tuple comprehension passes the tuple and fails on the dict"""
    def clip(tree, max_norm):
        scale = jnp.minimum(1.0, max_norm / global_norm(tree))
        return tuple(x * scale for x in tree)

    feedback = check.clip_by_global_norm(clip)
    assert "works on the tuple" in feedback.message
    assert "tree of another structure" in feedback.message or \
        "jax.tree.map" in feedback.message


def test_clip_hints_at_returning_the_leaves():
    """returning a flat list of leaves gets the structure hint"""
    def clip(tree, max_norm):
        scale = jnp.minimum(1.0, max_norm / global_norm(tree))
        return [x * scale for x in jax.tree.leaves(tree)]

    message = check.clip_by_global_norm(clip).message
    assert "a tree of another structure" in message
    assert "PyTreeDef((*, *))" in message


def test_clip_hints_at_clipping_each_leaf():
    """clipping leaf by leaf gets the 'same factor' hint"""
    def clip(tree, max_norm):
        return jax.tree.map(
            lambda x: x * jnp.minimum(1.0, max_norm / jnp.linalg.norm(x)),
            tree)

    assert "clipped each leaf by its own norm" in \
        check.clip_by_global_norm(clip).message


def test_clip_hints_at_stretching_short_trees():
    """scaling every tree to max_norm gets the 'only shrinks' hint"""
    def clip(tree, max_norm):
        scale = max_norm / global_norm(tree)
        return jax.tree.map(lambda x: x * scale, tree)

    assert "Clipping only ever shrinks" in \
        check.clip_by_global_norm(clip).message


def test_clip_hints_at_nan_for_the_zero_tree():
    """dividing by a zero norm gets the NaN hint"""
    def clip(tree, max_norm):
        norm = global_norm(tree)
        return jax.tree.map(
            lambda x: x * jnp.minimum(norm, max_norm) / norm, tree)

    message = check.clip_by_global_norm(clip).message
    assert "holds NaN" in message and "all-zero dict" in message


def test_clip_hints_at_not_jittable():
    """a Python if on the traced norm gets the 'not jittable' hint"""
    def clip(tree, max_norm):
        norm = global_norm(tree)
        if norm <= max_norm:
            return tree
        return jax.tree.map(lambda x: x * max_norm / norm, tree)

    assert "not jittable" in check.clip_by_global_norm(clip).message


# dense_pytree (pytrees-ex3)

def test_dense_passes_the_solution():
    """register_pytree_node with the activation as aux data passes"""
    assert check.dense_pytree(make_dense()).passed


def test_dense_passes_a_registered_dataclass():
    """a dataclass with a static activation field passes too"""
    import dataclasses

    @jax.tree_util.register_dataclass
    @dataclasses.dataclass
    class Dense:
        w: jax.Array
        b: jax.Array
        activation: str = jax.tree.static(default="tanh")

    assert check.dense_pytree(Dense).passed


def test_dense_unregistered_is_not_attempted():
    """the class as given (a leaf to JAX) reports 'not attempted yet'"""
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    assert check.dense_pytree(Dense).status == "not attempted"


def test_dense_hints_at_the_activation_as_a_leaf():
    """returning the activation among the children gets its hint"""
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(
        Dense, lambda d: ((d.w, d.b, d.activation), None),
        lambda _, children: Dense(*children))
    assert "activation name is a leaf" in check.dense_pytree(Dense).message


def test_dense_hints_at_a_lost_activation():
    """an unflatten that forgets the aux data gets the 'lost' hint"""
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(
        Dense, lambda d: ((d.w, d.b), d.activation),
        lambda activation, children: Dense(*children))
    assert "lost the activation (got 'tanh')" in \
        check.dense_pytree(Dense).message


def test_dense_hints_at_swapped_unflatten_arguments():
    """unflatten(children, aux) instead of unflatten(aux, children)"""
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(
        Dense, lambda d: ((d.w, d.b), d.activation),
        lambda children, activation: Dense(*children, activation))
    assert "unflatten(aux_data, children)" in \
        check.dense_pytree(Dense).message


def test_dense_hints_at_leaves_in_the_wrong_order():
    """flatten giving (b, w) gets the 'in that order' hint"""
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(
        Dense, lambda d: ((d.b, d.w), d.activation),
        lambda activation, c: Dense(c[1], c[0], activation))
    assert "should be [w, b], in that order" in \
        check.dense_pytree(Dense).message


def test_dense_reports_a_broken_constructor():
    """a class whose constructor differs is told to keep Dense(w, b, act)"""
    class Dense:
        def __init__(self, w, b):
            self.w, self.b = w, b

    feedback = check.dense_pytree(Dense)
    assert feedback.status == "fail"
    assert "Keep the constructor Dense(w, b, activation)" in feedback.message
