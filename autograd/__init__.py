"""chainrule's autograd: scalar reverse-mode automatic differentiation.

    from autograd import Value
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b + a
    d.backward()            # a.grad == -2.0, b.grad == 2.0
"""

from autograd.engine import Value, sum, topological_order  # noqa: A004
from autograd.grad_mode import is_grad_enabled, no_grad

__all__ = ["Value", "is_grad_enabled", "no_grad", "sum", "topological_order"]
