"""The expression language of the explorer: numbers, names, + - * / **, unary minus and the
engine's functions, as in `tanh(x*w + b)` or `relu(a) * a`.

The text is parsed by Python's `ast` and every node of the tree checked against an allow-list
(never `eval`); then it is computed with Values, so each operator means what it means in the
engine: `a - b` is a + (-b), `a / b` is a * b**-1, `2 * x` is x * 2. page.js parses the same
language for the page's expression box and builds the same graph.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from numbers import Real

from autograd.engine import Value

FUNCTIONS = (
    "exp", "log", "sqrt", "tanh", "sigmoid", "softplus", "relu", "leaky_relu", "abs", "sin", "cos",
)  # fmt: skip
LANGUAGE = f"numbers, names, + - * / **, parentheses and the functions {', '.join(FUNCTIONS)}"
_NAME = re.compile(r"[A-Za-z_]\w*\Z", re.ASCII)
_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}
_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Constant, ast.Load,
    ast.USub, ast.UAdd, *_OPERATORS,
)  # fmt: skip
_WHAT = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.Compare: "a comparison",
    ast.Attribute: "an attribute (x.y)", ast.Subscript: "an index (x[0])", ast.keyword: "a keyword",
    ast.Lambda: "a lambda", ast.IfExp: "if/else", ast.BoolOp: "and/or", ast.Tuple: "a tuple",
}  # fmt: skip


def parse_expression(text: str, values: Mapping[str, Real]) -> Value:
    """The graph of `text`, each name a leaf labelled with its name, valued from `values`.

    ValueError, with what was wrong, for anything outside the language, a name without a
    value, or an op outside its domain (log of a negative number).
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("type an expression, such as tanh(x*w + b)")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        message = f"cannot read {text!r}: {error.msg}; an expression takes {LANGUAGE}"
        raise ValueError(message) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            what = _WHAT.get(type(node), type(node).__name__)
            raise ValueError(f"{what} is not in the language: an expression takes {LANGUAGE}")
        if isinstance(node, ast.Call):  # the function first, before any of its arguments
            _function_name(node, len(node.args))
    leaves: dict[str, Value] = {}
    try:
        result = _evaluate(tree.body, values, leaves)
    except (ArithmeticError, ValueError) as error:  # ZeroDivisionError, OverflowError, log(-1)
        raise ValueError(f"{text}: {error}") from None
    if not isinstance(result, Value):
        raise ValueError("the expression is a number: use a name, such as x, to get a graph")
    return result


def _evaluate(tree: ast.expr, values: Mapping[str, Real], leaves: dict[str, Value]):
    """The tree computed bottom up with an explicit stack: a Value, or a float for a number."""
    done: list = []  # the results, a node's arguments in order on top
    stack: list[tuple[ast.expr, bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        parts = _parts(node)
        if not ready and parts:
            stack.append((node, True))
            stack.extend((part, False) for part in reversed(parts))
            continue
        arguments = [done.pop() for _ in parts][::-1]
        done.append(_compute(node, arguments, values, leaves))
    return done[0]


def _parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _compute(node: ast.expr, arguments: list, values: Mapping[str, Real], leaves: dict):
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"{node.value!r} is not a number: an expression takes {LANGUAGE}")
        return float(node.value)
    if isinstance(node, ast.Name):
        return _leaf(node.id, values, leaves)
    if isinstance(node, ast.UnaryOp):
        (x,) = arguments
        return -x if isinstance(node.op, ast.USub) else x
    if isinstance(node, ast.BinOp):
        result = _OPERATORS[type(node.op)](*arguments)
        if isinstance(result, complex):
            raise ValueError(f"{arguments[0]!r} ** {arguments[1]!r} is not a real number")
        return result
    return _call(node, arguments)


def _leaf(name: str, values: Mapping[str, Real], leaves: dict[str, Value]) -> Value:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a name the page can read: use letters, digits and _")
    if name not in leaves:
        if name not in values:
            raise ValueError(f"{name} has no value: give it one, as {name}=1")
        leaves[name] = Value(values[name], label=name)
    return leaves[name]


def _call(node: ast.Call, arguments: list) -> Value:
    name = _function_name(node, len(arguments))
    x = arguments[0] if isinstance(arguments[0], Value) else Value(arguments[0])
    if name == "leaky_relu":
        alpha = arguments[1] if len(arguments) > 1 else 0.01
        if isinstance(alpha, Value):
            raise ValueError("leaky_relu's slope is a number, not an expression of names")
        return x.leaky_relu(alpha)
    return getattr(x, name)()


def _function_name(node: ast.Call, count: int) -> str:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        raise ValueError(
            f"{name or 'this'}() is not a function of the engine; the functions are"
            f" {', '.join(FUNCTIONS)}"
        )
    most = 2 if name == "leaky_relu" else 1
    if not 1 <= count <= most:
        takes = "one argument" if most == 1 else "a value and a slope"
        raise ValueError(f"{name}() takes {takes}; got {count}")
    return name
