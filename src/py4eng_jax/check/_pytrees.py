"""Checkers for the exercises of the pytrees chapter.

The answers must work for *any* pytree, so each checker tries a flat tuple
first, then a dict and a nested tree. A function that passes the tuple but
fails on a dict almost always iterates over the container itself (a dict
yields its keys); the hint then points to ``jax.tree.leaves`` and
``jax.tree.map``.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import keystr

from .. import _xor
from ._framework import (
    CheckFailed,
    Feedback,
    call,
    checker,
    describe,
    fail,
    jittable,
    not_attempted,
    one_line,
    require_array,
    same_values,
)

__all__ = ["unstack", "clip_by_global_norm", "dense_pytree"]


def _cases():
    """(shown, tree): a flat tuple, a dict, the XOR network as nested tree."""
    subkey, _ = jax.random.split(jax.random.key(9))
    w1, b1, w2, b2 = _xor.init_params(subkey)
    return [
        ("the tuple (jnp.array([3.0]), jnp.array([4.0]))",
         (jnp.array([3.0]), jnp.array([4.0]))),
        ("the dict {'w': jnp.array([[1.0, 2.0], [2.0, 0.0]]), "
         "'b': jnp.array([0.0, 4.0, 4.0])}",
         {"w": jnp.array([[1.0, 2.0], [2.0, 0.0]]),
          "b": jnp.array([0.0, 4.0, 4.0])}),
        ("the nested tree {'hidden': {'w': w1, 'b': b1}, "
         "'output': [w2, b2]} of the XOR parameters",
         {"hidden": {"w": w1, "b": b1}, "output": [w2, b2]}),
    ]


def _norm(tree) -> float:
    return float(np.sqrt(sum(np.sum(np.asarray(x, np.float64) ** 2)
                             for x in jax.tree.leaves(tree))))


def _about_containers(err) -> bool:
    """Whether an error comes from treating a key or a container as an
    array (what looping over a dict or a nested tree does)."""
    text = str(err)
    return isinstance(err, (TypeError, AttributeError)) and any(
        f"'{name}'" in text for name in ("str", "dict", "list", "tuple"))


def _call_on(fn: Callable, args: tuple, shown: str, passed: str | None):
    """Call ``fn(*args)``; if it crashes after a simpler tree passed, say
    that the answer is not general."""
    try:
        return call(fn, *args)
    except CheckFailed as stop:
        if (passed is None or stop.feedback.status != Feedback.FAIL
                or not _about_containers(stop.error)):
            raise
        what = stop.feedback.message.removeprefix("Your function ")
        raise fail(
            f"Your function works on {passed}, but {what.rstrip('.')} "
            f"for {shown}. "
            f"Looping over the container works for a flat tuple or list, "
            f"but a dict gives you its keys and a nested tree gives you "
            f"containers, not arrays. Use jax.tree.leaves(tree) to reach "
            f"every array, or jax.tree.map to build a new tree.")


# ------------------------------------------------------------- pytrees-ex1

def _stacked_cases():
    """(shown, tree, n): trees whose leaves share a first axis of n."""
    rng = np.random.default_rng(4)
    return [
        ("the dict {'w': an array of shape (6, 2, 2), 'b': one of shape "
         "(6, 2)}",
         {"w": jnp.asarray(rng.normal(size=(6, 2, 2)), jnp.float32),
          "b": jnp.asarray(rng.normal(size=(6, 2)), jnp.float32)}, 6),
        ("the tuple (jnp.arange(2), None, [jnp.ones((2, 3)), "
         "{'scale': jnp.array([0.5, 2.0])}], jnp.zeros(2)) of int32, None "
         "and float32 leaves",
         (jnp.arange(2), None, [jnp.ones((2, 3)),
                                {"scale": jnp.array([0.5, 2.0])}],
          jnp.zeros(2)), 2),
        ("a dict of 5 stacked XOR networks, {'hidden': (w1, b1), "
         "'output': (w2, b2)}",
         {"hidden": (jnp.asarray(rng.normal(size=(5, 2, 3)), jnp.float32),
                     jnp.asarray(rng.normal(size=(5, 3)), jnp.float32)),
          "output": (jnp.asarray(rng.normal(size=(5, 3)), jnp.float32),
                     jnp.asarray(rng.normal(size=(5, 1)), jnp.float32))},
         5),
    ]


def _check_unstacked(got, tree, n: int, shown: str,
                     counted: str | None = None) -> None:
    """``counted``: "leaves" or "top" when a list of the wrong length was
    found to count the leaves or the container's entries (on a tree where
    the two differ)."""
    if not isinstance(got, list):
        raise fail(f"Your function should return a list of {n} trees, but "
                   f"it returned {describe(got)} for {shown}")
    leaves = jax.tree.leaves(tree)
    if len(got) != n:
        sizes = sorted({np.shape(x)[0] for x in leaves})
        top = len(jax.tree.structure(tree).children())
        if len(got) == len(leaves) and counted != "top":
            hint = (" (one tree per leaf? the number of leaves, "
                    "len(jax.tree.leaves(tree)), is not the length of the "
                    "leaves' first axis)")
        elif len(got) == top:
            hint = (" (the number of entries of the container at the top, "
                    "not the length of the leaves' first axis?)")
        elif len(got) == n - 1:
            hint = " (a range that stops one short?)"
        else:
            hint = (" (a number written in? take it from the leaves' "
                    "shape)")
        raise fail(f"For {shown} your list has {len(got)} trees, but the "
                   f"leaves' first axis has length {sizes[0]}: one tree per "
                   f"index of that axis{hint}")
    structure = jax.tree.structure(tree)
    for i, item in enumerate(got):
        if jax.tree.structure(item) != structure:
            if all(isinstance(x, jax.Array) for x in jax.tree.leaves(item)) \
                    and len(jax.tree.leaves(item)) == len(leaves) and (
                    isinstance(item, list)) and structure.num_nodes > 2:
                raise fail(
                    f"Item {i} of your list, for {shown}, is a plain list of "
                    f"the leaves: rebuild each one with the input's "
                    f"structure (unflatten), so that it is a tree like the "
                    f"input.")
            raise fail(
                f"Item {i} of your list, for {shown}, has another structure "
                f"than the input: {jax.tree.structure(item)} instead of "
                f"{structure}.")
        for path_leaf, leaf in zip(jax.tree.leaves_with_path(item),
                                   leaves):
            path, got_leaf = path_leaf
            where = f"at {keystr(path)} of item {i}, for {shown}"
            got_leaf = np.asarray(got_leaf)
            want = np.asarray(leaf)[i]
            if got_leaf.shape == (1,) + want.shape:
                raise fail(
                    f"The leaf {where} has shape {got_leaf.shape}, with the "
                    f"stacked axis still there (length 1): index it away, "
                    f"leaf[i] rather than leaf[i:i + 1] or jnp.split.")
            if got_leaf.shape != want.shape:
                raise fail(f"Wrong shape for the leaf {where}: expected "
                           f"{want.shape}, got {got_leaf.shape}; unstack "
                           f"along the first axis.")
            if got_leaf.dtype != want.dtype:
                raise fail(f"The leaf {where} has the right values but the "
                           f"dtype {got_leaf.dtype} instead of "
                           f"{want.dtype}: keep each leaf's dtype.")
            if not np.array_equal(got_leaf, want):
                first = np.asarray(leaf)[0]
                if i > 0 and np.array_equal(got_leaf, first):
                    raise fail(f"Item {i} of your list, for {shown}, is a "
                               f"copy of item 0: tree i takes entry i of "
                               f"every leaf.")
                raise fail(f"Wrong values for the leaf {where}: expected "
                           f"entry {i} of the input's leaf along its first "
                           f"axis.")


def _what_was_counted(fn, got, n: int, cases) -> str | None:
    """For a list of the wrong length: "leaves" or "top" if, on a tree
    where the number of leaves and the number of the container's entries
    differ (and differ from n), the answer has as many trees as that."""
    if not isinstance(got, list) or len(got) == n:
        return None
    for shown, tree, size in cases:
        leaves = len(jax.tree.leaves(tree))
        top = len(jax.tree.structure(tree).children())
        if len({leaves, top, size}) == 3:
            try:
                other = _call_on(fn, (tree,), shown, None)
            except Exception:   # noqa: BLE001 - the first case decides
                return None
            if isinstance(other, list) and len(other) == leaves:
                return "leaves"
            if isinstance(other, list) and len(other) == top:
                return "top"
            return None
    return None


@checker("unstack")
def unstack(fn) -> str:
    """Check ``unstack(tree)``: a list of n trees, tree i holding entry i
    of every leaf."""
    passed = None
    cases = _stacked_cases()
    for shown, tree, n in cases:
        got = _call_on(fn, (tree,), shown, passed)
        _check_unstacked(got, tree, n, shown, _what_was_counted(fn, got, n,
                                                                 cases))
        passed = passed or shown
    return ("Correct: your trees have the input's structure and the "
            "entries of its leaves, for a dict, a nested tuple with None and "
            "integer leaves, and five stacked networks.")


# ------------------------------------------------------------- pytrees-ex2

@checker("clip_by_global_norm")
def clip_by_global_norm(clip) -> str:
    """Check ``clip_by_global_norm(tree, max_norm)``.

    A tree whose global norm exceeds ``max_norm`` comes back with every
    leaf scaled by the same factor ``max_norm / norm``; any other tree
    comes back unchanged, in the same structure.
    """
    cases = _cases()
    tuple_shown, tuple_tree = cases[0]
    zeros = {"w": jnp.zeros((2, 2)), "b": jnp.zeros(3)}
    runs = [
        (tuple_shown + " (norm 5) and max_norm=10", tuple_tree, 10.0),
        (cases[1][0] + " and max_norm=2", cases[1][1], 2.0),
        (tuple_shown + " (norm 5) and max_norm=1", tuple_tree, 1.0),
        (cases[2][0] + " and max_norm=0.5", cases[2][1], 0.5),
        ("the all-zero dict {'w': jnp.zeros((2, 2)), 'b': jnp.zeros(3)} "
         "and max_norm=1", zeros, 1.0),
    ]
    passed = None
    for shown, tree, max_norm in runs:
        got = _call_on(clip, (tree, max_norm), shown, passed)
        _check_clipped(got, tree, max_norm, shown)
        passed = passed or shown
    shown, tree, max_norm = runs[3]
    got = jittable(clip, tree, max_norm)
    _check_clipped(got, tree, max_norm, shown + " under jax.jit")
    return ("Correct: your clip shrinks long trees as a whole, leaves short "
            "ones alone, keeps every structure, and works under jax.jit.")


def _check_clipped(got, tree, max_norm: float, shown: str) -> None:
    want, came = jax.tree.structure(tree), jax.tree.structure(got)
    if came != want:
        raise fail(
            f"For {shown} your function returned a tree of another "
            f"structure: expected {want}, got {came}. Build the result with "
            f"jax.tree.map over the input, so it keeps the input's "
            f"containers.")
    norm = _norm(tree)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    got_leaves = [require_array(x, "each leaf") for x in
                  jax.tree.leaves(got)]
    if any(np.isnan(x).any() for x in got_leaves):
        raise fail(
            f"For {shown} your result holds NaN. A tree of norm 0 must come "
            f"back unchanged: avoid dividing by a zero norm, for instance "
            f"with jnp.minimum(1.0, max_norm / norm) (which is 1 when norm "
            f"is 0) or by dividing by jnp.maximum(norm, max_norm).")
    expected = [np.asarray(x) * scale for x in jax.tree.leaves(tree)]
    if all(g.shape == e.shape and np.allclose(g, e, rtol=1e-5, atol=1e-6)
           for g, e in zip(got_leaves, expected)):
        return
    if scale == 1.0 and norm > 0 and np.isclose(
            _norm(got), max_norm, rtol=1e-5):
        raise fail(
            f"For {shown} the tree is already shorter than max_norm, so it "
            f"must come back unchanged, but yours was stretched to norm "
            f"max_norm. Clipping only ever shrinks: scale by "
            f"jnp.minimum(1.0, max_norm / norm).")
    per_leaf = [np.asarray(x) * min(1.0, max_norm / n) if n > 0
                else np.asarray(x)
                for x in jax.tree.leaves(tree)
                for n in [np.linalg.norm(np.asarray(x).ravel())]]
    if any(np.size(x) > 1 for x in got_leaves) and all(
            g.shape == e.shape and np.allclose(g, e, rtol=1e-5, atol=1e-6)
            for g, e in zip(got_leaves, per_leaf)):
        raise fail(
            f"For {shown} you clipped each leaf by its own norm. That "
            f"changes the direction of the whole tree; scale every leaf by "
            f"the same factor, computed from the global norm.")
    for (path, _), g, e in zip(jax.tree.leaves_with_path(tree), got_leaves,
                               expected):
        same_values(g, e, what=f"the leaf at {keystr(path) or 'the root'}",
                    shown=shown)


# ------------------------------------------------------------- pytrees-ex3

def _dense_leaves(layer, made: str) -> list:
    """The leaves of the student's layer; a hint when flatten fails."""
    try:
        return jax.tree.leaves(layer)
    except RecursionError as err:
        raise fail(
            f"Flattening {made} never reached the bottom (RecursionError): "
            f"flatten asks JAX to flatten the layer, and JAX answers by "
            f"calling flatten again. Build the children from the fields, "
            f"(layer.w, layer.b), without jax.tree functions.", err)
    except Exception as err:   # flatten raised: name the usual slips
        if "got None" in str(err):
            raise fail(
                f"`flatten` returned None for {made}: did you forget "
                f"`return`? It must return (children, aux_data).", err)
        raise fail(f"Flattening {made} with jax.tree.leaves raised "
                   f"{one_line(err)}. `flatten` must return (children, "
                   f"aux_data).", err)


_MAPPING_HINT = ("Check unflatten: JAX calls it as unflatten(aux_data, "
                 "children)")


def _mapped(fn, *layers, what: str, hint: str = _MAPPING_HINT):
    """``jax.tree.map(fn, *layers)``; a hint when unflatten fails."""
    try:
        return jax.tree.map(fn, *layers)
    except RecursionError as err:
        raise fail(
            f"{what} never reached the bottom (RecursionError): unflatten "
            f"asks JAX to build a tree, and JAX answers by calling "
            f"unflatten again. Build the Dense directly: "
            f"Dense(*children, aux_data).", err)
    except Exception as err:   # unflatten or the aux data failed
        text = str(err)
        if "missing 1 required positional argument" in text and (
                "tree_unflatten" in text):
            hint = ("`tree_unflatten` must be a @classmethod: JAX calls it "
                    "on the class, as Dense.tree_unflatten(aux_data, "
                    "children)")
        elif "metadata" in text or "truth value" in text:
            hint = _AUX_HINT
        raise fail(f"{what} raised {one_line(err)}. {hint}.", err)


_AUX_HINT = ("The auxiliary data must be the activation alone (or "
             "something else hashable that compares by value), not the "
             "arrays or the layer: JAX compares the aux data of two trees "
             "to decide whether they have the same structure")


@checker("dense_pytree", expects="the class Dense")
def dense_pytree(Dense) -> str:
    """Check that the class ``Dense(w, b, activation)`` is a pytree whose
    leaves are ``w`` and ``b`` and whose ``activation`` is static."""
    # values that float16 and bfloat16 cannot hold exactly, and an input
    # whose layer output is not all zero
    w = jnp.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]])
    b = jnp.array([0.5, -0.5, 1.0])
    made = "Dense(w, b, 'relu')"
    try:
        layer = Dense(w, b, "relu")
    except Exception as err:
        raise fail(f"{made} raised {type(err).__name__}: {err}. Keep the "
                   f"constructor Dense(w, b, activation).")
    leaves = _dense_leaves(layer, made)
    if len(leaves) == 1 and leaves[0] is layer:
        raise not_attempted(
            f"Not attempted yet: JAX still treats {made} as one leaf. "
            f"Register Dense as a pytree node, then run this cell again.")
    strings = [x for x in leaves if isinstance(x, str)]
    if "relu" in strings:
        raise fail(
            f"The activation name is a leaf of {made}: jax.tree.map would "
            f"apply functions to the string, and jax.jit would refuse it. "
            f"Return it as the auxiliary data of flatten (or declare the "
            f"field static), not among the children.")
    if strings:
        raise fail(
            f"The leaves of {made} are the strings {strings}, not the "
            f"arrays: flatten's children are iterated, and iterating a "
            f"dict gives its keys. Return the children as a tuple or list, "
            f"(layer.w, layer.b).")
    if len(leaves) == 2 and all(
            isinstance(x, np.ndarray) and np.array_equal(x, y)
            for x, y in zip(leaves, (w, b))):
        raise fail(
            f"The leaves of {made} are NumPy arrays, not w and b "
            f"themselves: flatten converts them. Inside jax.jit the layer "
            f"holds traced arrays, which cannot become NumPy arrays, so "
            f"such a layer could not be flattened there. Return the "
            f"fields as they are.")
    if (len(leaves) != 2 or not all(
            isinstance(x, jax.Array) and x.shape == y.shape
            for x, y in zip(leaves, (w, b)))):
        shapes = [getattr(x, "shape", type(x).__name__) for x in leaves]
        raise fail(
            f"The leaves of {made} should be [w, b], in that order: "
            f"expected shapes [(2, 3), (3,)], got {shapes}.")
    for name, x, y in zip("wb", leaves, (w, b)):
        if x.dtype != y.dtype or not bool(jnp.array_equal(x, y)):
            raise fail(
                f"The leaf for {name} of {made} is not {name} itself: "
                f"{describe(x)} of dtype {x.dtype} against {y.dtype}"
                f"{', with other values' if x.dtype == y.dtype else ''}. "
                f"`flatten` must return the fields unchanged (no casts or "
                f"conversions).")
    doubled = _mapped(lambda x: 2 * x, layer,
                      what=f"Mapping over {made} with jax.tree.map")
    if type(doubled) is not Dense:
        raise fail(
            f"Mapping over {made} with jax.tree.map returned a "
            f"{type(doubled).__name__}, not a Dense: unflatten should build "
            f"a Dense from the auxiliary data and the children.")
    if getattr(doubled, "activation", None) != "relu":
        raise fail(
            f"Mapping over {made} with jax.tree.map lost the activation (got "
            f"{getattr(doubled, 'activation', None)!r}): unflatten must "
            f"pass the auxiliary data back into the new Dense.")
    kept = _mapped(lambda x: x, Dense(w, b, "tanh"),
                   what="Mapping over Dense(w, b, 'tanh') with jax.tree.map")
    if getattr(kept, "activation", None) != "tanh":
        raise fail(
            f"Mapping over Dense(w, b, 'tanh') with jax.tree.map gave a "
            f"layer with activation {getattr(kept, 'activation', None)!r}: "
            f"unflatten writes an activation of its own instead of the "
            f"auxiliary data it is given.")
    if not (jnp.array_equal(doubled.w, 2 * w)
            and jnp.array_equal(doubled.b, 2 * b)):
        raise fail(
            f"Doubling {made} with jax.tree.map(lambda x: 2 * x, layer) "
            f"put the arrays back in "
            f"the wrong places: unflatten must give the children to w and "
            f"b in the order flatten returned them.")
    # a parameter update: two layers of one structure, other arrays
    grads = Dense(jnp.ones_like(w), jnp.ones_like(b), "relu")
    try:
        same = jax.tree.structure(layer) == jax.tree.structure(grads)
    except Exception as err:   # aux data that cannot be compared
        raise fail(f"Comparing the tree structures of two relu layers "
                   f"raised {one_line(err)}. {_AUX_HINT}.", err)
    if not same:
        raise fail(
            f"Two relu layers with other weights have different tree "
            f"structures, so jax.tree.map(update, params, grads) fails and "
            f"jax.jit compiles again for every layer. {_AUX_HINT}.")
    stepped = _mapped(lambda p, g: p - 0.1 * g, layer, grads,
                      what="An update jax.tree.map(lambda p, g: p - 0.1 * "
                           "g, layer, grads)")
    if not jnp.allclose(stepped.w, w - 0.1):
        raise fail("An update jax.tree.map(lambda p, g: p - 0.1 * g, "
                   "layer, grads) gave the wrong weights: unflatten must "
                   "give the children to w and b in order.")
    if jax.tree.structure(layer) == jax.tree.structure(
            Dense(w, b, "tanh")):
        raise fail(
            "Two layers that differ only in their activation have the same "
            "tree structure: the activation must be part of the auxiliary "
            "data, so that jit compiles each activation separately.")
    # JAX may unflatten a tree whose leaves are not arrays
    _mapped(lambda x: x.shape, layer,
            what=f"jax.tree.map(lambda x: x.shape, {made}), which puts "
                 f"shapes where the arrays were,",
            hint="JAX rebuilds trees with other objects in place of the "
                 "arrays (shapes, None, placeholders inside jax.vmap), so "
                 "keep __init__ free of checks and conversions of w and b, "
                 "and build the Dense in unflatten from the children as "
                 "they come")

    def apply(layer, x):   # Python control flow on the static field
        act = jnp.tanh if layer.activation == "tanh" else jax.nn.relu
        return act(x @ layer.w + layer.b)

    x = jnp.array([[1.0, -1.0]])
    # flattened inside the trace too: a jitted update of the layer
    inside = jittable(lambda layer: jax.tree.map(lambda a: 2 * a, layer),
                      layer)
    if type(inside) is not Dense or getattr(inside, "activation",
                                            None) != "relu":
        raise fail(f"Doubling {made} inside jax.jit gave "
                   f"{type(inside).__name__} with activation "
                   f"{getattr(inside, 'activation', None)!r}, not a Dense "
                   f"with 'relu'.")
    out = jittable(apply, layer, x)
    same_values(out, jax.nn.relu(x @ w + b), what="a jitted layer",
                shown=made)
    return ("Correct: Dense is a pytree with leaves [w, b]; its activation "
            "travels in the tree structure, so jax.tree.map keeps it and "
            "jax.jit treats it as static.")
