"""The table of primitive operations: each row is one op's value and its local derivatives.

Read it like a calculus cheat-sheet. `value` computes the op's output from plain floats;
`derivatives` returns d(out)/d(operand), one entry per operand, in operand order. A rule
returns the pure local derivative f'(x), never upstream * f'(x): the engine multiplies.

The derivative rules use only arithmetic operators and the small helpers below, which work
on floats and on Values alike. On floats they give the numbers stored on each node at
forward time (the fast first-order pass); on Values they build the graph of a derivative,
which can itself be differentiated (higher order).

Calling convention: `value(*inputs)` and `derivatives(*inputs, out)`, where `inputs` are
the operands' data followed by the op's constant argument, if it has one (the exponent of
`x ** n`, the slope of leaky_relu).
"""

import math
from collections.abc import Callable
from typing import Any, NamedTuple


class Op(NamedTuple):
    name: str  # what node._op holds and the drawing shows
    value: Callable[..., float]
    derivatives: Callable[..., tuple[Any, ...]]


# ---------------------------------------------------------------------------------------
# Helpers that work on a float or a Value. Data is always a float, so anything that is not
# a float here is a Value, and its method records the op in the graph.


def exp(x):
    return _exp(x) if type(x) is float else x.exp()


def log(x):
    return _log(x) if type(x) is float else x.log()


def sigmoid(x):
    return _sigmoid(x) if type(x) is float else x.sigmoid()


def sin(x):
    return _sin(x) if type(x) is float else x.sin()


def cos(x):
    return _cos(x) if type(x) is float else x.cos()


def power(x, n):
    if data(x) == 0.0 and data(n) < 0.0:
        return math.inf  # a derivative that is infinite at 0, as sqrt'(0): inf, as in PyTorch
    return _power(x, n) if type(x) is float else x**n


def data(x) -> float:
    return x if type(x) is float else x.data


# The derivative of a piecewise-linear op (relu, leaky_relu, abs) is a constant on each side
# of its kink, so its rule returns a plain float even on the Value path: a constant, whose
# own derivative is 0, as PyTorch gives for relu'' and abs''.


def sign(x) -> float:
    d = data(x)
    return 1.0 if d > 0.0 else -1.0 if d < 0.0 else 0.0


# ---------------------------------------------------------------------------------------
# Float versions with the checks and stable forms that plain `math` lacks.


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:  # e**x past 709.78 is inf in IEEE arithmetic, as in PyTorch
        return math.inf


def _log(x: float) -> float:
    if x <= 0.0:
        raise ValueError(f"log is defined for positive numbers only; got {x!r}")
    return math.log(x)


def _sigmoid(x: float) -> float:
    # Two forms so that exp never overflows: for x < 0, e**-x would, e**x cannot.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e**x) = max(x, 0) + log(1 + e**-|x|), which never overflows.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sin(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"sin is not defined at {x!r}")
    return math.sin(x)


def _cos(x: float) -> float:
    if math.isinf(x):
        raise ValueError(f"cos is not defined at {x!r}")
    return math.cos(x)


def _linear(b: float, wx: tuple[float, ...]) -> float:
    total = b
    for i in range(0, len(wx), 2):  # left to right, as micrograd's neuron adds its terms
        total += wx[i] * wx[i + 1]
    return total


def _swapped_pairs(wx: tuple) -> list:
    swapped = []
    for w, x in zip(wx[::2], wx[1::2]):
        swapped += (x, w)  # d(w*x)/dw = x, d(w*x)/dx = w
    return swapped


def _sqrt(x: float) -> float:
    if x < 0.0:
        raise ValueError(f"sqrt is defined for non-negative numbers only; got {x!r}")
    return math.sqrt(x)


def _power(x: float, n: float) -> float:
    """x ** n for a real result only."""
    try:
        result = x**n
    except OverflowError:  # past 1.8e308: inf, as in IEEE arithmetic and PyTorch
        return -math.inf if x < 0.0 and n % 2.0 == 1.0 else math.inf
    if isinstance(result, complex):
        raise ValueError(
            f"{x!r} ** {n!r} is not a real number: a negative base needs an integer exponent"
        )
    return result


def _checked_power(x: float, n: float) -> float:
    if x == 0.0 and n < 0.0:
        raise ZeroDivisionError(f"0.0 cannot be raised to the negative power {n!r}")
    return _power(x, n)


def _pow_exponent_derivative(a, out):
    # d(a**b)/db = a**b ln a. At a = 0 (with b > 0) the limit is 0, as PyTorch takes it;
    # for a < 0 it is not a real number, so nan, as PyTorch gives.
    base = data(a)
    if base > 0.0:
        return out * log(a)
    return 0.0 if base == 0.0 else math.nan


# ---------------------------------------------------------------------------------------
# The table. One row per primitive: name, value, local derivatives.

ADD = Op("+", lambda a, b: a + b, lambda a, b, out: (1.0, 1.0))
SUM = Op(  # x1 + x2 + ... + xn in one node, added left to right; the last input is `out`
    "sum",
    lambda *xs: sum(xs),
    lambda *xs_and_out: (1.0,) * (len(xs_and_out) - 1),
)
MUL = Op("*", lambda a, b: a * b, lambda a, b, out: (b, a))
LINEAR = Op(  # a neuron in one node: b + w1*x1 + ... + wn*xn, operands b, w1, x1, ..., wn, xn
    "linear",
    lambda b, *wx: _linear(b, wx),
    lambda b, *wx_and_out: (1.0, *_swapped_pairs(wx_and_out[:-1])),  # 1; x_i for w_i, w_i for x_i
)
NEG = Op("neg", lambda x: -x, lambda x, out: (-1.0,))
POWER = Op(  # x ** n for a number n; d/dx x**0 is 0 even at x = 0 (not 0 * inf), as in PyTorch
    "**",
    _checked_power,
    lambda x, n, out: (n * power(x, n - 1) if n != 0.0 else 0.0,),
)
POW = Op(  # a ** b with both a Value
    "pow",
    _checked_power,
    lambda a, b, out: (
        b * power(a, b - 1) if data(b) != 0.0 else 0.0,  # as for x ** 0 above
        _pow_exponent_derivative(a, out),
    ),
)
EXP = Op("exp", _exp, lambda x, out: (out,))
LOG = Op("log", _log, lambda x, out: (1.0 / x,))
SQRT = Op("sqrt", _sqrt, lambda x, out: (0.5 * power(x, -0.5),))
TANH = Op("tanh", math.tanh, lambda x, out: (1.0 - out * out,))
SIGMOID = Op("sigmoid", _sigmoid, lambda x, out: (out * (1.0 - out),))
SOFTPLUS = Op("softplus", _softplus, lambda x, out: (sigmoid(x),))
RELU = Op(  # relu'(0) = 0, the convention PyTorch uses at the kink
    "relu",
    lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan, as in PyTorch
    lambda x, out: (1.0 if data(x) > 0.0 else 0.0,),
)
LEAKY_RELU = Op(  # slope `alpha` below 0; the derivative at 0 is alpha, as in PyTorch
    "leaky_relu",
    lambda x, alpha: alpha * x if x <= 0.0 else x,
    lambda x, alpha, out: (1.0 if data(x) > 0.0 else alpha,),
)
ABS = Op("abs", abs, lambda x, out: (sign(x),))  # abs'(0) = 0, as in PyTorch
SIN = Op("sin", _sin, lambda x, out: (cos(x),))
COS = Op("cos", _cos, lambda x, out: (-sin(x),))

# Every primitive by the name a node records in `_op`.
OPS: dict[str, Op] = {
    op.name: op
    for op in (ADD, SUM, MUL, LINEAR, NEG, POWER, POW, EXP, LOG, SQRT, TANH, SIGMOID, SOFTPLUS)
    + (RELU, LEAKY_RELU, ABS, SIN, COS)
}
