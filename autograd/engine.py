"""The Value node and backpropagation.

A Value holds a number (`data`) and, once `backward()` has run, the derivative of the
output with respect to it (`grad`). Every op on Values records a new node that keeps its
operands (`_prev`, in order) and the local derivative d(node)/d(operand) along each edge
(`_local`, computed at forward time from the table in ops.py). Backpropagation is then
one generic loop: visit the nodes from the output back to the leaves, and pass each
node's gradient to its operands, multiplied by the local derivative on the edge:

    operand.grad += local * node.grad        (the chain rule)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Real
from typing import Any

from autograd import anomaly, grad_mode, ops
from autograd.ops import Op


class Value:
    """A scalar node of a computational graph."""

    __slots__ = ("data", "grad", "label", "_op", "_prev", "_local", "_arg")
    __array_ufunc__ = None  # lets `numpy.float64(2) * v` fall through to Value.__rmul__

    def __init__(self, data: Real, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str; got {type(label).__name__}: {label!r}")
        self.data = data if type(data) is float else _to_float(data)
        self.grad = 0.0
        self.label = label
        self._op = ""  # the op that made this node; '' for a leaf
        self._prev: tuple[Value, ...] = ()  # operands, in order, duplicates kept
        self._local: tuple[Any, ...] = ()  # d(self)/d(operand), aligned with _prev
        self._arg: Real | None = None  # the op's constant argument, if it has one

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data}, grad={self.grad}{label})"

    def __format__(self, spec: str) -> str:
        return format(self.data, spec) if spec else repr(self)  # f"{loss:.4f}"

    def item(self) -> float:
        return self.data

    # --- arithmetic -------------------------------------------------------------------

    def __add__(self, other: Value | Real) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is None:
                return NotImplemented
        return _apply(ops.ADD, (self, other), (self.data, other.data))

    def __mul__(self, other: Value | Real) -> Value:
        if type(other) is not Value:
            other = _operand(other)
            if other is None:
                return NotImplemented
        return _apply(ops.MUL, (self, other), (self.data, other.data))

    def __pow__(self, exponent: Value | Real) -> Value:
        if isinstance(exponent, Value):
            return _apply(ops.POW, (self, exponent), (self.data, exponent.data))
        if not isinstance(exponent, Real):
            return NotImplemented
        exponent = float(exponent)
        return _apply(ops.POWER, (self,), (self.data, exponent), exponent)

    def __rpow__(self, base: Real) -> Value:  # 2 ** v
        base = _operand(base)
        return NotImplemented if base is None else base**self

    def __neg__(self) -> Value:
        return _apply(ops.NEG, (self,), (self.data,))

    def __pos__(self) -> Value:
        return self

    def __sub__(self, other: Value | Real) -> Value:  # a - b = a + (-b)
        return self + (-other) if isinstance(other, (Value, Real)) else NotImplemented

    def __truediv__(self, other: Value | Real) -> Value:  # a / b = a * b**-1
        return self * other**-1 if isinstance(other, (Value, Real)) else NotImplemented

    def __radd__(self, other: Real) -> Value:  # 1 + v
        return self + other

    def __rmul__(self, other: Real) -> Value:  # 2 * v
        return self * other

    def __rsub__(self, other: Real) -> Value:  # 1 - v = (-v) + 1
        return -self + other

    def __rtruediv__(self, other: Real) -> Value:  # 1 / v = v**-1 * 1
        return self**-1 * other

    # --- functions ----------------------------------------------------------------------

    def exp(self) -> Value:
        return _apply(ops.EXP, (self,), (self.data,))

    def log(self) -> Value:  # natural logarithm
        return _apply(ops.LOG, (self,), (self.data,))

    def sqrt(self) -> Value:
        return _apply(ops.SQRT, (self,), (self.data,))

    def tanh(self) -> Value:
        return _apply(ops.TANH, (self,), (self.data,))

    def sigmoid(self) -> Value:
        return _apply(ops.SIGMOID, (self,), (self.data,))

    def softplus(self) -> Value:  # log(1 + e**x), a smooth relu
        return _apply(ops.SOFTPLUS, (self,), (self.data,))

    def relu(self) -> Value:
        return _apply(ops.RELU, (self,), (self.data,))

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        alpha = _to_float(alpha)
        return _apply(ops.LEAKY_RELU, (self,), (self.data, alpha), alpha)

    def abs(self) -> Value:
        return _apply(ops.ABS, (self,), (self.data,))

    __abs__ = abs

    def sin(self) -> Value:
        return _apply(ops.SIN, (self,), (self.data,))

    def cos(self) -> Value:
        return _apply(ops.COS, (self,), (self.data,))

    # --- backpropagation ----------------------------------------------------------------

    def backward(self) -> None:
        """Add d(self)/d(node) to `node.grad` for every node of the graph behind self.

        Gradients accumulate, as in PyTorch: call `zero_grad()` (or set `.grad = 0.0`)
        between steps. Calling backward k times adds exactly k times the gradient.
        """
        order = topological_order(self)
        earlier = [node.grad for node in order]  # what earlier passes left, added back below
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        checking = anomaly.enabled
        try:
            for node in reversed(order):  # every node's users come before it
                upstream = node.grad  # final: all of node's users have passed theirs on
                if checking:
                    anomaly.check_backward(node, upstream, node._local)
                for operand, local in zip(node._prev, node._local):
                    operand.grad += local * upstream
        except BaseException:  # detect_anomaly stopped the pass: leave the grads as they were
            for node, grad in zip(order, earlier):
                node.grad = grad
            raise
        for node, grad in zip(order, earlier):
            node.grad += grad

    def _backward(self) -> None:
        """One chain-rule step by hand, as in micrograd's lecture: pass self.grad on."""
        for operand, local in zip(self._prev, self._local):
            operand.grad += local * self.grad


def topological_order(*roots: Value) -> list[Value]:
    """Every node of the graph behind `roots`, each after all of its operands (roots last).

    An iterative depth-first search: an explicit stack instead of recursion, so a chain
    of a million ops needs no deeper Python stack than a chain of one. A node stays on
    the stack while its operands are placed, and is placed when it comes back to the top.
    """
    order: list[Value] = []
    expanded: set[Value] = set()  # operands pushed
    placed: set[Value] = set()  # in `order`
    stack = list(reversed(roots))
    while stack:
        node = stack[-1]
        if node in expanded:
            stack.pop()
            if node not in placed:  # a node reached twice is on the stack twice
                placed.add(node)
                order.append(node)
            continue
        expanded.add(node)
        for operand in reversed(node._prev):  # so that the first operand is placed first
            if operand not in expanded:
                stack.append(operand)
    return order


def sum(values: Iterable[Value | Real]) -> Value:  # noqa: A001  (autograd.sum, as torch.sum)
    """x1 + x2 + ... + xn as one node with an edge from each term (local derivative 1).

    The same number as Python's sum() of the Values, in a graph of n + 1 nodes, not 2n.
    """
    terms = tuple([value if type(value) is Value else _constant(value) for value in values])
    if not terms:
        raise ValueError("autograd.sum() needs at least one value")
    return _apply(ops.SUM, terms, [term.data for term in terms])


def linear(inputs: Sequence[Value | Real], weights: Sequence[Value], bias: Value | Real) -> Value:
    """bias + w1*x1 + ... + wn*xn as one node (a neuron before its activation), with an
    edge from each weight (local derivative x_i), each input (w_i) and the bias (1)."""
    if len(inputs) != len(weights):
        raise ValueError(
            f"linear() takes as many inputs as weights; got {len(inputs)} and {len(weights)}"
        )
    operands = [_constant(bias)]
    for w, x in zip(weights, inputs):
        operands.append(w if type(w) is Value else _constant(w))
        operands.append(x if type(x) is Value else _constant(x))
    return _apply(ops.LINEAR, tuple(operands), [v.data for v in operands])


def _apply(
    op: Op, operands: tuple[Value, ...], inputs: Sequence[Any], arg: Real | None = None
) -> Value:
    """Record `op` applied to `operands`; `inputs` are their data, then op's argument."""
    data = op.value(*inputs)  # may raise: nothing has been built yet
    checking = anomaly.enabled
    if checking:
        anomaly.check_forward(op.name, operands, data)
    if not grad_mode.enabled:
        return Value(data)
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node._op = op.name
    node._prev = operands
    node._local = op.derivatives(*inputs, data)
    node._arg = arg
    if checking:
        anomaly.remember(node)
    return node


_new_value = object.__new__  # a node skips Value.__init__: _apply sets every field itself


def _operand(other: Any) -> Value | None:
    """The other side of a binary op as a Value, or None when it is not a number."""
    if isinstance(other, Value):
        return other
    return Value(other) if isinstance(other, Real) else None


def _constant(number: Any) -> Value:
    if isinstance(number, Value):
        return number
    if not isinstance(number, Real):
        raise TypeError(f"expected a Value or a number; got {type(number).__name__}: {number!r}")
    return Value(number)


def _to_float(data: Any) -> float:
    if isinstance(data, Real):
        return float(data)
    kind = type(data).__name__
    hint = " (use v.data for its number)" if isinstance(data, Value) else ""
    raise TypeError(f"Value() takes a real number (int or float); got {kind}: {data!r}{hint}")
