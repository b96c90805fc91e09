"""Answers to notebooks/10_exercises_derivatives.ipynb: try the exercises first.

Each `# %% exercise: NAME` section is the filled-in cell the notebook tags "exercise": NAME;
tests/test_exercises.py runs the notebook with these in place and expects every checker to
say right. The lines above the first section belong to no cell: the notebook imports them.
"""

import math


# %% exercise: tanh_derivative
def tanh_derivative(out, x):
    """d tanh(x) / dx, where out = tanh(x)."""
    return 1.0 - out * out  # tanh = sinh/cosh, so tanh' = (cosh² - sinh²)/cosh² = 1 - tanh²


# %% exercise: sigmoid_derivative
def sigmoid_derivative(out, x):
    """d σ(x) / dx, where out = σ(x) = 1 / (1 + e^-x)."""
    return out * (1.0 - out)  # e^-x / (1 + e^-x)² = σ · (1 - σ)


# %% exercise: power_derivative
def power_derivative(out, x, n):
    """d (x ** n) / dx, where out = x ** n and n is a number."""
    return n * x ** (n - 1) if n != 0 else 0.0  # the power rule; x ** 0 is constant


# %% exercise: softplus_derivative
def softplus_derivative(out, x):
    """d softplus(x) / dx, where out = softplus(x) = log(1 + e^x)."""
    return 1.0 / (1.0 + math.exp(-x))  # e^x / (1 + e^x) = σ(x)


# %% exercise: silu_derivative
def silu_derivative(out, x):
    """d silu(x) / dx, where out = silu(x) = x · σ(x)."""
    s = 1.0 / (1.0 + math.exp(-x))
    return s + x * s * (1.0 - s)  # the product rule: σ(x)·1 + x·σ'(x)


# %% exercise: backward_by_hand
grads = {
    "L": 1.0,  # dL/dL
    "f": -3.0,  # L = d·f: local derivative d = -3, times 1
    "d": 0.5,  # local derivative f = 0.5, times 1
    "e": 0.5,  # d = e + a: local derivative 1, times dL/dd = 0.5
    "b": 1.5,  # e = a·b: local derivative a = 3, times dL/de = 0.5
    "a": -0.5,  # two users: from d, 1 × 0.5; from e, b × 0.5 = -1; summed
}


# %% exercise: backward_step
def backward_step(node):
    """Pass node.grad on to node's operands: the chain rule at one node."""
    for operand, local in zip(node._prev, node._local):
        operand.grad += local * node.grad  # += : a node used twice gets both shares
