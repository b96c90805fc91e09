"""The table of primitive operations: each row is one op's value and its local derivatives.

Read it like a calculus cheat-sheet. `value` computes the op's output from plain floats;
`derivatives` returns d(out)/d(operand), one entry per operand, in operand order. A rule
returns the pure local derivative f'(x), never upstream * f'(x): the engine multiplies.

The derivative rules use only arithmetic operators and the small helpers below, which work
on floats and on Values alike. On floats they give the numbers stored on each node at
forward time (the fast first-order pass); on Values they build the graph of a derivative,
which can itself be differentiated (higher order).

Calling convention: `value(*inputs)` and `derivatives(out, *inputs)`, the answer first, where
`inputs` are the operands' data followed by the op's constant argument, if it has one (the
exponent of `x ** n`, the slope of leaky_relu).
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


def _linear(b: float, *pairs: float) -> float:
    """b + w1*x1 + ... + wn*xn from b, w1, x1, ..., wn, xn."""
    total = b
    for i in range(0, len(pairs), 2):  # left to right, as micrograd's neuron adds its terms
        total += pairs[i] * pairs[i + 1]
    return total


def _linear_derivatives(out, b, *pairs) -> tuple:
    """1 for b; then d(w*x)/dw = x for each weight and d(w*x)/dx = w for each input."""
    swapped = [1.0, *pairs]
    swapped[1::2] = pairs[1::2]  # each weight's slot gets its input
    swapped[2::2] = pairs[::2]  # each input's slot gets its weight
    return tuple(swapped)


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
# The table. One row per primitive: name, value, local derivatives. `OPS[name]` is the only
# address of a rule: the engine, the drawings, the compiler and grad() all read it there.
#
# Two rows raise to a power: `**` is x ** n for a number n (the op's constant argument: no
# gradient goes to it), `pow` is a ** b with b a Value too (b gets d(a**b)/db = a**b ln a).

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("+", lambda a, b: a + b, lambda out, a, b: (1.0, 1.0)),
        Op(  # x1 + x2 + ... + xn in one node, added left to right
            "sum",
            lambda *xs: sum(xs),
            lambda out, *xs: (1.0,) * len(xs),
        ),
        Op("*", lambda a, b: a * b, lambda out, a, b: (b, a)),
        # A neuron in one node, b + w1*x1 + ... + wn*xn. Its operands are the bias, then each
        # weight beside its input, b, w1, x1, w2, x2, ...: a term's two factors side by side,
        # added in the order micrograd's neuron adds them, so the numbers agree to the last bit.
        Op("linear", _linear, _linear_derivatives),
        Op("neg", lambda x: -x, lambda out, x: (-1.0,)),
        Op(  # x ** n, n a number; d/dx x**0 is 0 even at x = 0 (not 0 * inf), as in PyTorch
            "**",
            _checked_power,
            lambda out, x, n: (n * power(x, n - 1) if n != 0.0 else 0.0,),
        ),
        Op(  # a ** b, both Values
            "pow",
            _checked_power,
            lambda out, a, b: (
                b * power(a, b - 1) if data(b) != 0.0 else 0.0,  # as for x ** 0 above
                _pow_exponent_derivative(a, out),
            ),
        ),
        Op("exp", _exp, lambda out, x: (out,)),
        Op("log", _log, lambda out, x: (1.0 / x,)),
        Op("sqrt", _sqrt, lambda out, x: (0.5 * power(x, -0.5),)),
        Op("tanh", math.tanh, lambda out, x: (1.0 - out * out,)),
        Op("sigmoid", _sigmoid, lambda out, x: (out * (1.0 - out),)),
        Op("softplus", _softplus, lambda out, x: (sigmoid(x),)),
        Op(  # relu'(0) = 0, the convention PyTorch uses at the kink
            "relu",
            lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan, as in PyTorch
            lambda out, x: (1.0 if data(x) > 0.0 else 0.0,),
        ),
        Op(  # slope `alpha` below 0; the derivative at 0 is alpha, as in PyTorch
            "leaky_relu",
            lambda x, alpha: alpha * x if x <= 0.0 else x,
            lambda out, x, alpha: (1.0 if data(x) > 0.0 else alpha,),
        ),
        Op("abs", abs, lambda out, x: (sign(x),)),  # abs'(0) = 0, as in PyTorch
        Op("sin", _sin, lambda out, x: (cos(x),)),
        Op("cos", _cos, lambda out, x: (-sin(x),)),
    )
}


def linear_terms(operands) -> tuple[Any, list[tuple[Any, Any]]]:
    """The bias and the (weight, input) pairs of a linear node's operands (or of anything
    laid out like them: their data, their names)."""
    return operands[0], list(zip(operands[1::2], operands[2::2]))
