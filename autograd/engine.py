"""The Value node and backpropagation.

A Value holds a number (`data`) and, once `backward()` has run, the derivative of the
output with respect to it (`grad`). Every op on Values records a new node that keeps its
operands (`_prev`, in order) and the local derivative d(node)/d(operand) along each edge
(`_local`, computed at forward time from the table in ops.py). Backpropagation is then
one generic loop, `backward_pass()`: visit the nodes from the output back to the leaves,
and pass each node's gradient to its operands, multiplied by the local derivative on the
edge:

    grad of operand += local * grad of node        (the chain rule)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from numbers import Real
from typing import Any

from autograd import anomaly, grad_mode
from autograd.ops import OPS


class Value:
    """A scalar node of a computational graph."""

    # The fields every node has, in slots (small and quick). `_created_at` is set only inside
    # detect_anomaly (the user's line that made the node); `__dict__` takes the attributes a
    # user's code adds (`p.m = 0.0` in a hand-written Adam), made only when one is set.
    __slots__ = ("data", "grad", "_label", "_op", "_prev", "_local", "_arg")
    __slots__ += ("_created_at", "__dict__")
    __array_ufunc__ = None  # lets `numpy.float64(2) * v` fall through to Value.__rmul__

    def __init__(self, data: Real, label: str = "") -> None:
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

    @property
    def label(self) -> str:
        """The node's name in drawings and messages ('' for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:  # checked here, not when a drawing reads it
        if not isinstance(label, str):
            raise TypeError(
                f"label must be a str, the node's name in drawings; got "
                f"{type(label).__name__}: {label!r} (write label=str(...) to use its text)"
            )
        self._label = label

    # --- what a Value is not: a Python number, or something with an order --------------
    # float(v), round(v), math.tanh(v) and v > 0 would drop out of the graph, so each says
    # what to write instead.

    def __float__(self) -> float:
        raise TypeError(_NOT_A_NUMBER)

    def __round__(self, ndigits: int | None = None) -> float:
        raise TypeError(_NOT_A_NUMBER)

    def __lt__(self, other: Any) -> bool:
        raise TypeError(_NOT_ORDERED)

    __le__ = __gt__ = __ge__ = __lt__

    # --- arithmetic -------------------------------------------------------------------
    # `type(other) is Value` first: the common case costs one check; anything else (an int,
    # a numpy number) is turned into a Value, its number a float, before any arithmetic.

    def __add__(self, other: Value | Real) -> Value:
        if type(other) is not Value:
            other = _as_operand(other)
            if other is None:
                return NotImplemented
        return _apply("+", (self, other), (self.data, other.data))

    def __mul__(self, other: Value | Real) -> Value:
        if type(other) is not Value:
            other = _as_operand(other)
            if other is None:
                return NotImplemented
        return _apply("*", (self, other), (self.data, other.data))

    def __pow__(self, exponent: Value | Real) -> Value:
        if isinstance(exponent, Value):  # a ** b: the exponent is a node, and gets a gradient
            return _apply("pow", (self, exponent), (self.data, exponent.data))
        if not isinstance(exponent, Real):
            return NotImplemented
        exponent = float(exponent)  # x ** 2: a number, kept on the node as its argument
        return _apply("**", (self,), (self.data, exponent), exponent)

    def __rpow__(self, base: Real) -> Value:  # 2 ** v
        base = _as_operand(base)
        return NotImplemented if base is None else base**self

    def __neg__(self) -> Value:
        return _apply("neg", (self,), (self.data,))

    def __pos__(self) -> Value:
        return self

    def __sub__(self, other: Value | Real) -> Value:  # a - b = a + (-b)
        if isinstance(other, Value):
            return self + (-other)
        # A number is made a float first: numpy's -uint8(2) would wrap around to 254.
        return self + (-float(other)) if isinstance(other, Real) else NotImplemented

    def __truediv__(self, other: Value | Real) -> Value:  # a / b = a * b**-1
        if isinstance(other, Value):
            return self * _divisor(other) ** -1
        return self * _divisor(float(other)) ** -1 if isinstance(other, Real) else NotImplemented

    def __radd__(self, other: Real) -> Value:  # 1 + v
        return self + other

    def __rmul__(self, other: Real) -> Value:  # 2 * v
        return self * other

    def __rsub__(self, other: Real) -> Value:  # 1 - v = (-v) + 1
        return -self + other

    def __rtruediv__(self, other: Real) -> Value:  # 1 / v = v**-1 * 1
        return _divisor(self) ** -1 * other

    # --- functions ----------------------------------------------------------------------

    def exp(self) -> Value:
        return _apply("exp", (self,), (self.data,))

    def log(self) -> Value:  # natural logarithm
        return _apply("log", (self,), (self.data,))

    def sqrt(self) -> Value:
        return _apply("sqrt", (self,), (self.data,))

    def tanh(self) -> Value:
        return _apply("tanh", (self,), (self.data,))

    def sigmoid(self) -> Value:
        return _apply("sigmoid", (self,), (self.data,))

    def softplus(self) -> Value:  # log(1 + e**x), a smooth relu
        return _apply("softplus", (self,), (self.data,))

    def relu(self) -> Value:
        return _apply("relu", (self,), (self.data,))

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        alpha = _to_float(alpha)
        return _apply("leaky_relu", (self,), (self.data, alpha), alpha)

    def abs(self) -> Value:
        return _apply("abs", (self,), (self.data,))

    __abs__ = abs

    def sin(self) -> Value:
        return _apply("sin", (self,), (self.data,))

    def cos(self) -> Value:
        return _apply("cos", (self,), (self.data,))

    # --- backpropagation ----------------------------------------------------------------

    def backward(self) -> None:
        """Add d(self)/d(node) to `node.grad` for every node of the graph behind self.

        Gradients accumulate, as in PyTorch: call `zero_grad()` (or set `.grad = 0.0`)
        between steps. Calling backward k times adds exactly k times the gradient. If the
        pass stops (detect_anomaly found a NaN), no `.grad` has changed.
        """
        if self._local is NO_GRAPH:
            raise RuntimeError(
                "backward() on a Value computed under no_grad: no graph was recorded, so no "
                "gradient can reach anything; compute it outside the no_grad block"
            )
        for node, grad in gradients({self: 1.0}).items():
            node.grad += grad

    # --- copying and pickling --------------------------------------------------------
    # pickle and copy.deepcopy follow references recursively, so a graph 1,000 ops deep would
    # overflow Python's stack. A Value hands them its whole graph as a flat list instead.

    def __reduce__(self) -> tuple:
        order = topological_order(self)
        position = {node: i for i, node in enumerate(order)}
        records = [
            (
                node.data,
                node.grad,
                node._label,
                node._op,
                tuple(position[operand] for operand in node._prev),
                node._local,
                node._arg,
                getattr(node, "__dict__", {}),
            )
            for node in order
        ]
        return _rebuild_graph, (records,)

    def _backward(self) -> None:
        """One chain-rule step by hand, as in micrograd's lecture: pass self.grad on."""
        for operand, local in zip(self._prev, self._local):
            operand.grad += local * self.grad


class _NoGraph(tuple):
    """The local derivatives of an op's result made under no_grad: none, as a leaf's, but
    told apart from a leaf the user made, which backward() accepts (its grad is 1)."""


NO_GRAPH = _NoGraph()


# --- the backward pass ------------------------------------------------------------------


def backward_pass(
    grads: dict[Value, Any],
    local_derivatives: Callable[[Value], tuple] | None = None,
    start: Any = 0.0,
    order: Sequence[Value] | None = None,
) -> Iterator[Value]:
    """The chain rule over a graph, one node at a time: the one loop behind `backward()`,
    `backward_steps()` and `grad()`.

    `grads` comes in holding each output's gradient (1.0 for a loss) and is filled in as
    the pass goes: each node, in backward_order(), passes its gradient on to its operands,
    `grads[operand] += local * upstream` (an operand enters `grads` at `start` plus its first
    contribution), then is yielded. No `.grad` is written: the caller decides what to do with
    the sums (backward() adds them to `.grad` at the end; grad() returns them).

    `local_derivatives(node)` gives a node's local derivatives: by default the numbers its
    op stored at forward time (`node._local`); grad(create_graph=True) builds them as Values.

    `order` is the order of the visits: backward_order() of the outputs by default. Any order
    in which every node comes after all of its users gives the same sums (backward_steps
    steps a network a layer at a time so).
    """
    if order is None:
        order = backward_order(*grads)
    checking = anomaly.checking()
    for node in order:
        upstream = grads[node]  # complete: every user of node has passed its share on
        locals_ = node._local if local_derivatives is None else local_derivatives(node)
        if checking:
            anomaly.check_backward(node, upstream, locals_)
        unit = upstream == 1.0  # local × 1 is local: skip it, and no `× 1` node in grad()'s graphs
        for operand, local in zip(node._prev, locals_):
            contribution = local if unit else local * upstream
            grads[operand] = grads.get(operand, start) + contribution
        yield node


def gradients(
    seeds: dict[Value, Any],
    local_derivatives: Callable[[Value], tuple] | None = None,
    start: Any = 0.0,
) -> dict[Value, Any]:
    """The backward pass run to the end: every node's gradient, by node."""
    grads = dict(seeds)
    for _ in backward_pass(grads, local_derivatives, start):
        pass
    return grads


def backward_order(*roots: Value) -> list[Value]:
    """The order of the backward pass: the roots first, every node after all of its users."""
    return topological_order(*roots)[::-1]


def topological_order(*roots: Value) -> list[Value]:
    """Every node of the graph behind `roots`, each after all of its operands (roots last).

    An iterative depth-first search: an explicit stack instead of recursion, so a chain
    of a million ops needs no deeper Python stack than a chain of one. A node met for the
    first time goes back on the stack under a PLACE mark, with its unseen operands on top:
    when the mark comes up again, all of them have been placed, and so is the node.
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[Any] = list(reversed(roots))
    while stack:
        node = stack.pop()
        if node is _PLACE:
            order.append(stack.pop())
            continue
        if node in seen:  # reached by two paths before its turn: placed already
            continue
        seen.add(node)
        if not node._prev:  # a leaf has nothing to wait for: placed at once
            order.append(node)
            continue
        stack += (node, _PLACE)
        for operand in reversed(node._prev):  # so that the first operand is placed first
            if operand not in seen:
                stack.append(operand)
    return order


_PLACE = object()  # on topological_order's stack: "the node below me is ready to be placed"


def sum(values: Iterable[Value | Real]) -> Value:  # noqa: A001  (autograd.sum, as torch.sum)
    """x1 + x2 + ... + xn as one node with an edge from each term (local derivative 1).

    The same number as Python's sum() of the Values, in a graph of n + 1 nodes, not 2n.
    """
    terms = tuple([value if type(value) is Value else _as_value(value) for value in values])
    if not terms:
        raise ValueError("autograd.sum() needs at least one value")
    return _apply("sum", terms, [term.data for term in terms])


def linear(inputs: Sequence[Value | Real], weights: Sequence[Value], bias: Value | Real) -> Value:
    """bias + w1*x1 + ... + wn*xn as one node (a neuron before its activation), with an
    edge from the bias (local derivative 1), then from each weight (x_i) and its input (w_i)."""
    if len(inputs) != len(weights):
        raise ValueError(
            f"linear() takes as many inputs as weights; got {len(inputs)} and {len(weights)}"
        )
    operands = [bias if type(bias) is Value else _as_value(bias)]
    for w, x in zip(weights, inputs):  # b, w1, x1, w2, x2, ...: the order of ops.py's row
        operands.append(w if type(w) is Value else _as_value(w))
        operands.append(x if type(x) is Value else _as_value(x))
    operands = tuple(operands)
    return _apply("linear", operands, [v.data for v in operands])


def _apply(
    name: str, operands: tuple[Value, ...], inputs: Sequence[Any], arg: Real | None = None
) -> Value:
    """Record the op `name` applied to `operands`; `inputs` are their data, then the op's
    constant argument, if it has one (the exponent of x ** 2)."""
    op = OPS[name]
    data = op.value(*inputs)  # may raise: nothing has been built yet
    # Both modes belong to a thread; the counts of threads that changed them are 0 almost
    # always, which answers the question without asking this thread.
    checking = anomaly.threads_on and anomaly.is_enabled()
    if checking:
        anomaly.check_forward(name, operands, data)
    if grad_mode.threads_off and not grad_mode.is_grad_enabled():
        result = Value(data)  # a leaf: no graph is kept under no_grad
        result._local = NO_GRAPH  # so that backward() on it can say why it has no graph
        return result
    # The new node is made without Value.__init__, which checks what a user passes: here
    # every field is known to be right, and this line runs for every op of every step.
    node = _new_node(Value)
    node.data = data
    node.grad = 0.0
    node._label = ""
    node._op = name
    node._prev = operands
    node._local = op.derivatives(data, *inputs)
    node._arg = arg
    if checking:
        anomaly.remember(node)
    return node


_new_node = object.__new__  # one name to look up, not `object` then its `__new__`


def _divisor(divisor: Any) -> Any:
    """A Value or a float to divide by. Division by 0 is said here: the power rule would
    speak of raising 0.0 to the power -1."""
    if (divisor.data if isinstance(divisor, Value) else divisor) == 0.0:
        raise ZeroDivisionError("division by zero: the divisor is 0.0")
    return divisor


def _as_operand(other: Any) -> Value | None:
    """The other side of an arithmetic operator as a Value; None when it is not a number,
    which tells Python to try the other side's method (`v + "a"` raises TypeError)."""
    if isinstance(other, Value):
        return other
    return Value(other) if isinstance(other, Real) else None


def _as_value(number: Any) -> Value:
    """A function's argument as a Value; anything that is not a number is an error."""
    if isinstance(number, Value):
        return number
    if not isinstance(number, Real):
        raise TypeError(f"expected a Value or a number; got {type(number).__name__}: {number!r}")
    return Value(number)


_NOT_A_NUMBER = (
    "a Value is a node of the graph, not a Python number: use v.data (or v.item()) for its "
    "number, or the Value's own method (v.tanh(), v.exp(), v.log()...) to stay in the graph"
)
_NOT_ORDERED = (
    "Values are not compared: compare their numbers, as in `v.data > 0` (a comparison has "
    "no derivative, so it is no op of the graph)"
)


def _to_float(data: Any) -> float:
    if isinstance(data, Real):
        return float(data)
    kind = type(data).__name__
    hint = " (use v.data for its number)" if isinstance(data, Value) else ""
    raise TypeError(f"Value() takes a real number (int or float); got {kind}: {data!r}{hint}")


def _rebuild_graph(records: list[tuple]) -> Value:
    """The graph of Value.__reduce__ again; returns its root, the last record."""
    nodes: list[Value] = []
    for data, grad, label, op, operands, local, arg, attributes in records:
        node = object.__new__(Value)
        node.data, node.grad, node._label, node._op = data, grad, label, op
        node._prev = tuple(nodes[i] for i in operands)
        node._local = NO_GRAPH if type(local) is _NoGraph else local
        node._arg = arg
        node.__dict__.update(attributes)
        nodes.append(node)
    return nodes[-1]
