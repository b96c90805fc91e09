"""chainrule's autograd: scalar reverse-mode automatic differentiation.

    from autograd import Value
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b + a
    d.backward()            # a.grad == -2.0, b.grad == 2.0
"""

from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.checks import GradcheckError, gradcheck, gradgradcheck
from autograd.compiler import Compiled, compile  # noqa: A004, F401  (out of __all__)
from autograd.drawing import draw_dot, draw_text
from autograd.engine import Value, linear, sum, topological_order  # noqa: A004, F401
from autograd.explorer import explore
from autograd.forward_mode import jvp
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.higher_order import grad, hessian, jacobian
from autograd.stepping import Step, backward_steps
from autograd.user_ops import define_op

# `from autograd import *` gives these. autograd.sum and autograd.compile stay out of it, so
# that the star import never shadows Python's own sum() and compile().
__all__ = [
    "AnomalyError",
    "GradcheckError",
    "Compiled",
    "Step",
    "Value",
    "backward_steps",
    "detect_anomaly",
    "draw_dot",
    "define_op",
    "draw_text",
    "enable_grad",
    "explore",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "is_grad_enabled",
    "jacobian",
    "jvp",
    "linear",
    "no_grad",
    "set_grad_enabled",
    "topological_order",
]
