"""Your own primitive: a new row of the op table, defined from outside the package.

    softsign = autograd.define_op(
        "softsign",
        value=lambda x: x / (1.0 + abs(x)),
        derivatives=lambda out, x: (1.0 / (1.0 + abs(x)) ** 2,),
    )
    y = softsign(Value(0.5) * 2)      # a node whose op is "softsign"

The row has the table's form (see ops.py): `value(*inputs)` computes the result from floats,
`derivatives(out, *inputs)` returns d(out)/d(input), one per input, the answer first. Once
defined, the op is a row like any other: it draws (its name on the node, its local
derivatives on the edges), steps, runs under no_grad and detect_anomaly, is checked by
gradcheck and replayed by autograd.compile. Written with arithmetic operators and ops.py's
helpers (ops.exp, ops.log, ops.sigmoid...), its rule also works on Values, and grad() can
differentiate it again (higher order); a rule that calls `math` works on floats only.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

from autograd.engine import NO_GRAPH, Value, _apply, _as_value
from autograd.ops import OPS, Op

_DEFINED: set[str] = set()  # the names define_op added: those may be defined again


def define_op(
    name: str, value: Callable[..., float], derivatives: Callable[..., Any]
) -> Callable[..., Value]:
    """A new primitive `name`: returns the function that applies it to Values and numbers."""
    _check_definition(name, value, derivatives)
    OPS[name] = Op(name, _checked_value(name, value), _checked_derivatives(name, derivatives))
    _DEFINED.add(name)

    def apply(*inputs: Value | Real) -> Value:
        operands = tuple(x if type(x) is Value else _as_value(x) for x in inputs)
        node = _apply(name, operands, [operand.data for operand in operands])
        if node._local is not NO_GRAPH and len(node._local) != len(operands):
            raise ValueError(
                f"the derivatives of {name!r} gave {len(node._local)} local derivatives for "
                f"{len(operands)} inputs: return one per input, d(out)/d(input), in order"
            )
        return node

    apply.__name__ = apply.__qualname__ = name.replace(" ", "_")
    apply.__doc__ = f"The op {name!r}, defined with autograd.define_op."
    return apply


def _check_definition(name: Any, value: Any, derivatives: Any) -> None:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"define_op() takes the op's name as a non-empty str; got {name!r}")
    if name in OPS and name not in _DEFINED:
        raise ValueError(
            f"{name!r} is a built-in op of the table; give your op another name"
            f" (built-in: {', '.join(OPS)})"
        )
    for role, rule in (("value", value), ("derivatives", derivatives)):
        if not callable(rule):
            raise TypeError(f"define_op({name!r}): {role} must be a function; got {rule!r}")


def _checked_value(name: str, value: Callable[..., float]) -> Callable[..., float]:
    def checked(*inputs: float) -> float:
        result = value(*inputs)
        if isinstance(result, bool) or not isinstance(result, Real):
            raise TypeError(
                f"the value of {name!r} must be a number; got {type(result).__name__}:"
                f" {result!r} for inputs {inputs!r}"
            )
        return float(result)

    return checked


def _checked_derivatives(name: str, derivatives: Callable[..., Any]) -> Callable[..., tuple]:
    def checked(out: Any, *inputs: Any) -> tuple:
        result = derivatives(out, *inputs)
        if not isinstance(result, (tuple, list)):
            raise TypeError(
                f"the derivatives of {name!r} must be a tuple, one local derivative per input,"
                f" as in ops.py (write `(d,)` for one input); got {type(result).__name__}:"
                f" {result!r}"
            )
        return tuple(d if isinstance(d, Value) else _number(name, d) for d in result)

    return checked


def _number(name: str, d: Any) -> float:
    """A local derivative on floats (on Values, it is a Value: a node for higher order)."""
    if isinstance(d, bool) or not isinstance(d, Real):
        raise TypeError(f"a local derivative of {name!r} must be a number; got {d!r}")
    return float(d)
