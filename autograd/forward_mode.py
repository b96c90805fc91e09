"""Forward mode beside reverse mode: jvp, a directional derivative carried from the inputs.

Both modes multiply the same local derivatives, the numbers every node keeps on its edges
(`node._local`, from the table in ops.py); they differ in where they start.

    reverse (backward): from the output back,   grad(operand) += local * grad(node)
    forward (jvp):      from the inputs forward, tangent(node) = sum of local * tangent(operand)

A backward pass starts from one output and gives the derivative with respect to every input:
one pass for a whole gradient. A forward pass starts from one direction in the inputs (a
tangent per input) and gives the derivative of every output along it: one pass for every
output, but a gradient of n inputs takes n passes, one per input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from numbers import Real
from typing import Any

from autograd import grad_mode
from autograd.engine import Value, topological_order


def jvp(
    fn: Callable[..., Value | Sequence[Value]],
    primals: Sequence[Real | Value],
    tangents: Sequence[Real],
) -> tuple[Any, Any]:
    """fn's value at `primals` and its derivative along `tangents`, by forward mode.

    fn takes one Value per primal (fn(*xs), as in jacobian) and returns a Value, or a list
    or tuple of Values. jvp returns (value, directional_derivative): two floats for one
    output; for a list or tuple of outputs, two lists or tuples of floats of the same shape,
    as torch.func.jvp returns outputs and tangents shaped like fn's result. The directional
    derivative is sum_i d(output)/d(x_i) * tangents[i]: with tangents (0, .., 1, .., 0) it is
    one partial derivative. A primal given as a Value gives only its number: fn gets new
    leaves. No `.grad` anywhere is changed, and no backward pass runs.
    """
    if not callable(fn):
        raise TypeError(f"jvp takes a function first, then primals and tangents; got {fn!r}")
    points = _numbers(primals, "primals", values_too=True)
    directions = _numbers(tangents, "tangents", values_too=False)
    if len(points) != len(directions):
        raise ValueError(
            f"jvp needs one tangent per primal; got {len(points)} primals and "
            f"{len(directions)} tangents"
        )
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(points)]
    with grad_mode.enable_grad():  # even inside no_grad: the graph is what carries tangents
        result = fn(*xs)
    outputs = _outputs(result)
    carried = carry_tangents(outputs, dict(zip(xs, directions)))
    values = [y.data for y in outputs]
    derivatives = [carried.get(y, 0.0) for y in outputs]  # absent: no input reaches y
    if isinstance(result, Value):
        return values[0], derivatives[0]
    kind = type(result)  # a list gives lists, a tuple tuples
    return kind(values), kind(derivatives)


def carry_tangents(outputs: Iterable[Value], seeds: dict[Value, Any]) -> dict[Value, Any]:
    """The forward pass of tangents over the graph behind `outputs`: the one loop behind jvp.

    `seeds` gives the leaves' tangents (usually the inputs). Every node, after all of its
    operands, gets tangent(node) = sum of local * tangent(operand) over its edges. A node
    that no seed reaches gets no entry: its tangent is 0, and skipping its edges keeps an
    infinite local derivative off a constant (sqrt at 0) from making 0 * inf = nan.
    Returns every tangent by node, seeds included. No `.grad` is read or written.
    """
    carried = dict(seeds)
    for node in topological_order(*outputs):  # every operand of node comes before it
        if node in carried:
            continue  # a seed: its tangent is given
        total = None
        for operand, local in zip(node._prev, node._local):
            tangent = carried.get(operand)  # final: operand's own operands came before it
            if tangent is not None:
                term = local * tangent
                total = term if total is None else total + term
        if total is not None:
            carried[node] = total
    return carried


def _numbers(numbers: Any, name: str, values_too: bool) -> list[float]:
    """primals or tangents as floats, with an error that says what was wrong."""
    if not isinstance(numbers, (list, tuple)):
        one = " (for a function of one input, write [x])" if isinstance(numbers, Real) else ""
        raise TypeError(
            f"{name} must be a list or tuple of numbers, one per argument of fn; got "
            f"{type(numbers).__name__}: {numbers!r}{one}"
        )
    floats = []
    for i, x in enumerate(numbers):
        if values_too and isinstance(x, Value):
            x = x.data
        if isinstance(x, bool) or not isinstance(x, Real):
            hint = " (use v.data for its number)" if isinstance(x, Value) else ""
            raise TypeError(f"{name}[{i}] must be a number; got {type(x).__name__}: {x!r}{hint}")
        floats.append(float(x))
    return floats


def _outputs(result: Any) -> list[Value]:
    """fn's result as a list of Values: one Value, or a list or tuple of them."""
    if isinstance(result, Value):
        return [result]
    if isinstance(result, (list, tuple)) and result:
        for i, y in enumerate(result):
            if not isinstance(y, Value):
                raise TypeError(
                    f"jvp needs fn to return Values; output {i} is {type(y).__name__}: {y!r} "
                    "(a number has no graph to carry a tangent: build it from fn's arguments)"
                )
        return list(result)
    raise TypeError(
        "jvp needs fn to return a Value, or a non-empty list or tuple of Values; got "
        f"{type(result).__name__}: {result!r}"
    )
