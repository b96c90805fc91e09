"""The numpy backend of autograd.compile: a trace replayed as a few array operations.

    step = autograd.compile(loss_of, backend="numpy")

The python backend writes a line of float code per node. This one runs together the nodes
that can run together, as DyNet's on-the-fly operation batching does: a node's depth is one
more than its deepest operand's (leaves and arguments are at depth 0), so the operands of
every node at one depth are ready once the smaller depths are done. The nodes of one depth
and one op (every neuron of a layer, for every point of the batch) form a group, and each
group is one array operation:

    forward   gather the operands' numbers, row k holding operand k of every node of the
              group; compute every node's value and local derivatives at once; put the
              values in the array of numbers, one slot per node of the trace
    backward  the groups in reverse: each edge's local * g, scatter-added onto its operand's
              g (np.bincount with weights, since an operand, a weight shared by every point,
              may be used by many nodes of a group)

It is `engine.backward_pass()` one group at a time instead of one node at a time: every
user of a node is deeper than the node, so when a group passes its gradients on, each of
its nodes has received all of its own. `print(step.source)` lists the groups.

Each op with an array form below computes what its row of ops.py computes (+, *, sum,
linear and relu to the last bit: they add in the same order). An op without one, or numbers
outside what the array form handles as the row does (the log of 0, a negative number to a
fractional power), run the row itself node by node, raising what it raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd import ops
from autograd.engine import Value

try:
    import numpy as np
except ImportError as error:  # numpy is optional: only this backend needs it
    raise ImportError(
        "autograd.compile(fn, backend='numpy') needs numpy, which is not installed: "
        "pip install numpy (or use the default backend='python')"
    ) from error

Array = Any  # a numpy array
Rule = Callable[[Array, Array | None], tuple[Array, Array] | None]


# --- the ops on arrays ------------------------------------------------------------------
# Each takes `a`, operand k of every node of a group in row a[k], and `c`, the nodes' constant
# arguments (None for ops without one); it returns the values and the local derivatives,
# local[k] aligned with a[k] (or a column that broadcasts to it). None means the numbers do
# not fit the array form: the row of ops.py runs instead, node by node.


def _ones(a: Array) -> Array:
    return np.ones((len(a), 1))  # d/dx_k = 1 for every operand of every node


def _in_order(rows: Array) -> Array:
    """rows[0] + rows[1] + ..., left to right as the rows of ops.py add. numpy sums over the
    first axis row after row, except for a single column, which it sums pairwise: cumsum
    adds in order there."""
    return rows.sum(axis=0) if rows.shape[1] > 1 else np.cumsum(rows, axis=0)[-1]


def _sum(a, c):
    return _in_order(a), _ones(a)


def _linear(a, c):
    # b + w1*x1 + ... + wn*xn, with a = b, w1, x1, w2, x2, ...; added left to right.
    terms = np.empty((len(a) // 2 + 1, a.shape[1]))
    terms[0] = a[0]
    np.multiply(a[1::2], a[2::2], out=terms[1:])
    local = np.empty_like(a)
    local[0] = 1.0  # d/db
    local[1::2] = a[2::2]  # d/dw_i = x_i
    local[2::2] = a[1::2]  # d/dx_i = w_i
    return _in_order(terms), local


def _sigmoid_of(x: Array) -> Array:
    e = np.exp(-np.abs(x))  # the row's two forms: e**-x for x >= 0, e**x below, never overflows
    return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _power_fits(x: Array, n: Array, out: Array) -> bool:
    # Where the row raises (0 to a negative power; a negative base to a fractional one) or
    # overflows, it runs itself; everywhere else np.power is the same C pow.
    fractional = n != np.floor(n)
    return bool(np.all(np.isfinite(out) & ~((x == 0.0) & (n < 0.0)) & ~((x < 0.0) & fractional)))


def _power_local(x: Array, n: Array) -> Array:
    # n * x**(n-1), and 0 for n = 0 even at x = 0; np.power(0, negative) is inf, as the row's power.
    return np.where(n != 0.0, n * np.power(x, n - 1.0), 0.0)


def _pow_n(a, c):  # x ** n, n the nodes' constant argument
    out = np.power(a[0], c)
    return (out, _power_local(a[0], c)[None]) if _power_fits(a[0], c, out) else None


def _pow(a, c):  # a ** b, both operands
    base, exponent = a
    out = np.power(base, exponent)
    if not _power_fits(base, exponent, out):
        return None
    # d/db = a**b ln a: 0 at a = 0, nan below (as the row says why)
    d_exponent = np.where(base > 0.0, out * np.log(np.where(base > 0.0, base, 1.0)), 0.0)
    d_exponent = np.where(base < 0.0, np.nan, d_exponent)
    return out, np.stack([_power_local(base, exponent), d_exponent])


def _log(a, c):
    x = a[0]
    return (np.log(x), (1.0 / x)[None]) if np.all(x > 0.0) else None


def _sqrt(a, c):
    x = a[0]
    return (np.sqrt(x), (0.5 * np.power(x, -0.5))[None]) if np.all(x >= 0.0) else None


def _periodic(value: Callable, local: Callable) -> Rule:  # sin and cos: the row raises at inf
    def rule(a, c):
        x = a[0]
        return (value(x), local(x)[None]) if not np.any(np.isinf(x)) else None

    return rule


def _unary(value: Callable, local: Callable[[Array, Array], Array]) -> Rule:
    """An op of one operand whose array form always fits; local(out, x)."""

    def rule(a, c):
        out = value(a[0]) if c is None else value(a[0], c)
        d = local(out, a[0]) if c is None else local(out, a[0], c)
        return out, d[None] if np.ndim(d) else np.full((1, 1), d)

    return rule


ARRAY_RULES: dict[str, Rule] = {
    "+": lambda a, c: (a[0] + a[1], _ones(a)),
    "sum": _sum,
    "*": lambda a, c: (a[0] * a[1], a[::-1]),  # d(ab)/da = b, d(ab)/db = a
    "linear": _linear,
    "neg": _unary(np.negative, lambda out, x: -1.0),
    "**": _pow_n,
    "pow": _pow,
    "exp": _unary(np.exp, lambda out, x: out),
    "log": _log,
    "sqrt": _sqrt,
    "tanh": _unary(np.tanh, lambda out, x: 1.0 - out * out),
    "sigmoid": _unary(_sigmoid_of, lambda out, x: out * (1.0 - out)),
    "softplus": _unary(
        lambda x: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))),
        lambda out, x: _sigmoid_of(x),
    ),
    # x <= 0 is False for nan, so nan passes through, and its derivative is 0, as in the rows.
    "relu": _unary(lambda x: np.where(x <= 0.0, 0.0, x), lambda out, x: (x > 0.0) * 1.0),
    "leaky_relu": _unary(
        lambda x, alpha: np.where(x <= 0.0, alpha * x, x),
        lambda out, x, alpha: np.where(x > 0.0, 1.0, alpha),
    ),
    "abs": _unary(np.abs, lambda out, x: (x > 0.0) * 1.0 - (x < 0.0)),  # abs'(0) = abs'(nan) = 0
    "sin": _periodic(np.sin, np.cos),
    "cos": _periodic(np.cos, lambda x: -np.sin(x)),
}


def _row_by_row(row: ops.Op, a: Array, c: Array | None) -> tuple[Array, Array]:
    """The row of ops.py on each node in turn: for the ops and numbers with no array form."""
    columns = a.T.tolist()  # Python floats: the rows' helpers tell floats from Values
    args = c.tolist() if c is not None else None
    values, local = [], []
    for k, inputs in enumerate(columns):
        if args is not None:
            inputs.append(args[k])
        out = row.value(*inputs)
        values.append(out)
        local.append(row.derivatives(out, *inputs))
    return np.array(values, dtype=float), np.array(local, dtype=float).T


# --- the plan -----------------------------------------------------------------------------


class _Group:
    """Nodes of one depth and one op, with as many operands each: one array operation."""

    def __init__(
        self,
        op: str,
        depth: int,
        nodes: list[int],
        operands: list[tuple[int, ...]],
        args: list[float] | None,
    ) -> None:
        self.op = op
        self.depth = depth
        self.nodes = np.array(nodes)  # their slots
        self.index = np.array(operands).T  # index[k][i]: the slot of node i's operand k
        self.args = None if args is None else np.array(args, dtype=float)
        self.rule = ARRAY_RULES.get(op)
        self.row = ops.OPS[op]

    def describe(self) -> str:
        how = "" if self.rule is not None else " (the row of ops.py, node by node)"
        return f"depth {self.depth}: {self.op} x{len(self.nodes)}, {len(self.index)} operands{how}"

    def forward(self, numbers: Array) -> Array:
        """Every node's value into `numbers`; returns the local derivatives."""
        a = numbers.take(self.index)
        result = self.rule(a, self.args) if self.rule is not None else None
        values, local = result if result is not None else _row_by_row(self.row, a, self.args)
        numbers[self.nodes] = values
        return local


class _Scatter:
    """grads[index] += contributions, where an index may repeat (a weight shared by every
    point of the batch): the contributions to one operand are added up first."""

    def __init__(self, index: Array) -> None:
        self.index = index.ravel()
        self.targets, inverse = np.unique(self.index, return_inverse=True)
        self.inverse = inverse.ravel()
        self.shared = len(self.targets) < len(self.index)

    def add(self, grads: Array, contributions: Array) -> None:
        if self.shared:
            grads[self.targets] += np.bincount(
                self.inverse, weights=contributions, minlength=len(self.targets)
            )
        else:
            grads[self.index] += contributions


class _Backward:
    """One group's step of the backward pass, over the nodes of it that the output needs:
    local * g along each edge, added onto the operand's g."""

    def __init__(self, group: int, select: Array | None, nodes: Array, index: Array) -> None:
        self.group = group  # position of the group's local derivatives in the forward's list
        self.select = select  # the columns of the group's nodes to pass on; None for all
        self.nodes = nodes
        self.scatter = _Scatter(index)

    def run(self, grads: Array, local: Array) -> None:
        if self.select is not None and local.shape[1] > 1:
            local = local[:, self.select]
        self.scatter.add(grads, (local * grads[self.nodes]).ravel())


class _Layer:
    """A group of linear nodes that is a layer: J neurons (a bias and F weights each) applied
    to P inputs (F numbers each), every neuron to every input once. Its forward pass is then
    one matrix product, out[j, p] = b[j] + W[j] . X[:, p], and its backward pass three:

        d/db[j] = sum over p of g[j, p]        d/dW = g X^T        d/dX = W^T g

    BLAS adds the terms in an order of its own, not left to right: the numbers agree with
    the row's to the last bit or two, well within 1e-12."""

    def __init__(
        self, group: _Group, bias: Array, weights: Array, inputs: Array, nodes: Array
    ) -> None:
        self.depth = group.depth
        self.nodes = nodes.ravel()  # nodes[j, p]: the slot of neuron j on input p
        self.shape = nodes.shape
        self.bias, self.weights, self.inputs = bias, weights, inputs  # (J,), (J, F), (F, P)
        self.scatter = _Scatter(np.concatenate([bias, weights.ravel(), inputs.ravel()]))

    def describe(self) -> str:
        (neurons, inputs), fan_in = self.shape, self.weights.shape[1]
        return (
            f"depth {self.depth}: linear x{neurons * inputs}, a layer: {neurons} neurons on "
            f"{inputs} inputs of {fan_in}, as matrix products"
        )

    def forward(self, numbers: Array) -> tuple[Array, Array]:
        w, x = numbers.take(self.weights), numbers.take(self.inputs)
        out = w @ x
        out += numbers.take(self.bias)[:, None]
        numbers[self.nodes] = out.ravel()
        return w, x

    def run(self, grads: Array, saved: tuple[Array, Array]) -> None:
        w, x = saved
        g = grads.take(self.nodes).reshape(self.shape)
        self.scatter.add(
            grads, np.concatenate([g.sum(axis=1), (g @ x.T).ravel(), (w.T @ g).ravel()])
        )


def _as_layer(group: _Group) -> _Layer | None:
    """The group as a _Layer, if its nodes are every neuron on every input, each once."""
    if group.op != "linear" or len(group.index) < 3:
        return None
    index = group.index.T.tolist()  # per node: b, w1, x1, w2, x2, ...
    neurons: dict[tuple, int] = {}
    inputs: dict[tuple, int] = {}
    cells = {}
    for node, slots in zip(group.nodes.tolist(), index):
        j = neurons.setdefault((slots[0], *slots[1::2]), len(neurons))
        p = inputs.setdefault(tuple(slots[2::2]), len(inputs))
        cells[j, p] = node
    if len(cells) != len(index) or len(cells) != len(neurons) * len(inputs):
        return None
    if len(neurons) == 1 or len(inputs) == 1:
        return None  # a single row or column: the general form does as well
    nodes = np.array([[cells[j, p] for p in range(len(inputs))] for j in range(len(neurons))])
    keys = list(neurons)
    bias = np.array([key[0] for key in keys])
    weights = np.array([key[1:] for key in keys])
    columns = np.array(list(inputs)).T  # (F, P)
    return _Layer(group, bias, weights, columns, nodes)


def replay_function(
    program: list[Value], position: dict, inputs: list[Value], outputs: list[Value], trace: Any
) -> tuple[str, Callable]:
    """`replay(numbers, free) -> (output, extras, grads, looked_at)`, as the python backend's
    code computes it, and a description of its array operations for `step.source`."""
    input_set = set(inputs)
    depth = [0] * len(program)
    groups: dict[tuple, tuple[list, list, list]] = {}  # (depth, op, operands) -> the nodes
    for i, node in enumerate(program):
        if not node._prev or node in input_set:
            continue  # a leaf or an argument: its number is given
        if node._op not in ops.OPS:
            raise ValueError(f"compile() cannot replay the op {node._op!r}")
        slots = tuple(position[operand] for operand in node._prev)
        depth[i] = 1 + max(depth[j] for j in slots)
        nodes, operands, args = groups.setdefault((depth[i], node._op, len(slots)), ([], [], []))
        nodes.append(i)
        operands.append(slots)
        args.append(node._arg)
    plan = [
        _Group(op, d, nodes, operands, None if args[0] is None else args)
        for (d, op, _), (nodes, operands, args) in sorted(groups.items(), key=lambda kv: kv[0][0])
    ]

    # Backward: only the nodes the output depends on pass a gradient on, as in backward().
    needed = [False] * len(program)
    needed[position[outputs[0]]] = True
    for i in range(len(program) - 1, -1, -1):  # every node's users come before it
        node = program[i]
        if needed[i] and node not in input_set:
            for operand in node._prev:
                needed[position[operand]] = True
    steps: list[Any] = []
    for k, group in enumerate(plan):
        keep = np.array([needed[i] for i in group.nodes.tolist()], dtype=bool)
        layer = _as_layer(group) if keep.all() else None
        if layer is not None:
            plan[k] = layer
            steps.append((k, layer))
        elif keep.any():
            select = None if keep.all() else np.flatnonzero(keep)
            columns = slice(None) if select is None else select
            steps.append((k, _Backward(k, select, group.nodes[columns], group.index[:, columns])))
    steps.reverse()

    size = len(program)
    given = [k for k, p in enumerate(trace.input_positions) if p is not None]
    given_slots = np.array([trace.input_positions[k] for k in given], dtype=int)
    free_slots = np.array([position[leaf] for leaf in trace.free_leaves], dtype=int)
    # Where each returned gradient is; an argument outside the program gets a 0.
    grad_slots = [p if p is not None else size for p in trace.input_positions]
    grad_slots = np.array(grad_slots + free_slots.tolist(), dtype=int)
    output = position[outputs[0]]
    extra_slots = np.array([position[o] for o in outputs[1:]], dtype=int)
    looked_slots = np.array([p for p, _ in trace.guards_inside], dtype=int)

    def replay(numbers: list[float], free: list[float]) -> tuple:
        with np.errstate(all="ignore"):  # inf and nan as the rows give them, without warnings
            values = np.empty(size)
            values[given_slots] = [numbers[k] for k in given]
            values[free_slots] = free
            saved = [
                group.forward(values) for group in plan
            ]  # local derivatives, or a layer's W, X
            grads = np.zeros(size + 1)  # one more slot: the 0 of an argument left out
            grads[output] = 1.0
            for k, step in steps:  # every node's users come before it
                step.run(grads, saved[k])
        return (
            values[output].item(),
            tuple(values[extra_slots].tolist()),
            tuple(grads[grad_slots].tolist()),
            tuple(values[looked_slots].tolist()),
        )

    return _describe(plan, size), replay


def _describe(plan: list, size: int) -> str:
    lines = [f"# numpy replay: {size} nodes in {len(plan)} groups, each run at once"]
    lines += [f"# {group.describe()}" for group in plan]
    return "\n".join(lines) + "\n"
