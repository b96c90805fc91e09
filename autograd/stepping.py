"""The backward pass one chain-rule step at a time, to watch backpropagation happen.

    for step in backward_steps(L):
        print(step)         # step 3/7: d = e + c, grad -2: e += 1 × -2 = -2, c += 1 × -2 = -2
        step.draw()         # the graph as it stood: final grads, this node, what it passed on

Each step takes one node, in the order `Value.backward()` visits them (the root first, every
node after all of its users, so its gradient is complete when its turn comes), and passes that
upstream gradient to each operand: `contribution = local × upstream`. On a network, where that
order goes down through every layer for one point before the next point,
`backward_steps(loss, order="layers")` tells it layer by layer instead (see layer_order).
The pass keeps a record that only grows, so a step taken earlier still tells, and draws, the
graph as it stood then.

Grads that were there before. As in the lecture's `_backward()`, each contribution reaches the
operand's `.grad` at once, on top of what earlier passes left there (0 after `zero_grad()`):
between steps `node.grad == earlier + this pass's sum so far`. The record keeps this pass's
sums apart, so the gradient a node passes on is this pass's alone, and each `.grad` is
written as `earlier + sum`: one rounding, the same number `backward()` forms. So after the
last step every `.grad` is exactly what `root.backward()` would have left (in backward()'s
order; for order="layers", see backward_steps), and stepping through twice gives twice the
gradient, as two calls of backward do; stop early, and the nodes keep the sums so far.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from autograd.drawing.dot import draw_dot  # this file sits above the drawing package
from autograd.drawing.names import carried, compact, expression, node_names
from autograd.engine import Value, backward_order, backward_pass, topological_order

if TYPE_CHECKING:
    import graphviz

# The orders a pass can be stepped in; both visit every node after all of its users.
ORDERS = ("backward", "layers")

# What a node's gradient is at a step, from the root's step on:
FINAL = "final"  # its own step has run: it passed its complete gradient on
CURRENT = "current"  # this step's node: its gradient is complete, and it is passing it on now
PARTIAL = "partial"  # it has received some contributions, and may get more
UNREACHED = "unreached"  # nothing has reached it yet


@dataclass(frozen=True)
class Contribution:
    """What one edge carries back in a step: local derivative × upstream gradient."""

    operand: Value
    local: float  # d(node)/d(operand), stored on the edge at forward time
    contribution: float  # local × upstream, added to the operand's gradient


class Received(NamedTuple):
    step: int  # the index of the step that passed it
    amount: float
    total: float  # the operand's gradient for this pass after that step


class BackwardPass:
    """The record of one stepped backward pass, shared by its steps. It only grows."""

    def __init__(self, root: Value, order: str = "backward") -> None:
        self.root = root
        topological = topological_order(root)
        self.names = node_names(topological)  # as draw_text names them: label, or `#i`
        # The steps' order: root first, every node after all of its users.
        backward = topological[::-1]
        self.order = backward if order == "backward" else _by_layer(backward)
        self.step_of = {node: i for i, node in enumerate(self.order)}
        self.received: dict[Value, list[Received]] = {}  # node -> what reached it, in order


@dataclass(frozen=True, eq=False)
class Step:
    """One chain-rule step of a backward pass: `node` hands its gradient to its operands."""

    backward_pass: BackwardPass = field(repr=False)
    index: int  # 0 for the root's step
    node: Value
    upstream: float  # d root/d node for this pass: 1 for the root, else the sum it received
    contributions: tuple[Contribution, ...]  # one per operand, in order (x*x has two)

    @property
    def root(self) -> Value:
        return self.backward_pass.root

    @property
    def number(self) -> int:
        """1 for the first step, `total` for the last."""
        return self.index + 1

    @property
    def total(self) -> int:
        return len(self.backward_pass.order)

    def state(self, node: Value) -> str:
        """FINAL, CURRENT, PARTIAL or UNREACHED: where node's gradient stands at this step."""
        position = self._step_of(node)
        if position < self.index:
            return FINAL
        if position == self.index:
            return CURRENT
        return PARTIAL if self.received(node) else UNREACHED

    def received(self, node: Value) -> list[float]:
        """The contributions summed into node's gradient up to this step, in order."""
        self._step_of(node)  # checks that node is in this graph
        return [r.amount for r in self.backward_pass.received.get(node, ()) if r.step <= self.index]

    def grad(self, node: Value) -> float | None:
        """node's gradient from this pass as it stands after this step (final once node's own
        step has run, the sum so far before); None while nothing has reached it."""
        if node is self.root:
            return 1.0
        self._step_of(node)
        record = self.backward_pass.received.get(node, ())
        totals = [r.total for r in record if r.step <= self.index]
        return totals[-1] if totals else None

    def name(self, node: Value) -> str:
        """node's name in this pass's text: its label, or `#i`, as draw_text names it."""
        self._step_of(node)
        return self.backward_pass.names[node]

    def title(self) -> str:
        """One line for a drawing: `step 3/7: d (grad -2) passes -2 to e, -2 to c`."""
        head = f"step {self.number}/{self.total}: {self.name(self.node)}"
        grad = compact(self.upstream)
        if not self.contributions:
            return f"{head} has its final grad {grad} (a leaf: nothing to pass on)"
        shown = [f"{compact(c.contribution)} to {self.name(c.operand)}" for c in self.contributions]
        if len(shown) > 4:  # a sum of many terms
            shown[3:] = [f"and {len(shown) - 3} more"]
        return f"{head} (grad {grad}) passes {', '.join(shown)}"

    def carried(self, contribution: Contribution) -> str:
        """What an edge carries back, as the chain rule computes it: `1 × -2 = -2`."""
        c = contribution
        return carried(c.local, self.upstream, c.contribution)

    def draw(self, **kwargs: Any) -> graphviz.Digraph:
        """The graph as it stood at this step: `draw_dot(step.root, step=step, **kwargs)`."""
        return draw_dot(self.root, step=self, **kwargs)

    def __str__(self) -> str:
        """`step 3/7: d = e + c, grad -2: e += 1 × -2 = -2, c += 1 × -2 = -2`"""
        if not self.contributions:
            return f"{self._head()}: nothing to pass on"
        parts = [f"{self.name(c.operand)} += {self.carried(c)}" for c in self.contributions]
        return f"{self._head()}: {', '.join(parts)}"

    def _repr_html_(self) -> str:
        """How Jupyter shows a step: a caption and a row per operand."""
        caption = html.escape(self._head())
        if not self.contributions:
            return f"<p>{caption}: nothing to pass on</p>"
        rows = "".join(
            f"<tr><td>{html.escape(self.name(c.operand))}</td><td>{compact(c.local)}</td>"
            f"<td>{compact(self.upstream)}</td><td>{compact(c.contribution)}</td>"
            f"<td>{compact(self.grad(c.operand))}</td></tr>"
            for c in self.contributions
        )
        return (
            f"<table><caption>{caption}</caption><tr><th>operand</th><th>local derivative</th>"
            "<th>× upstream</th><th>= contribution</th><th>its grad so far</th></tr>"
            f"{rows}</table>"
        )

    def _head(self) -> str:
        """`step 3/7: d = e + c, grad -2`, or for a leaf `step 7/7: a (leaf), grad 6`."""
        name = self.name(self.node)
        if self.node._op:
            computed = f"{name} = {expression(self.node, self.backward_pass.names)}"
        else:
            computed = f"{name} (leaf)"
        return f"step {self.number}/{self.total}: {computed}, grad {compact(self.upstream)}"

    def _step_of(self, node: Value) -> int:
        position = self.backward_pass.step_of.get(node) if isinstance(node, Value) else None
        if position is None:
            raise ValueError(
                f"{node!r} is not in the graph behind this step's root"
                f" ({self.name(self.root)}); ask about a node of that graph"
            )
        return position


def backward_steps(root: Value, order: str = "backward") -> Iterator[Step]:
    """Run root's backward pass one node at a time, yielding a Step after each.

    After the last step every `.grad` is what `root.backward()` would have left; between
    steps, each `.grad` holds what earlier passes left plus this pass's sum so far.

    order: "backward" (the default), the order `root.backward()` visits the nodes in; or
        "layers", the order that tells a network's pass as a story: a layer at a time, for
        all the points of a batch, from the output back to the inputs, and in each layer the
        steps of leaves (the weights of the layer above, whose grads are now final) together,
        before the ops. Any graph can be stepped so (see layer_order). The grads at the end
        are backward()'s; only where a node's users are visited in another order than
        backward()'s can its sum differ from backward()'s in the last bit (its terms added
        in another order). On a network's graph, a node's users are all in one layer and
        keep their order, so every grad is exactly backward()'s.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"backward_steps() takes a Value, the output of a computation such as `loss`;"
            f" got {type(root).__name__}: {root!r}"
        )
    if order not in ORDERS:
        raise ValueError(
            f"order must be 'backward' (the order backward() visits the nodes in) or 'layers'"
            f" (a layer of a network at a time); got {order!r}"
        )
    return _steps(root, order)


def layer_order(root: Value) -> list[Value]:
    """The nodes behind root a layer at a time: a valid backward order (every node after all
    of its users) that visits together the nodes at one distance from the root.

    A node's layer is the longest path from the root to it: 0 for the root, and one more than
    its farthest user's. Every user is then in an earlier layer, so visiting layer after layer
    keeps every node after all of its users. On a network that distance is its depth in the
    network: every point's output neuron, then every point's last hidden layer, and so on.
    In a layer, the leaves come first (the weights whose users were the layer before), then
    the ops, each group in backward()'s order.
    """
    return _by_layer(backward_order(root))


def _by_layer(order: list[Value]) -> list[Value]:
    """layer_order, from the graph's backward order (the root first)."""
    layer = {order[0]: 0}
    for node in order:  # every node's users come before it: its layer is known by now
        for operand in node._prev:
            layer[operand] = max(layer.get(operand, 0), layer[node] + 1)
    position = {node: i for i, node in enumerate(order)}
    return sorted(order, key=lambda node: (layer[node], bool(node._op), position[node]))


def _steps(root: Value, order: str) -> Iterator[Step]:
    backward_pass_record = BackwardPass(root, order)  # on the first next(): the grads as they are
    visits = backward_pass_record.order
    earlier = {node: node.grad for node in visits}
    root.grad = earlier[root] + 1.0
    grads = {root: 1.0}  # filled in by the pass that backward() runs, one node at a time
    for index, node in enumerate(backward_pass(grads, order=visits)):
        upstream = grads[node]
        contributions = []
        for operand, local in zip(node._prev, node._local):
            contribution = Contribution(operand, local, local * upstream)  # what the pass added
            operand.grad = earlier[operand] + grads[operand]  # not `+=`: see the module's docstring
            record = backward_pass_record.received.setdefault(operand, [])
            record.append(Received(index, contribution.contribution, grads[operand]))
            contributions.append(contribution)
        yield Step(backward_pass_record, index, node, upstream, tuple(contributions))
