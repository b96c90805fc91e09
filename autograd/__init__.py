"""chainrule's autograd: scalar reverse-mode automatic differentiation.

    from autograd import Value
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b + a
    d.backward()            # a.grad == -2.0, b.grad == 2.0
"""

from autograd.drawing import draw_dot, draw_text
from autograd.engine import Value, sum, topological_order  # noqa: A004  (autograd.sum)
from autograd.grad_mode import is_grad_enabled, no_grad

__all__ = ["Value", "draw_dot", "draw_text", "is_grad_enabled", "no_grad", "sum", "topological_order"]
