"""Checking the engine's derivatives against central finite differences, as PyTorch's
gradcheck and gradgradcheck do.

    (f(x + eps) - f(x - eps)) / (2 eps)  ≈  f'(x), with an error of order eps²

A derivative rule written wrong in ops.py, or a function whose graph hides a step the
engine cannot see, shows up here as a mismatch naming the input and both numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real

from autograd.engine import Value, topological_order
from autograd.higher_order import grad, jacobian


class GradcheckError(RuntimeError):
    """The engine's derivative and the finite-difference estimate disagree."""


def gradcheck(
    f: Callable[..., Value | Sequence[Value]],
    inputs: Sequence[Real],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """True if the engine's d f_i / d x_j match central differences at `inputs`.

    `f` takes one Value per input, as in PyTorch. A mismatch raises GradcheckError naming
    the output, the input and both numbers (or returns False if raise_exception is False).
    """
    return _compare(f, [float(x) for x in inputs], eps, atol, rtol, raise_exception, "gradcheck")


def gradgradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Real],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """gradcheck for second derivatives: differentiates f's gradient (built with
    create_graph=True) and compares with central differences of that gradient."""

    def gradient(*xs: Value) -> list[Value]:
        first = grad(f(*xs), xs, create_graph=True, allow_unused=True)
        return [Value(0.0) if g is None else g for g in first]

    points = [float(x) for x in inputs]
    return _compare(gradient, points, eps, atol, rtol, raise_exception, "gradgradcheck")


def _compare(f, point, eps, atol, rtol, raise_exception, name) -> bool:
    analytical = jacobian(f, point)
    for j, x in enumerate(point):
        above = _evaluate(f, point[:j] + [x + eps] + point[j + 1 :])
        below = _evaluate(f, point[:j] + [x - eps] + point[j + 1 :])
        for i, (a, b) in enumerate(zip(above, below)):
            numerical = (a - b) / (2 * eps)
            engine = analytical[i][j]
            if not abs(engine - numerical) <= atol + rtol * abs(numerical):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"{name}: d output {i} / d input {j} (x{j} = {x!r}) is {engine!r} by the "
                    f"engine but {numerical!r} by central differences (eps={eps}, atol={atol}, "
                    f"rtol={rtol}); the ops from x{j} to output {i}: "
                    f"{', '.join(_ops_between(f, point, j, i)) or 'none'}"
                )
    return True


def _ops_between(f, point: list[float], j: int, i: int) -> list[str]:
    """The ops on the paths from input j to output i, where a wrong rule would be."""
    xs = [Value(x) for x in point]
    ys = f(*xs)
    y = ys if isinstance(ys, Value) else list(ys)[i]
    order = topological_order(y)
    depends = {xs[j]}  # nodes computed from input j
    for node in order:
        if any(operand in depends for operand in node._prev):
            depends.add(node)
    return sorted({node._op for node in order if node in depends and node._op})


def _evaluate(f, point: list[float]) -> list[float]:
    ys = f(*[Value(x) for x in point])
    return [ys.data] if isinstance(ys, Value) else [y.data for y in ys]
