"""Attempts at the derivatives chapter's exercises, for
tests/test_check_derivatives.py.

BOOK_ is the book's solution, OK_ a correct answer written differently,
BAD_ a typical mistake (its verdict and hint are in the catalogue there).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# ------------------------------------------------------------ derivatives-ex1


def BOOK_hvp(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[1]


def OK_hvp_reverse_over_reverse(f, x, v):
    return jax.grad(lambda x: jnp.vdot(jax.grad(f)(x), v))(x)


def OK_hvp_linearize(f, x, v):
    _, push = jax.linearize(jax.grad(f), x)
    return push(v)


def OK_hvp_vjp_of_grad(f, x, v):
    _, pull = jax.vjp(jax.grad(f), x)
    return pull(v)[0]     # v^T H = (H v)^T: the Hessian is symmetric


def OK_hvp_reverse_over_forward(f, x, v):
    return jax.grad(lambda x: jax.jvp(f, [x], [v])[1])(x)


def BAD_hvp_stub(f, x, v):
    ...


def BAD_hvp_hessian(f, x, v):
    return jax.hessian(f)(x) @ v


def BAD_hvp_rows_in_python(f, x, v):
    rows = [jax.grad(lambda x, i=i: jax.grad(f)(x)[i])(x)
            for i in range(len(x))]
    return jnp.stack(rows) @ v


def BAD_hvp_directional(f, x, v):
    return jax.jvp(f, (x,), (v,))[1]


def BAD_hvp_pair(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))


def BAD_hvp_primal(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (v,))[0]


def BAD_hvp_grad_times_v(f, x, v):
    return jax.grad(f)(x) * v


def BAD_hvp_diagonal(f, x, v):
    second = jax.vmap(lambda e: jax.jvp(
        jax.grad(f), (x,), (e,))[1] @ e)(jnp.eye(len(x)))
    return second * v


def BAD_hvp_sign(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (-v,))[1]


def BAD_hvp_finite_difference(f, x, v):
    h = 1e-3
    return (jax.grad(f)(x + h * v) - jax.grad(f)(x - h * v)) / (2 * h)


def BAD_hvp_no_tuples(f, x, v):
    return jax.jvp(jax.grad(f), x, v)[1]


def BAD_hvp_grad_of_grad(f, x, v):
    return jax.grad(jax.grad(f))(x) @ v


def BAD_hvp_numpy(f, x, v):
    return np.dot(np.asarray(jax.hessian(f)(x)), np.asarray(v))


def BAD_hvp_list(f, x, v):
    return [float(a) for a in jax.jvp(jax.grad(f), (x,), (v,))[1]]


def BAD_hvp_python_forever(f, x, v):
    rows, i = [], 0
    while i < len(x):     # forgets i += 1
        rows.append(jax.grad(lambda x: jax.grad(f)(x)[i])(x) @ v)
    return jnp.stack(rows)


def BAD_hvp_endless_while(f, x, v):
    g = jax.grad(f)

    def body(state):      # forgets i + 1
        i, out = state
        row = jax.grad(lambda x: g(x)[i])(x)
        return i, out.at[i].set(row @ v)

    return lax.while_loop(lambda s: s[0] < x.size, body,
                          (0, jnp.zeros_like(x)))[1]


def BAD_hvp_ignores_v(f, x, v):
    return jax.jvp(jax.grad(f), (x,), (jnp.ones_like(x),))[1]


def BAD_hvp_two_entries(f, x, v):
    # the size of the Rosenbrock example, 2, written in
    return jnp.stack([jax.jvp(jax.grad(f), (x,), (v,))[1][i]
                      for i in range(2)])


def BAD_hvp_forgot_return(f, x, v):
    jax.jvp(jax.grad(f), (x,), (v,))[1]


# ------------------------------------------------------------ derivatives-ex2


def BOOK_curvature_step(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - (g @ g) / (g @ hg) * g


def OK_curvature_step_line(f, x):
    g = jax.grad(f)(x)

    def along(a):             # f on the line x - a g
        return f(x - a * g)

    slope = jax.grad(along)(0.0)
    curve = jax.grad(jax.grad(along))(0.0)
    return x - (-slope / curve) * g


def OK_curvature_step_vjp(f, x):
    grad = jax.grad(f)
    g, pull = jax.vjp(grad, x)
    (gh,) = pull(g)           # g^T H = (H g)^T
    alpha = jnp.vdot(g, g) / jnp.vdot(gh, g)
    return x - alpha * g


def OK_curvature_step_jvp_of_jvp(f, x):
    g = jax.grad(f)(x)

    def slope(y):             # d/dt f(y + t g) at t = 0
        return jax.jvp(f, (y,), (g,))[1]

    ghg = jax.jvp(slope, (x,), (g,))[1]
    return x - jnp.sum(g * g) / ghg * g


def BAD_curvature_step_stub(f, x):
    raise NotImplementedError


def BAD_curvature_step_plain(f, x):
    return x - jax.grad(f)(x)


def BAD_curvature_step_uphill(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x + (g @ g) / (g @ hg) * g


def BAD_curvature_step_upside_down(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - (g @ hg) / (g @ g) * g


def BAD_curvature_step_half(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - (g @ g) / (2 * (g @ hg)) * g


def BAD_curvature_step_norm(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - jnp.linalg.norm(g) / (g @ hg) * g


def BAD_curvature_step_diagonal(f, x):
    g = jax.grad(f)(x)
    diagonal = jnp.diag(jax.hessian(f)(x))
    return x - (g @ g) / (g**2 @ diagonal) * g


def BAD_curvature_step_newton(f, x):
    return x - jnp.linalg.solve(jax.hessian(f)(x), jax.grad(f)(x))


def BAD_curvature_step_hessian(f, x):
    g = jax.grad(f)(x)
    return x - (g @ g) / (g @ jax.hessian(f)(x) @ g) * g


def BAD_curvature_step_alpha(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return (g @ g) / (g @ hg)


def BAD_curvature_step_only_step(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return -(g @ g) / (g @ hg) * g


def BAD_curvature_step_pair(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    alpha = (g @ g) / (g @ hg)
    return x - alpha * g, alpha


def BAD_curvature_step_ignores_x(f, x):
    start = jnp.zeros_like(x)
    g = jax.grad(f)(start)
    hg = jax.jvp(jax.grad(f), (start,), (g,))[1]
    return x - (g @ g) / (g @ hg) * g


def BAD_curvature_step_two_entries(f, x):
    # the Rosenbrock example's size, 2, written in
    g = jax.grad(f)(x)
    hg = jnp.stack([jax.jvp(jax.grad(f), (x,), (e,))[1] for e in
                    jnp.eye(2, x.size)])
    return x - (g @ g) / (g[:2] @ (hg @ g)) * g


def BAD_curvature_step_finite_difference(f, x):
    g = jax.grad(f)(x)
    h = 1e-3
    ghg = g @ (jax.grad(f)(x + h * g) - jax.grad(f)(x - h * g)) / (2 * h)
    return x - (g @ g) / ghg * g


def BAD_curvature_step_float(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - float(g @ g) / float(g @ hg) * g


def BAD_curvature_step_forgot_return(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    x - (g @ g) / (g @ hg) * g


def BAD_curvature_step_endless_newton(f, x):
    # refines alpha by Newton's method on the line, but forgets to count
    g = jax.grad(f)(x)

    def along(a):
        return f(x - a * g)

    def body(state):
        i, a = state
        return i, a - jax.grad(along)(a) / jax.grad(jax.grad(along))(a)

    return x - lax.while_loop(lambda s: s[0] < 5, body, (0, 0.0))[1] * g


def BAD_curvature_step_python_forever(f, x):
    g = jax.grad(f)(x)
    alpha, tries = 1.0, 0
    while tries < 3:      # forgets tries += 1
        alpha = (g @ g) / (g @ jax.jvp(jax.grad(f), (x,), (g,))[1])
    return x - alpha * g


def BAD_curvature_step_unit_direction(f, x):
    g = jax.grad(f)(x)
    hg = jax.jvp(jax.grad(f), (x,), (g,))[1]
    return x - (g @ g) / (g @ hg) * g / jnp.linalg.norm(g)


def BAD_curvature_step_unit_alpha(f, x):
    g = jax.grad(f)(x)
    u = g / jnp.linalg.norm(g)
    hu = jax.jvp(jax.grad(f), (x,), (u,))[1]
    return x - (u @ g) / (u @ hu) * g


def BAD_hvp_curvature(f, x, v):
    return v @ jax.jvp(jax.grad(f), (x,), (v,))[1]
