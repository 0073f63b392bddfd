"""Attempts at the autodiff chapter's exercises, for
tests/test_check_autodiff.py.

OK_ is a correct answer written differently from the book's, BAD_ a
typical mistake (its verdict and hint are in the catalogue there).
"""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from py4eng_jax import init_params, loss, predict

# ------------------------------------------------------------ autodiff-ex1


def OK_input_gradient_lambda(params, x):
    return jax.grad(lambda x: predict(params, x[None])[0])(x)


def OK_input_gradient_sum(params, x):
    def total(X):
        return predict(params, X).sum()
    return jax.grad(total)(x.reshape(1, 2)).reshape(2)


def OK_input_gradient_by_hand(params, x):
    w1, b1, w2, b2 = params
    z = jnp.tanh(x @ w1 + b1)
    yhat = 1 / (1 + jnp.exp(-(z @ w2 + b2[0])))
    return yhat * (1 - yhat) * (w1 @ (w2 * (1 - z**2)))


def OK_input_gradient_jacobian(params, x):
    return jax.jacobian(predict, argnums=1)(params, x[None])[0, 0]


def BAD_input_gradient_stub(params, x):
    ...


def BAD_input_gradient_params(params, x):
    return jax.grad(lambda p: predict(p, x[None])[0])(params)


def BAD_input_gradient_batch(params, x):
    return jax.grad(predict, argnums=1)(params, x[None])


def BAD_input_gradient_batch_sum(params, x):
    return jax.grad(lambda X: predict(params, X).sum())(x[None])


def BAD_input_gradient_value(params, x):
    return predict(params, x[None])[0]


def BAD_input_gradient_logit(params, x):
    w1, b1, w2, b2 = params
    return jax.grad(lambda x: jnp.tanh(x @ w1 + b1) @ w2 + b2[0])(x)


def BAD_input_gradient_finite_difference(params, x):
    h = 1e-2

    def f(x):
        return predict(params, x[None])[0]
    return jnp.array([(f(x + h * e) - f(x - h * e)) / (2 * h)
                      for e in jnp.eye(2)])


def BAD_input_gradient_ignores_params(params, x):
    mine = init_params(jax.random.key(0))
    return jax.grad(lambda x: predict(mine, x[None])[0])(x)


def BAD_input_gradient_three_hidden(params, x):
    w1, b1, w2, b2 = params
    w1, b1, w2 = w1[:, :3], b1[:3], w2[:3]     # the chapter's 3 units
    return jax.grad(lambda x: predict((w1, b1, w2, b2), x[None])[0])(x)


def BAD_input_gradient_forgot_return(params, x):
    jax.grad(lambda x: predict(params, x[None])[0])(x)


def BAD_input_gradient_never_returns(params, x):
    def body(state):
        g, i = state       # forgets i + 1
        return g + jax.grad(lambda x: predict(params, x[None])[0])(x), i
    g, _ = lax.while_loop(lambda s: s[1] < 1, body, (jnp.zeros(2), 0))
    return g


def BAD_input_gradient_numpy_list(params, x):
    g = jax.grad(lambda x: predict(params, x[None])[0])(x)
    return list(np.asarray(g))


def BAD_input_gradient_jacobian_batch(params, x):
    return jax.jacobian(lambda X: predict(params, X))(x[None])


# ------------------------------------------------------------ autodiff-ex2


def OK_grad_w2_einsum(params, X, Y):
    w1, b1, w2, b2 = params
    z = jnp.tanh(X @ w1 + b1)
    return jnp.einsum("n,nh->h", predict(params, X) - Y, z) / len(Y)


def OK_grad_w2_chain_rule(params, X, Y):
    w1, b1, w2, b2 = params
    z = jnp.tanh(X @ w1 + b1)
    yhat = predict(params, X)
    dl_dyhat = -Y / yhat + (1 - Y) / (1 - yhat)
    dl_dt = dl_dyhat * yhat * (1 - yhat)
    return (dl_dt[:, None] * z).mean(axis=0)


def OK_grad_w2_matmul(params, X, Y):
    w1, b1, w2, b2 = params
    z = jnp.tanh(X @ w1 + b1)
    t = z @ w2 + b2
    return z.T @ (jax.nn.sigmoid(t) - Y) / X.shape[0]


def _z(params, X):
    w1, b1, _, _ = params
    return jnp.tanh(X @ w1 + b1)


def BAD_grad_w2_stub(params, X, Y):
    raise NotImplementedError


def BAD_grad_w2_jax_grad(params, X, Y):
    return jax.grad(loss)(params, X, Y)[2]


def BAD_grad_w2_vjp(params, X, Y):
    w1, b1, w2, b2 = params
    _, pull = jax.vjp(lambda w: loss((w1, b1, w, b2), X, Y), w2)
    return pull(1.0)[0]


def BAD_grad_w2_sign(params, X, Y):
    return jnp.mean((Y - predict(params, X))[:, None] * _z(params, X),
                    axis=0)


def BAD_grad_w2_no_mean(params, X, Y):
    return (predict(params, X) - Y)[:, None] * _z(params, X)


def BAD_grad_w2_sum(params, X, Y):
    return jnp.sum((predict(params, X) - Y)[:, None] * _z(params, X), axis=0)


def BAD_grad_w2_extra_sigmoid_factor(params, X, Y):
    yhat = predict(params, X)
    return jnp.mean(((yhat - Y) * yhat * (1 - yhat))[:, None]
                    * _z(params, X), axis=0)


def BAD_grad_w2_before_tanh(params, X, Y):
    w1, b1, _, _ = params
    return jnp.mean((predict(params, X) - Y)[:, None] * (X @ w1 + b1),
                    axis=0)


def BAD_grad_w2_inputs(params, X, Y):
    return jnp.mean((predict(params, X) - Y)[:, None] * X, axis=0)


def BAD_grad_w2_bias_gradient(params, X, Y):
    return jnp.mean(predict(params, X) - Y, keepdims=True)


def BAD_grad_w2_same_for_all(params, X, Y):
    w2 = params[2]
    return jnp.mean(predict(params, X) - Y) * jnp.ones_like(w2)


def BAD_grad_w2_xor_targets(params, X, Y):
    Y = jnp.array([0.0, 1.0, 1.0, 0.0])
    return jnp.mean((predict(params, X) - Y)[:, None] * _z(params, X),
                    axis=0)


def BAD_grad_w2_four_examples(params, X, Y):
    return jnp.sum((predict(params, X) - Y)[:, None] * _z(params, X),
                   axis=0) / 4


def BAD_grad_w2_three_hidden(params, X, Y):
    z = _z(params, X)[:, :3]
    return jnp.mean((predict(params, X) - Y)[:, None] * z, axis=0)


def BAD_grad_w2_list(params, X, Y):
    g = jnp.mean((predict(params, X) - Y)[:, None] * _z(params, X), axis=0)
    return [float(v) for v in g]


def BAD_grad_w2_forgot_return(params, X, Y):
    jnp.mean((predict(params, X) - Y)[:, None] * _z(params, X), axis=0)


def BAD_grad_w2_never_returns(params, X, Y):
    total = jnp.zeros_like(params[2])
    i = 0
    while i < len(Y):      # forgets i += 1
        total = total + (predict(params, X)[i] - Y[i]) * _z(params, X)[i]
    return total / len(Y)
