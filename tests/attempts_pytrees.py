"""Attempts at the pytrees chapter's exercises: pytrees-ex1, ``unstack``;
pytrees-ex2, ``clip_by_global_norm``; pytrees-ex3, ``dense_pytree`` (each
attempt returns its own class: a class can be registered only once).
Catalogue: tests/test_check_pytrees.py."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# ------------------------------------------------------------ pytrees-ex1


def OK_unflatten_each_index(tree):
    leaves, treedef = jax.tree.flatten(tree)
    n = leaves[0].shape[0]
    return [treedef.unflatten([leaf[i] for leaf in leaves])
            for i in range(n)]


def OK_tree_map_per_index(tree):
    n = len(jax.tree.leaves(tree)[0])
    return [jax.tree.map(lambda leaf, i=i: leaf[i], tree) for i in range(n)]


def OK_transpose(tree):
    n = jax.tree.leaves(tree)[0].shape[0]
    as_lists = jax.tree.map(lambda leaf: [leaf[i] for i in range(n)], tree)
    return jax.tree.transpose(jax.tree.structure(tree),
                              jax.tree.structure([0] * n), as_lists)


def OK_zip_leaves(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return [jax.tree.unflatten(treedef, list(row))
            for row in zip(*(list(leaf) for leaf in leaves))]


def BAD_stub_unstack(tree):
    ...


def BAD_three_trees(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return [treedef.unflatten([leaf[i] for leaf in leaves])
            for i in range(3)]   # the example's three


def BAD_len_of_container(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return [treedef.unflatten([leaf[i] for leaf in leaves])
            for i in range(len(tree))]


def BAD_count_of_leaves(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return [treedef.unflatten([leaf[i] for leaf in leaves])
            for i in range(len(leaves))]   # the leaves, not their length


def BAD_lists_of_leaves(tree):
    leaves = jax.tree.leaves(tree)
    return [[leaf[i] for leaf in leaves] for i in range(len(leaves[0]))]


def BAD_dict_only(tree):
    n = len(next(iter(tree.values())))
    return [{k: v[i] for k, v in tree.items()} for i in range(n)]


def BAD_keeps_axis(tree):
    n = jax.tree.leaves(tree)[0].shape[0]
    return [jax.tree.map(lambda leaf, i=i: leaf[i:i + 1], tree)
            for i in range(n)]


def BAD_last_axis(tree):
    n = jax.tree.leaves(tree)[0].shape[0]
    return [jax.tree.map(lambda leaf, i=i: leaf[..., i], tree)
            for i in range(n)]


def BAD_float_leaves(tree):
    leaves, treedef = jax.tree.flatten(tree)
    return [treedef.unflatten([jnp.asarray(leaf[i], jnp.float32)
                               for leaf in leaves])
            for i in range(leaves[0].shape[0])]


def BAD_same_tree(tree):
    n = jax.tree.leaves(tree)[0].shape[0]
    first = jax.tree.map(lambda leaf: leaf[0], tree)
    return [first] * n


def BAD_one_short(tree):
    n = jax.tree.leaves(tree)[0].shape[0]
    return [jax.tree.map(lambda leaf, i=i: leaf[i], tree)
            for i in range(n - 1)]


def BAD_forgot_return_unstack(tree):
    leaves, treedef = jax.tree.flatten(tree)
    [treedef.unflatten([leaf[i] for leaf in leaves])
     for i in range(leaves[0].shape[0])]


def BAD_tuple_of_trees(tree):
    return tuple(OK_tree_map_per_index(tree))


def BAD_never_returns_unstack(tree):
    leaves, treedef = jax.tree.flatten(tree)
    out, i = [], 0
    while i < leaves[0].shape[0]:
        out.append(treedef.unflatten([leaf[i] for leaf in leaves]))
    return out


def _norm_ravel(tree):
    return jnp.sqrt(sum(jnp.vdot(x, x) for x in jax.tree.leaves(tree)))


def _correct_global_norm(tree):
    return jnp.sqrt(sum(jnp.sum(x ** 2) for x in jax.tree.leaves(tree)))


# ------------------------------------------------------------ pytrees-ex2


def OK_clip_by_global_norm_maximum(tree, max_norm):
    norm = _norm_ravel(tree)
    return jax.tree.map(lambda x: x * max_norm / jnp.maximum(norm, max_norm),
                        tree)


def OK_clip_by_global_norm_unflatten(tree, max_norm):
    leaves, treedef = jax.tree.flatten(tree)
    norm = jnp.sqrt(sum(jnp.vdot(x, x) for x in leaves))
    scale = jnp.where(norm > max_norm, max_norm / jnp.where(norm > 0, norm,
                                                            1.0), 1.0)
    return jax.tree.unflatten(treedef, [x * scale for x in leaves])


def BAD_clip_by_global_norm_per_leaf(tree, max_norm):
    return jax.tree.map(
        lambda x: x * jnp.minimum(1.0, max_norm / jnp.linalg.norm(x)), tree)


def BAD_clip_by_global_norm_stretch(tree, max_norm):
    norm = _correct_global_norm(tree)
    return jax.tree.map(lambda x: x * max_norm / norm, tree)


def BAD_clip_by_global_norm_nan(tree, max_norm):
    norm = _correct_global_norm(tree)
    return jax.tree.map(lambda x: x / norm * jnp.minimum(norm, max_norm),
                        tree)


def BAD_clip_by_global_norm_leaves(tree, max_norm):
    scale = jnp.minimum(1.0, max_norm / _correct_global_norm(tree))
    return [x * scale for x in jax.tree.leaves(tree)]


def BAD_clip_by_global_norm_if(tree, max_norm):
    norm = _correct_global_norm(tree)
    if norm > max_norm:
        return jax.tree.map(lambda x: x * max_norm / norm, tree)
    return tree


def BAD_clip_by_global_norm_elementwise(tree, max_norm):
    return jax.tree.map(lambda x: jnp.clip(x, -max_norm, max_norm), tree)


def BAD_clip_by_global_norm_inverted(tree, max_norm):
    scale = jnp.minimum(1.0, _correct_global_norm(tree) / max_norm)
    return jax.tree.map(lambda x: x * scale, tree)


def OK_clip_by_global_norm_cond(tree, max_norm):
    norm = _norm_ravel(tree)
    return lax.cond(norm > max_norm,
                    lambda t: jax.tree.map(lambda x: x * (max_norm / norm),
                                           t),
                    lambda t: t, tree)


def BAD_clip_by_global_norm_stub(tree, max_norm):
    ...  # your code here


def BAD_clip_by_global_norm_forgot_return(tree, max_norm):
    scale = jnp.minimum(1.0, max_norm / _correct_global_norm(tree))
    jax.tree.map(lambda x: x * scale, tree)


def BAD_clip_by_global_norm_shrink_forever(tree, max_norm):
    # shrink by 10 % "until it fits", but the test is the wrong way round
    return lax.while_loop(
        lambda t: _correct_global_norm(t) <= max_norm,
        lambda t: jax.tree.map(lambda x: 0.9 * x, t), tree)


# ------------------------------------------------------------ pytrees-ex3
# Each attempt builds its own class: a class can be registered only once.


def OK_dense_dataclass():
    import dataclasses

    @functools.partial(jax.tree_util.register_dataclass,
                       data_fields=["w", "b"], meta_fields=["activation"])
    @dataclasses.dataclass
    class Dense:
        w: jax.Array
        b: jax.Array
        activation: str = "tanh"

    return Dense


def OK_dense_class_decorator():
    @jax.tree_util.register_pytree_node_class
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

        def tree_flatten(self):
            return [self.w, self.b], self.activation

        @classmethod
        def tree_unflatten(cls, activation, children):
            w, b = children
            return cls(w, b, activation)

    return Dense


def _dense(flatten, unflatten):
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_node(Dense, flatten,
                                       lambda aux, ch: unflatten(Dense, aux,
                                                                 ch))
    return Dense


def BAD_dense_unregistered():
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    return Dense


def BAD_dense_activation_leaf():
    return _dense(lambda d: ((d.w, d.b, d.activation), None),
                  lambda cls, aux, ch: cls(*ch))


def BAD_dense_order():
    return _dense(lambda d: ((d.b, d.w), d.activation),
                  lambda cls, aux, ch: cls(ch[1], ch[0], aux))


def BAD_dense_loses_activation():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(*ch))


def BAD_dense_swapped_unflatten():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(ch[1], ch[0], aux))


def BAD_dense_no_aux():
    return _dense(lambda d: ((d.w, d.b), None),
                  lambda cls, aux, ch: cls(*ch, "relu"))


def BAD_dense_unflatten_tuple():
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: tuple(ch))


def OK_dense_tree_static():
    import dataclasses

    @jax.tree_util.register_dataclass
    @dataclasses.dataclass
    class Dense:
        w: jax.Array
        b: jax.Array
        activation: str = jax.tree.static(default="tanh")

    return Dense


def OK_dense_with_keys():
    def flatten_with_keys(layer):
        return (((jax.tree_util.GetAttrKey("w"), layer.w),
                 (jax.tree_util.GetAttrKey("b"), layer.b)), layer.activation)

    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

    jax.tree_util.register_pytree_with_keys(
        Dense, flatten_with_keys,
        lambda activation, children: Dense(*children, activation))
    return Dense


def BAD_dense_typed_relu():
    # "The checker builds Dense(w, b, 'relu')": the activation typed in
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(*ch, "relu"))


def BAD_dense_numpy_leaves():
    return _dense(lambda d: ((np.asarray(d.w), np.asarray(d.b)),
                             d.activation),
                  lambda cls, aux, ch: cls(*ch, aux))


def BAD_dense_forgot_return():
    def flatten(d):
        children = [d.w]
        children.append(d.b)   # then no return

    return _dense(flatten, lambda cls, aux, ch: cls(*ch, aux))


def BAD_dense_flatten_recurses():
    # flatten asks JAX to flatten the layer, which calls flatten again
    return _dense(lambda d: (jax.tree.leaves(d), d.activation),
                  lambda cls, aux, ch: cls(*ch, aux))


def BAD_dense_never_returns():
    def flatten(d):
        fields, i = ("w", "b"), 0
        children = []
        while i < len(fields):
            child = getattr(d, fields[i])   # i += 1 forgotten
        children.append(child)
        return children, d.activation

    return _dense(flatten, lambda cls, aux, ch: cls(*ch, aux))


def BAD_dense_w_twice():
    # unflatten reads the first child twice: b is lost
    return _dense(lambda d: ((d.w, d.b), d.activation),
                  lambda cls, aux, ch: cls(ch[0], ch[0], aux))


def OK_dense_register_dataclass_plain():
    # register_dataclass on the plain class of the exercise
    Dense = BAD_dense_unregistered()
    jax.tree_util.register_dataclass(Dense, data_fields=["w", "b"],
                                     meta_fields=["activation"])
    return Dense


def BAD_dense_aux_is_layer():
    # "the rest of the layer" as aux data: the whole layer, arrays and all
    return _dense(lambda d: ((d.w, d.b), d),
                  lambda cls, aux, ch: cls(*ch, aux.activation))


def BAD_dense_aux_holds_w():
    return _dense(lambda d: ((d.w, d.b), (d.activation, d.w)),
                  lambda cls, aux, ch: cls(*ch, aux[0]))


def BAD_dense_aux_dict():
    return _dense(lambda d: ((d.w, d.b), d.__dict__),
                  lambda cls, aux, ch: cls(*ch, aux["activation"]))


def BAD_dense_children_dict():
    return _dense(lambda d: ({"w": d.w, "b": d.b}, d.activation),
                  lambda cls, aux, ch: cls(ch["w"], ch["b"], aux))


def BAD_dense_bfloat16():
    # cast "to save memory"
    return _dense(lambda d: ((d.w.astype(jnp.bfloat16),
                              d.b.astype(jnp.bfloat16)), d.activation),
                  lambda cls, aux, ch: cls(*ch, aux))


def BAD_dense_no_classmethod():
    @jax.tree_util.register_pytree_node_class
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b, self.activation = w, b, activation

        def tree_flatten(self):
            return (self.w, self.b), self.activation

        def tree_unflatten(cls, activation, children):   # no @classmethod
            return cls(*children, activation)

    return Dense


def BAD_dense_unflatten_recurses():
    def unflatten(cls, aux, ch):
        return jax.tree.unflatten(jax.tree.structure(cls(0.0, 0.0, aux)),
                                  ch)

    return _dense(lambda d: ((d.w, d.b), d.activation), unflatten)


def BAD_dense_checking_init():
    class Dense:
        def __init__(self, w, b, activation="tanh"):
            self.w, self.b = jnp.asarray(w), jnp.asarray(b)
            assert self.w.ndim == 2, "w must be a matrix"
            self.activation = activation

    jax.tree_util.register_pytree_node(
        Dense, lambda d: ((d.w, d.b), d.activation),
        lambda activation, children: Dense(*children, activation))
    return Dense
