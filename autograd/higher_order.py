"""Gradients as Values, after torch.autograd.grad: derivatives of derivatives, Jacobians, Hessians.

`backward()` adds numbers to `.grad`. `grad()` instead returns the gradients, and with
`create_graph=True` it builds them as a graph of Values, by evaluating each op's derivative
rule from ops.py on Values instead of floats. That graph can be drawn, or differentiated
again, to any order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any

from autograd import anomaly, grad_mode, ops
from autograd.engine import Value, gradients


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Real | Value | Sequence[Real | Value] | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Value | None, ...]:
    """The gradients of `outputs` with respect to `inputs`, one Value per input.

    With several outputs it returns the gradient of sum(grad_output * output) (each
    grad_output 1 by default). With `create_graph=True` the gradients are nodes of a graph
    and can be differentiated again. No `.grad` anywhere is changed. An input that the
    outputs do not depend on is an error, or None with `allow_unused=True`.
    """
    outputs = _values(outputs, "outputs")
    inputs = _values(inputs, "inputs")
    seeds = _seeds(grad_outputs, len(outputs))

    seeded: dict[Value, Any] = {}  # d(outputs)/d(output): an output given twice gets both
    for output, seed in zip(outputs, seeds):
        seeded[output] = seeded[output] + seed if output in seeded else seed
    with grad_mode.set_grad_enabled(create_graph):
        if create_graph:  # derivatives as Values; NO_GRADIENT + c is c: no `0 +` nodes
            grads = gradients(seeded, local_derivatives, start=NO_GRADIENT)
        else:
            grads = gradients(seeded, start=NO_GRADIENT)

    results: list[Value | None] = []
    for i, x in enumerate(inputs):
        g = grads.get(x)
        g = None if g is NO_GRADIENT else g
        if g is None and not allow_unused:
            name = f" ({x.label!r})" if x.label else ""
            raise ValueError(
                f"input {i}{name} is not used by the outputs, so it has no gradient; pass "
                "allow_unused=True to get None for it"
            )
        results.append(g if g is None or isinstance(g, Value) else Value(g))
    return tuple(results)


class _NoGradient:
    """Where a gradient starts in grad(): adding a contribution to it gives the contribution
    itself, so a derivative built of Values has no `0 +` node, and an input nothing reaches
    is told apart from one whose gradient is 0."""

    __slots__ = ()

    def __add__(self, contribution: Any) -> Any:
        return contribution

    def __repr__(self) -> str:
        return "NO_GRADIENT"


NO_GRADIENT = _NoGradient()


def local_derivatives(node: Value) -> tuple[Any, ...]:
    """node's local derivatives as Values: its op's rule from ops.py, run on the operands."""
    if not node._prev:
        return ()  # a leaf passes nothing on
    if node._op not in ops.OPS:  # a node of autograd.compile: its edges hold numbers only
        raise TypeError(
            f"cannot differentiate through a {node._op!r} node twice: build the graph without "
            "autograd.compile to take higher derivatives"
        )
    rule = ops.OPS[node._op].derivatives
    inputs = node._prev if node._arg is None else (*node._prev, node._arg)
    if not anomaly.checking():
        return rule(node, *inputs)
    with anomaly.paused():  # grad() checks the result as a gradient of the op the user wrote
        return rule(node, *inputs)


def jacobian(
    f: Callable[..., Value | Sequence[Value]], inputs: Sequence[Real]
) -> list[list[float]]:
    """d f_i / d x_j at `inputs`, for f taking one Value per input (f(*xs), as in PyTorch)."""
    xs = _leaves(inputs)
    with grad_mode.enable_grad():  # even inside no_grad: the graph is what we differentiate
        ys = f(*xs)
    ys = [ys] if isinstance(ys, Value) else list(ys)
    return [_floats(grad(y, xs, allow_unused=True)) for y in ys]


def hessian(f: Callable[..., Value], inputs: Sequence[Real]) -> list[list[float]]:
    """d² f / d x_i d x_j at `inputs`, for f taking one Value per input and returning one."""
    xs = _leaves(inputs)
    with grad_mode.enable_grad():
        y = f(*xs)
    if not isinstance(y, Value):
        raise TypeError(f"hessian needs f to return one Value; got {type(y).__name__}")
    first = grad(y, xs, create_graph=True, allow_unused=True)
    return [
        [0.0] * len(xs) if g is None else _floats(grad(g, xs, allow_unused=True)) for g in first
    ]


def _values(values: Value | Sequence[Value], name: str) -> list[Value]:
    if isinstance(values, Value):
        return [values]
    if not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be a Value or a list of Values; got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name} is empty: pass a Value or a list of Values")
    for v in values:
        if not isinstance(v, Value):
            raise TypeError(f"{name} must be Values; got {type(v).__name__}: {v!r}")
    return values


def _seeds(grad_outputs: Any, count: int) -> list[Any]:
    if grad_outputs is None:
        return [1.0] * count
    seeds = [grad_outputs] if isinstance(grad_outputs, (Value, Real)) else list(grad_outputs)
    if len(seeds) != count:
        raise ValueError(f"grad_outputs has {len(seeds)} entries for {count} outputs")
    return [s if isinstance(s, Value) else float(s) for s in seeds]


def _leaves(inputs: Sequence[Real | Value]) -> list[Value]:
    numbers = [x.data if isinstance(x, Value) else x for x in inputs]
    return [Value(x, label=f"x{i}") for i, x in enumerate(numbers)]


def _floats(gradients: tuple[Value | None, ...]) -> list[float]:
    return [0.0 if g is None else g.data for g in gradients]
