"""chainrule's autograd: scalar reverse-mode automatic differentiation.

    from autograd import Value
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d = a * b + a
    d.backward()            # a.grad == -2.0, b.grad == 2.0
"""

from typing import TYPE_CHECKING

from autograd.anomaly import AnomalyError, detect_anomaly
from autograd.engine import Value, linear, sum, topological_order  # noqa: A004, F401
from autograd.forward_mode import jvp
from autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from autograd.higher_order import grad, hessian, jacobian
from autograd.user_ops import define_op

# The tools around the engine (checks, the compiler, drawings, stepping, the explorer) are
# imported on first use, so that `import autograd` stays a few milliseconds and a few objects:
# a script that never draws never loads the drawing code or what it imports.
_ON_FIRST_USE = {
    "GradcheckError": "autograd.checks",
    "gradcheck": "autograd.checks",
    "gradgradcheck": "autograd.checks",
    "Compiled": "autograd.compiler",
    "compile": "autograd.compiler",
    "draw_dot": "autograd.drawing",
    "draw_text": "autograd.drawing",
    "explore": "autograd.explorer",
    "Step": "autograd.stepping",
    "backward_steps": "autograd.stepping",
}

if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported eagerly
    from autograd.checks import GradcheckError, gradcheck, gradgradcheck
    from autograd.compiler import Compiled, compile  # noqa: A004, F401
    from autograd.drawing import draw_dot, draw_text
    from autograd.explorer import explore
    from autograd.stepping import Step, backward_steps


def __getattr__(name: str):  # called only for a name not yet in the module (PEP 562)
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module 'autograd' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_ON_FIRST_USE[name]), name)
    globals()[name] = value  # the next use finds it directly
    return value


def __dir__() -> list[str]:  # tab completion lists the names not yet loaded too
    return sorted({*globals(), *_ON_FIRST_USE})


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
