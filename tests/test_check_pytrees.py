"""The checkers of the pytrees chapter's exercises: their catalogues.

pytrees-ex1, ``unstack``; pytrees-ex2, ``clip_by_global_norm``;
pytrees-ex3, ``dense_pytree`` (its attempts return a class, built anew
for each test: a class can be registered only once). Attempts in
tests/attempts_pytrees.py, run in this process.
"""

import attempts_pytrees
from support import catalogue_tests

PASS, FAIL, TODO = "pass", "fail", "not attempted"
RETURN = "forget `return`"

CATALOGUE = {
    "pytrees-ex1": ("unstack", {
        "OK_unflatten_each_index": (PASS, "five stacked networks"),
        "OK_tree_map_per_index": (PASS,),
        "OK_transpose": (PASS,),
        "OK_zip_leaves": (PASS,),
        "BAD_stub_unstack": (TODO, "Not attempted yet"),
        "BAD_three_trees": (FAIL, "has 3 trees", "length 6",
                            "a number written in"),
        "BAD_len_of_container": (FAIL, "has 2 trees",
                                 "container at the top"),
        "BAD_count_of_leaves": (FAIL, "has 2 trees", "one tree per leaf"),
        "BAD_one_short": (FAIL, "has 5 trees", "stops one short"),
        "BAD_lists_of_leaves": (FAIL, "plain list of the leaves"),
        "BAD_dict_only": (FAIL, "works on the dict", "jax.tree.leaves"),
        "BAD_keeps_axis": (FAIL, "shape (1, 2)", "stacked axis still"),
        "BAD_last_axis": (FAIL, "expected (2,), got (6,)", "first axis"),
        "BAD_float_leaves": (FAIL, "dtype float32 instead of int32"),
        "BAD_same_tree": (FAIL, "copy of item 0"),
        "BAD_tuple_of_trees": (FAIL, "a list of 6 trees", "tuple"),
        "BAD_forgot_return_unstack": (FAIL, RETURN),
        "BAD_never_returns_unstack": (FAIL, "did not return within",
                                      "Python loop"),
    }),
    "pytrees-ex2": ("clip_by_global_norm", {
        "OK_clip_by_global_norm_maximum": (PASS, "keeps every structure"),
        "OK_clip_by_global_norm_unflatten": (PASS,),
        "OK_clip_by_global_norm_cond": (PASS,),
        "BAD_clip_by_global_norm_stub": (TODO, "Not attempted yet"),
        "BAD_clip_by_global_norm_per_leaf": (FAIL, "each leaf by its own"),
        "BAD_clip_by_global_norm_stretch": (FAIL, "stretched"),
        "BAD_clip_by_global_norm_nan": (FAIL, "NaN", "all-zero"),
        "BAD_clip_by_global_norm_leaves": (FAIL, "another structure"),
        "BAD_clip_by_global_norm_if": (FAIL, "not jittable", "Python `if`"),
        "BAD_clip_by_global_norm_elementwise": (FAIL, "Wrong values"),
        "BAD_clip_by_global_norm_inverted": (FAIL, "Wrong values"),
        "BAD_clip_by_global_norm_forgot_return": (FAIL, RETURN),
        "BAD_clip_by_global_norm_shrink_forever": (FAIL, "lax.while_loop",
                                                   "never turned false"),
    }),
    "pytrees-ex3": ("dense_pytree", {
        "OK_dense_dataclass": (PASS, "leaves [w, b]"),
        "OK_dense_class_decorator": (PASS,),
        "BAD_dense_unregistered": (TODO, "Register Dense"),
        "BAD_dense_activation_leaf": (FAIL, "activation name is a leaf"),
        "BAD_dense_order": (FAIL, "[w, b], in that order"),
        "BAD_dense_loses_activation": (FAIL, "lost the activation"),
        "BAD_dense_swapped_unflatten": (FAIL, "wrong places"),
        "BAD_dense_no_aux": (FAIL, "Dense(w, b, 'tanh')",
                             "activation 'relu'"),
        "BAD_dense_unflatten_tuple": (FAIL, "not a Dense"),
        "OK_dense_tree_static": (PASS,),
        "OK_dense_with_keys": (PASS,),
        "BAD_dense_typed_relu": (FAIL, "Dense(w, b, 'tanh')",
                                 "an activation of its own"),
        "BAD_dense_numpy_leaves": (FAIL, "NumPy arrays", "Inside jax.jit"),
        "BAD_dense_forgot_return": (FAIL, "`flatten` returned None",
                                    "forget `return`"),
        "BAD_dense_flatten_recurses": (FAIL, "RecursionError",
                                       "without jax.tree functions"),
        "BAD_dense_never_returns": (FAIL, "did not return within",
                                    "never updated"),
        "BAD_dense_w_twice": (FAIL, "wrong places"),
        "OK_dense_register_dataclass_plain": (PASS,),
        "BAD_dense_aux_is_layer": (FAIL, "other weights",
                                   "different tree structures",
                                   "activation alone"),
        "BAD_dense_aux_holds_w": (FAIL, "Comparing the tree structures",
                                  "activation alone"),
        "BAD_dense_aux_dict": (FAIL, "Comparing the tree structures",
                               "activation alone"),
        "BAD_dense_children_dict": (FAIL, "strings ['w', 'b']",
                                    "gives its keys"),
        "BAD_dense_bfloat16": (FAIL, "leaf for w", "dtype bfloat16",
                               "no casts"),
        "BAD_dense_no_classmethod": (FAIL, "@classmethod"),
        "BAD_dense_unflatten_recurses": (FAIL, "RecursionError",
                                         "Build the Dense directly"),
        "BAD_dense_checking_init": (FAIL, "w must be a matrix",
                                    "free of checks"),
    }),
}


def attempt(name: str):
    """pytrees-ex3's attempts build their class when called."""
    fn = getattr(attempts_pytrees, name)
    return fn() if "_dense_" in name else fn


(test_catalogue, test_catalogue_covers_every_exercise,
 test_catalogue_lists_every_attempt) = catalogue_tests(
    CATALOGUE, vars(attempts_pytrees), attempt)
