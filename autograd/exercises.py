"""Checkers for the exercise notebooks (notebooks/10_… to 12_…): the learner writes a missing
piece, a checker says at once whether it is right.

    from autograd.exercises import check_tanh_derivative
    check_tanh_derivative(tanh_derivative)
    # right: tanh_derivative matches the engine's rule ops.OPS['tanh'] at 7 inputs
    # wrong at x = 0.5: tanh_derivative(out=0.4621172, x=0.5) returned 0.75, expected
    #   0.7864477. That is 1 − x²: square out, not x. Hint: d/dx tanh(x) = 1 − tanh(x)², ...
    # not done yet: tanh_derivative returns None: write it in the cell above (and `return` ...

Every checker returns a Result (`.status` is "right", "wrong" or "not done"; `.passed`;
`.message`, the one line a notebook shows). A checker never raises on a learner's mistake:
an exception from the learner's code is caught and reported with its type and message.

The numbers a learner's answer is compared with never come from the learner's code: the
engine's own rules (ops.OPS) for local derivatives, central differences for an op that has
no row, the engine's backward pass for gradients and deltas, and nn.optim's optimisers for
an update step (nn is imported by those two checkers only, when they run).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from numbers import Real
from typing import Any

from autograd.engine import Value, backward_order, gradients
from autograd.engine import sum as value_sum
from autograd.ops import OPS, Op

RIGHT, WRONG, NOT_DONE = "right", "wrong", "not done"


@dataclass(frozen=True, repr=False)
class Result:
    """What a checker found: the exercise, its status and the line that says so."""

    exercise: str
    status: str  # RIGHT, WRONG or NOT_DONE
    message: str  # begins with "right", "wrong" or "not done yet"

    @property
    def passed(self) -> bool:
        return self.status == RIGHT

    def __repr__(self) -> str:  # what a notebook shows under the checker's cell
        return self.message


class _Stop(Exception):
    """Raised inside a checker to end it with a Result (never escapes a checker)."""

    def __init__(self, result: Result) -> None:
        super().__init__(result.message)
        self.result = result


def _checker(check: Callable[..., Result]) -> Callable[..., Result]:
    """A checker that turns _Stop into its Result, and anything else the learner's answer
    made go wrong inside the checker into a 'wrong' Result instead of an exception."""
    name = check.__name__.removeprefix("check_")

    def checked(answer: Any) -> Result:
        try:
            return check(answer)
        except _Stop as stop:
            return stop.result
        except Exception as error:  # e.g. a returned object whose arithmetic raises
            return Result(name, WRONG, f"wrong: your {name} could not be used: {_error(error)}")

    checked.__name__ = checked.__qualname__ = check.__name__
    checked.__doc__ = check.__doc__
    return checked


# ---------------------------------------------------------------------------------------
# Calling the learner's code, and reading what it returns.

_BLANKS = (None, Ellipsis, NotImplemented)  # what a shipped blank returns


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _not_done(name: str, why: str) -> _Stop:
    return _Stop(Result(name, NOT_DONE, f"not done yet: {why}"))


def _wrong(name: str, where: str, what: str, hint: str, diagnosis: str = "") -> _Stop:
    """wrong at <where>: <what>. <diagnosis, when the answer matches a known mistake> Hint: ..."""
    at = f" at {where}" if where else ""
    diagnosis = f"{diagnosis} " if diagnosis else ""
    return _Stop(Result(name, WRONG, f"wrong{at}: {what}. {diagnosis}Hint: {hint}"))


def _call(
    name: str, fn: Callable, args: tuple, where: str, hint: str, first: bool, returns: bool = True
) -> Any:
    """fn(*args), with an exception or a blank answer turned into a Result. `first`: this is
    the first call, where a blank means "not done" (later, it is a missing `return`);
    `returns=False` for an answer that returns nothing (it changes grads)."""
    try:
        got = fn(*args)
    except NotImplementedError:
        raise _not_done(
            name, f"{name} raises NotImplementedError: write it in the cell above"
        ) from None
    except Exception as error:
        raise _wrong(name, where, f"{name} raised {_error(error)}", hint) from error
    if returns and any(got is blank for blank in _BLANKS):
        shown = "..." if got is Ellipsis else repr(got)
        if first:
            raise _not_done(
                name,
                f"{name} returns {shown}: write it in the cell above (and `return` the answer)",
            )
        raise _wrong(
            name, where, f"{name} returned {shown} (does every path reach a return?)", hint
        )
    return got


def _require_function(name: str, answer: Any) -> None:
    if answer is Ellipsis or answer is None:
        raise _not_done(name, f"write the function {name} in the cell above")
    if not callable(answer):
        raise _Stop(
            Result(
                name,
                WRONG,
                f"wrong: check_{name} takes your function itself, check_{name}({name}), "
                f"not its result; got {type(answer).__name__}: {answer!r}",
            )
        )


def _number(name: str, got: Any, where: str, call: str, hint: str) -> float:
    """A returned number as a float; a one-element tuple (ops.py's form) is accepted too."""
    if isinstance(got, (tuple, list)) and len(got) == 1:
        got = got[0]
    if isinstance(got, Value):
        what = f"{call} returned a Value ({got!r}); return its number, .data"
        raise _wrong(name, where, what, hint)
    if isinstance(got, bool) or not isinstance(got, Real):
        what = f"{call} returned {type(got).__name__} {got!r}, not a number"
        raise _wrong(name, where, what, hint)
    return float(got)


def _items(name: str, got: Any, size: int, unit: str, what: str, where: str, hint: str) -> list:
    """A returned list (a tuple, an array) of `size` items, each a `unit`; `what` says the whole.
    A set or a dict is refused: its order is not the neurons' (or steps') order."""
    if isinstance(got, (str, bytes, Set, Mapping)) or not hasattr(got, "__len__"):
        found = f"{type(got).__name__} {got!r}"
        raise _wrong(name, where, f"{name} returned {found}; return {what}", hint)
    if len(got) != size:
        found = f"{len(got)} {unit}{'s' if len(got) != 1 else ''}"
        raise _wrong(name, where, f"{name} returned {found}, expected {what}", hint)
    return list(got)


def _numbers(name: str, got: Any, size: int, where: str, what: str, hint: str) -> list[float]:
    """A returned list of `size` numbers (of `what`), as floats."""
    items = _items(name, got, size, "number", f"{size} numbers: {what}", where, hint)
    return [_number(name, x, where, name, hint) for x in items]


def _close(got: float, expected: float, tolerance: float = 1e-9) -> bool:
    if math.isinf(expected):
        return got == expected
    return abs(got - expected) <= tolerance * (1.0 + abs(expected))


def _show(x: float) -> str:
    return f"{x:.7g}"


def _shown_apart(expected: float, got: float) -> tuple[str, str]:
    """The two numbers, with digits enough to tell them apart."""
    e, g = _show(expected), _show(got)
    return (repr(expected), repr(got)) if e == g else (e, g)


# ---------------------------------------------------------------------------------------
# 1. Local derivatives: the learner's rule against the engine's row of ops.OPS.


@dataclass(frozen=True)
class _Rule:
    name: str  # the learner's function
    # Its row of ops.OPS, taken when this module is imported: a row the notebook replaces
    # later (with the learner's own rule) is not what the rule is checked against. None for
    # an op with no row, checked by central differences of `function`, its value.
    row: Op | None
    points: tuple[tuple[float, ...], ...]  # the inputs it is checked at
    hint: str
    mistakes: tuple[tuple[Callable[..., float], str], ...] = ()  # (a wrong rule, its hint)
    function: Callable[..., float] | None = None

    def value(self, *inputs: float) -> float:  # the op's value, on floats
        return self.row.value(*inputs) if self.row else self.function(*inputs)


def _gives(mistake: Callable[..., float], inputs: tuple[float, ...], got: float) -> bool:
    """Whether a known mistake gives `got` here; one that cannot be computed here (0.0 ** -1
    at x = 0) is not the mistake made."""
    try:
        return _close(got, mistake(*inputs))
    except (ArithmeticError, ValueError):
        return False


def _engine_derivative(rule: _Rule, inputs: tuple[float, ...]) -> float:
    out = rule.value(*inputs)
    if rule.row:
        return float(rule.row.derivatives(out, *inputs)[0])
    h = 1e-5  # central differences: an error of order h², about 1e-10
    x, *rest = inputs
    return (rule.value(x + h, *rest) - rule.value(x - h, *rest)) / (2 * h)


def _check_rule(rule: _Rule, answer: Any) -> Result:
    name = rule.name
    _require_function(name, answer)
    tolerance = 1e-9 if rule.row else 1e-7  # central differences are good to about 1e-10
    for i, inputs in enumerate(rule.points):
        out = rule.value(*inputs)
        names = ("x", "n")[: len(inputs)]
        where = ", ".join(f"{k} = {_show(v)}" for k, v in zip(names, inputs))
        arguments = ", ".join(f"{k}={_show(v)}" for k, v in zip(names, inputs))
        call = f"{name}(out={_show(out)}, {arguments})"
        got = _call(name, answer, (out, *inputs), where, rule.hint, first=i == 0)
        got = _number(name, got, where, call, rule.hint)
        expected = _engine_derivative(rule, inputs)
        if not _close(got, expected, tolerance):
            diagnosis = next(
                (said for mistake, said in rule.mistakes if _gives(mistake, (out, *inputs), got)),
                "",
            )
            e, g = _shown_apart(expected, got)
            raise _wrong(name, where, f"{call} returned {g}, expected {e}", rule.hint, diagnosis)
    row = f"the engine's rule ops.OPS[{rule.row.name!r}]" if rule.row else "central differences"
    return Result(name, RIGHT, f"right: {name} matches {row} at {len(rule.points)} inputs")


def _silu(x: float) -> float:
    return x * OPS["sigmoid"].value(x)  # x·σ(x), also called swish


_XS = ((0.5,), (-2.0,), (1.0,), (0.0,), (-0.5,), (2.5,), (0.3,))

TANH = _Rule(
    "tanh_derivative",
    OPS["tanh"],
    _XS,
    "d/dx tanh(x) = 1 − tanh(x)², and out is tanh(x)",
    (
        (lambda out, x: 1.0 - x * x, "That is 1 − x²: square out, not x."),
        (lambda out, x: 1.0 + out * out, "The square is subtracted."),
    ),
)
SIGMOID = _Rule(
    "sigmoid_derivative",
    OPS["sigmoid"],
    _XS,
    "d/dx σ(x) = σ(x)·(1 − σ(x)), and out is σ(x)",
    (
        (lambda out, x: x * (1.0 - x), "That is x·(1 − x): use out, not x."),
        (lambda out, x: 1.0 - out * out, "That is tanh's rule."),
    ),
)
POWER = _Rule(
    "power_derivative",
    OPS["**"],
    # x = 0 last: where `n * out / x` divides by zero, x ** (n - 1) is 0.0 ** -1 for n = 0,
    # and the slope is 0 for n = 2 but 1 for n = 1 (no one answer at x = 0 will do)
    ((2.0, 3.0), (0.5, 2.0), (-1.5, 3.0), (4.0, 0.5), (2.0, -1.0), (3.0, 0.0), (1.5, 1.0))
    + ((0.0, 2.0), (0.0, 0.0), (0.0, 1.0)),
    "the power rule, d/dx xⁿ = n·xⁿ⁻¹, written with x (out / x fails at x = 0), and 0 for n = 0",
    (
        (lambda out, x, n: n * x**n, "The exponent drops by one."),
        (lambda out, x, n: x ** (n - 1), "The factor n is missing."),
        (lambda out, x, n: n * x ** (n + 1), "The exponent goes down, not up."),
    ),
)
SOFTPLUS = _Rule(
    "softplus_derivative",
    OPS["softplus"],
    _XS,
    "softplus(x) = log(1 + eˣ), so its derivative is eˣ / (1 + eˣ) = σ(x), the sigmoid of x",
    ((lambda out, x: 1.0 / (1.0 + math.exp(x)), "That is σ(−x): the sign of x is flipped."),),
)
SILU = _Rule(
    "silu_derivative",
    None,
    _XS,
    "silu(x) = x·σ(x); the product rule gives σ(x) + x·σ(x)·(1 − σ(x))",
    (
        (
            lambda out, x: OPS["sigmoid"].value(x) * (1.0 - OPS["sigmoid"].value(x)),
            "That is σ'(x) alone; the product rule has two terms.",
        ),
        (lambda out, x: OPS["sigmoid"].value(x), "That is σ(x) alone; add x·σ'(x)."),
    ),
    function=_silu,
)


@_checker
def check_tanh_derivative(tanh_derivative: Any) -> Result:
    """tanh_derivative(out, x) against ops.OPS['tanh']."""
    return _check_rule(TANH, tanh_derivative)


@_checker
def check_sigmoid_derivative(sigmoid_derivative: Any) -> Result:
    """sigmoid_derivative(out, x) against ops.OPS['sigmoid']."""
    return _check_rule(SIGMOID, sigmoid_derivative)


@_checker
def check_power_derivative(power_derivative: Any) -> Result:
    """power_derivative(out, x, n), d/dx x**n, against ops.OPS['**']."""
    return _check_rule(POWER, power_derivative)


@_checker
def check_softplus_derivative(softplus_derivative: Any) -> Result:
    """softplus_derivative(out, x) against ops.OPS['softplus']."""
    return _check_rule(SOFTPLUS, softplus_derivative)


@_checker
def check_silu_derivative(silu_derivative: Any) -> Result:
    """silu_derivative(out, x), for silu(x) = x·σ(x), against central differences."""
    return _check_rule(SILU, silu_derivative)


# ---------------------------------------------------------------------------------------
# 2. Backward by hand: grads typed in, then the chain-rule step as code, both against the
# engine's backward pass.


def by_hand_graph() -> Value:
    """L = (a·b + a)·f with a = 3, b = −2, f = 0.5: a is used twice."""
    a, b, f = Value(3.0, label="a"), Value(-2.0, label="b"), Value(0.5, label="f")
    e = a * b
    e.label = "e"
    d = e + a
    d.label = "d"
    L = d * f
    L.label = "L"
    return L


def _users(node: Value, order: list[Value]) -> list[tuple[Value, float]]:
    """Every (user, local derivative) pair of the edges out of node."""
    return [
        (user, local)
        for user in order
        for operand, local in zip(user._prev, user._local)
        if operand is node
    ]


@_checker
def check_backward_by_hand(grads: Any) -> Result:
    """A dict {label: dL/d(node)} for every node of by_hand_graph(), against backward()."""
    name = "backward_by_hand"
    L = by_hand_graph()
    order = backward_order(L)
    expected = gradients({L: 1.0})
    labels = [node.label for node in order]
    if not isinstance(grads, dict):
        raise _Stop(Result(name, WRONG, f"wrong: give a dict of grads by node name; got {grads!r}"))
    unknown = [key for key in grads if key not in labels]
    if unknown:
        what = f"no node is named {', '.join(map(repr, unknown))}"
        raise _wrong(name, "", what, f"the nodes are {', '.join(labels)}")
    blank = [label for label in labels if any(grads.get(label, 0.0) is b for b in _BLANKS)]
    blank += [label for label in labels if label not in grads]
    for node in order:  # from L back: the first wrong grad is where the chain broke
        if node.label in blank:
            continue
        where = f"{node.label}"
        users = _users(node, order)
        if users:
            shares = " + ".join(
                f"{_show(local)} × {_show(expected[user])} (from {user.label})"
                for user, local in users
            )
            hint = f"dL/d{node.label} = local derivative × grad of each user, summed: {shares}"
        else:
            hint = "dL/dL = 1: the output's grad is 1"
        what = f"dL/d{node.label}"
        got = _number(name, grads[node.label], where, what, hint)
        if not _close(got, expected[node]):
            e, g = _shown_apart(expected[node], got)
            raise _wrong(name, where, f"{what} is {e}, you gave {g}", hint)
    if blank:
        raise _not_done(name, f"fill in the grads of {', '.join(blank)} (still ...)")
    return Result(name, RIGHT, f"right: all {len(order)} grads match backward()")


def step_graph() -> Value:
    """L = y·y + x with y = tanh(w·x + b): x is used twice, and y twice by the same node."""
    x, w, b = Value(0.5, label="x"), Value(-1.5, label="w"), Value(0.25, label="b")
    wx = w * x
    wx.label = "wx"
    z = wx + b
    z.label = "z"
    y = z.tanh()
    y.label = "y"
    yy = y * y
    yy.label = "yy"
    L = yy + x
    L.label = "L"
    return L


def _simulated(root: Value, order: list[Value], share: Callable[[float, float, float], float]):
    """A backward pass where an operand's grad becomes share(grad, local, upstream)."""
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for node in order:
        for operand, local in zip(node._prev, node._local):
            grads[operand] = share(grads[operand], local, grads[node])
    return grads


@_checker
def check_backward_step(backward_step: Any) -> Result:
    """backward_step(node), one node's chain-rule step, run over a graph in backward order,
    against the engine's gradients."""
    name = "backward_step"
    _require_function(name, backward_step)
    root = step_graph()
    order = backward_order(root)
    expected = gradients({root: 1.0})
    hint = (
        "for each operand of node and the local derivative on its edge (node._prev and "
        "node._local, in the same order): operand.grad += local * node.grad"
    )
    mistakes = (
        (
            lambda grad, local, up: local * up,
            "With = a second share overwrites the first: add (+=).",
        ),
        (lambda grad, local, up: grad + local, "Multiply the local derivative by node.grad."),
        (lambda grad, local, up: grad + up, "Multiply node.grad by the local derivative."),
    )
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for i, node in enumerate(order):
        where = f"node {node.label or node._op}"
        _call(name, backward_step, (node,), where, hint, first=i == 0, returns=False)
        if i == 0 and all(operand.grad == 0.0 for operand in node._prev):
            raise _not_done(name, f"{name}(L) changed no grad: write its body in the cell above")
    for node in order:
        if not isinstance(node.grad, Real) or isinstance(node.grad, bool):
            what = f"{node.label}.grad is {type(node.grad).__name__} {node.grad!r}, not a number"
            raise _wrong(name, f"node {node.label}", what, hint)
    got = {node: float(node.grad) for node in order}
    for node in order[1:]:  # the leaves last, where a wrong share shows the most
        if not _close(got[node], expected[node]):
            diagnosis = next(  # a mistake is named when it gives every grad the pass gave
                (
                    said
                    for share, said in mistakes
                    if all(map(_close, got.values(), _simulated(root, order, share).values()))
                ),
                "",
            )
            uses = len(_users(node, order))
            used = f" (used {uses} times)" if uses > 1 else ""
            e, g = _shown_apart(expected[node], got[node])
            what = f"{node.label}.grad is {g} after the pass, expected {e}"
            raise _wrong(name, f"node {node.label}{used}", what, hint, diagnosis)
    return Result(name, RIGHT, f"right: {len(order)} steps give backward()'s grads on every node")


# ---------------------------------------------------------------------------------------
# 3. The delta rule, layer by layer, against the grads the engine's backward() leaves on an
# MLP's nodes: a z node's grad is that neuron's δ = ∂E/∂z.

_X = ([0.5, -1.0, 2.0], [1.5, 0.3, -0.7])
_Y = [1.0, 0.0]
_SIZES = [4, 3, 2]


@dataclass(frozen=True)
class DeltaRulePass:
    """One forward and backward pass of MLP(3, [4, 3, 2]): tanh hidden, sigmoid out, on
    E = Σ (a − y)², with everything a layer's delta rule needs, as plain numbers."""

    where: str
    weights: list[list[list[float]]]  # weights[k][i][j]: layer k+1, neuron i, input j
    inputs: list[list[float]]  # inputs[k]: what layer k+1 takes (x, then activations)
    activations: list[list[float]]  # activations[k]: layer k+1's outputs
    deltas: list[list[float]]  # deltas[k]: ∂E/∂z of layer k+1's neurons
    grad_out: list[float]  # ∂E/∂a of the outputs
    weight_grads: list[list[list[float]]]  # ∂E/∂w, laid out as weights


def delta_rule_passes() -> list[DeltaRulePass]:
    """The passes the delta-rule checkers compare with: two seeds, two inputs, one each."""
    from nn import MLP  # nn builds on autograd: imported here, when a checker runs

    passes = []
    for seed in (0, 1):
        for x in _X:
            model = MLP(3, _SIZES, activation="tanh", output_activation="sigmoid", seed=seed)
            a: list[Any] = [Value(v) for v in x]
            inputs, acts = [], []
            for layer in model.layers:
                inputs.append(a)
                a = layer(a)
                a = a if isinstance(a, list) else [a]
                acts.append(a)
            E = value_sum([(out - y) ** 2 for out, y in zip(acts[-1], _Y)])
            model.zero_grad()
            E.backward()
            layers = model.layers
            passes.append(
                DeltaRulePass(
                    where=f"MLP(3, {_SIZES}), seed {seed}, x = {x}",
                    weights=[[[w.data for w in n.w] for n in layer.neurons] for layer in layers],
                    inputs=[[v.data for v in row] for row in inputs],
                    activations=[[v.data for v in row] for row in acts],
                    deltas=[[v._prev[0].grad for v in row] for row in acts],  # the z under g
                    grad_out=[v.grad for v in acts[-1]],
                    weight_grads=[
                        [[w.grad for w in n.w] for n in layer.neurons] for layer in layers
                    ],
                )
            )
    return passes


def _compare(
    name: str,
    got: list[float],
    expected: list[float],
    where: str,
    entry: str,
    hint: str,
    mistakes: Sequence[tuple[list[float], str]] = (),
) -> None:
    """Entry by entry, each named in a message as `entry` filled in with its index."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if not _close(g, e):
            diagnosis = next((said for wrong, said in mistakes if all(map(_close, got, wrong))), "")
            e_, g_ = _shown_apart(e, g)
            what = f"{entry.format(i)}: expected {e_}, got {g_}"
            raise _wrong(name, where, what, hint, diagnosis)


@_checker
def check_output_delta(output_delta: Any) -> Result:
    """output_delta(grad_a, a): the δ of a sigmoid output layer (equation 1), against the
    engine's grads of the output neurons' z nodes."""
    name = "output_delta"
    _require_function(name, output_delta)
    hint = "delta[i] = grad_a[i] · σ'(z), and for a sigmoid σ'(z) = a[i]·(1 − a[i])"
    passes = delta_rule_passes()
    for i, p in enumerate(passes):
        grad_a, a = p.grad_out, p.activations[-1]
        where = f"the output layer of {p.where}"
        got = _call(name, output_delta, (list(grad_a), list(a)), where, hint, first=i == 0)
        got = _numbers(name, got, len(a), where, "one δ per output neuron", hint)
        mistakes = [
            (grad_a, "That is grad_a alone: multiply by σ'(z)."),
            (
                [g * (1 - v * v) for g, v in zip(grad_a, a)],
                "That is tanh's g'; the outputs are sigmoids.",
            ),
        ]
        _compare(name, got, p.deltas[-1], where, "delta[{}]", hint, mistakes)
    return Result(
        name, RIGHT, f"right: output_delta matches backward()'s ∂E/∂z on {len(passes)} passes"
    )


@_checker
def check_hidden_delta(hidden_delta: Any) -> Result:
    """hidden_delta(w_next, delta_next, a): a tanh layer's δ from the next layer's
    (equation 2), against the engine's grads of its z nodes, on both hidden layers."""
    name = "hidden_delta"
    _require_function(name, hidden_delta)
    hint = (
        "delta[j] = (sum over i of w_next[i][j] · delta_next[i]) · (1 − a[j]²): the neurons i "
        "of the next layer, each one's weight on input j; 1 − a² is tanh'(z)"
    )
    checked = 0
    for p in delta_rule_passes():
        for k in reversed(range(len(_SIZES) - 1)):  # from the last hidden layer back
            w_next, delta_next, a = p.weights[k + 1], p.deltas[k + 1], p.activations[k]
            where = f"hidden layer {k + 1} of {p.where}"
            args = ([list(row) for row in w_next], list(delta_next), list(a))
            got = _call(name, hidden_delta, args, where, hint, first=checked == 0)
            checked += 1
            got = _numbers(name, got, len(a), where, "one δ per neuron of this layer", hint)
            back = [
                sum(w_next[i][j] * delta_next[i] for i in range(len(w_next))) for j in range(len(a))
            ]
            mistakes = [
                (back, "That is Σ w·δ alone: multiply by tanh'(z) = 1 − a²."),
                (
                    [s * v * (1 - v) for s, v in zip(back, a)],
                    "That is the sigmoid's g'; this layer is tanh.",
                ),
            ]
            _compare(name, got, p.deltas[k], where, "delta[{}]", hint, mistakes)
    return Result(
        name, RIGHT, f"right: hidden_delta matches backward()'s ∂E/∂z on {checked} layers"
    )


@_checker
def check_weight_grads(weight_grads: Any) -> Result:
    """weight_grads(delta, a_prev): ∂E/∂w of a layer (equation 3), against the engine's
    w.grad, on every layer."""
    name = "weight_grads"
    _require_function(name, weight_grads)
    hint = "dE/dw[i][j] = delta[i] · a_prev[j]: one row per neuron i, one entry per input j"
    checked = 0
    for p in delta_rule_passes():
        for k in range(len(_SIZES)):
            delta, a_prev, expected = p.deltas[k], p.inputs[k], p.weight_grads[k]
            where = f"layer {k + 1} of {p.where}"
            args = (list(delta), list(a_prev))
            got = _call(name, weight_grads, args, where, hint, first=checked == 0)
            checked += 1
            rows = _numbers_rows(name, got, len(delta), len(a_prev), where, hint)
            for i, (row, expected_row) in enumerate(zip(rows, expected)):
                _compare(name, row, expected_row, where, f"dE/dw[{i}][{{}}]", hint)
    return Result(
        name, RIGHT, f"right: weight_grads matches backward()'s w.grad on {checked} layers"
    )


def _numbers_rows(name: str, got: Any, n_rows: int, n_cols: int, where: str, hint: str):
    """A returned list of n_rows rows of n_cols numbers, as floats."""
    shape = f"{n_rows} rows (one per neuron) of {n_cols} numbers (one per input)"
    rows = _items(name, got, n_rows, "row", shape, where, hint)
    return [_numbers(name, row, n_cols, where, "a row, one per input", hint) for row in rows]


# ---------------------------------------------------------------------------------------
# 4. An optimiser's update, run for a few steps on one parameter, against nn.optim's.

GRADIENTS = (0.5, -1.2, 0.3, 2.0, -0.7)  # the gradient at each step, fixed in advance
START = 1.0


def _reference(make: Callable[[list[Value]], Any], state: Sequence[str]) -> list[list[float]]:
    """After each step of nn.optim's optimiser, fed the fixed gradients: the parameter, then
    the entries `state` of what the optimiser keeps for it (optimizer.state[p])."""
    p = Value(START)
    optimizer = make([p])
    after = []
    for g in GRADIENTS:
        p.grad = g
        optimizer.step()
        after.append([p.data, *(optimizer.state[p][key] for key in state)])
    return after


def _steps(name: str, step: Any, arguments: Callable, names: Sequence[str], hint: str = ""):
    """The learner's `step` run from p = START and its state at 0, what it returns (`names`:
    p, then its state) passed back in: a generator of (where, what it returned)."""
    p, *state = [START] + [0.0] * (len(names) - 1)
    for t, g in enumerate(GRADIENTS, 1):
        where = f"step {t} (g = {_show(g)})"
        got = _call(name, step, arguments(p, g, state, t), where, hint, first=t == 1)
        got = _numbers(name, got, len(names), where, f"({', '.join(names)})", hint)
        yield where, got
        p, *state = got


def _check_steps(name, answer, arguments, names, expected, hint, mistakes) -> Result:
    """Compare what the learner's step returns (`names`: p, then its state) with nn.optim's
    (`expected`) after every step; `arguments(p, g, state, t)` is what the step is called
    with, and each mistake is (a wrong step of the same form, what to say when p is its p).

    p first, over every step: a wrong state shows in the next p, where a known mistake can be
    named; a state wrong while every p is right (the step keeps its own) is told at the end."""
    wrong_state = None
    for t, (where, got) in enumerate(_steps(name, answer, arguments, names, hint)):
        if not _close(got[0], expected[t][0]):
            trajectories = [
                ([ps[0] for _, ps in _steps(name, mistake, arguments, names)], said)
                for mistake, said in mistakes
            ]
            diagnosis = next((said for ps, said in trajectories if _close(got[0], ps[t])), "")
            e, g = _shown_apart(expected[t][0], got[0])
            raise _wrong(name, where, f"p is {g}, expected {e}", hint, diagnosis)
        for what, number, reference in zip(names[1:], got[1:], expected[t][1:]):
            if wrong_state is None and not _close(number, reference):
                e, g = _shown_apart(reference, number)
                wrong_state = (where, f"{what} is {g}, expected {e} (p is right)")
    if wrong_state:
        raise _wrong(name, *wrong_state, hint)
    return Result(
        name, RIGHT, f"right: {name} follows nn.optim's numbers over {len(GRADIENTS)} steps"
    )


SGD_SETTINGS = dict(lr=0.1, momentum=0.9)
_SGD_MISTAKES = (  # wrong steps, written as a learner might, and what each one is
    (lambda p, g, buf, lr, mu: (p - lr * g, buf), "That is plain SGD: use the buffer."),
    (
        lambda p, g, buf, lr, mu: (p - lr * (mu * buf + (1 - mu) * g), mu * buf + (1 - mu) * g),
        "That is a running mean, (1 − momentum)·g; PyTorch adds g itself.",
    ),
    (
        lambda p, g, buf, lr, mu: (p + lr * (mu * buf + g), mu * buf + g),
        "The step goes against the gradient: subtract.",
    ),
    (
        lambda p, g, buf, lr, mu: (p - lr * buf, mu * buf + g),
        "Update buf first, then step with the new buf.",
    ),
)


@_checker
def check_sgd_momentum_step(sgd_momentum_step: Any) -> Result:
    """sgd_momentum_step(p, g, buf, lr, momentum) -> (p, buf), against nn.optim.SGD's p and
    its momentum buffer."""
    from nn import optim

    name = "sgd_momentum_step"
    _require_function(name, sgd_momentum_step)
    lr, mu = SGD_SETTINGS["lr"], SGD_SETTINGS["momentum"]
    hint = "buf ← momentum·buf + g, then p ← p − lr·buf (PyTorch's form; buf starts at 0)"
    expected = _reference(lambda params: optim.SGD(params, **SGD_SETTINGS), ["momentum_buffer"])
    return _check_steps(
        name,
        sgd_momentum_step,
        lambda p, g, state, t: (p, g, *state, lr, mu),
        ("p", "buf"),
        expected,
        hint,
        _SGD_MISTAKES,
    )


ADAM_SETTINGS = dict(lr=0.1, betas=(0.9, 0.999), eps=1e-8)


def _adam_without_bias_correction(p, g, m, v, t, lr, beta1, beta2, eps):
    m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g * g
    return p - lr * m / (math.sqrt(v) + eps), m, v


_ADAM_MISTAKES = (
    (_adam_without_bias_correction, "That is Adam without the bias corrections m̂ and v̂."),
)  # eps under the square root is no mistake to tell: with eps = 1e-8, p moves by 3e-10


@_checker
def check_adam_step(adam_step: Any) -> Result:
    """adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p, m, v), against nn.optim.Adam's
    p and its running means."""
    from nn import optim

    name = "adam_step"
    _require_function(name, adam_step)
    lr, (b1, b2), eps = ADAM_SETTINGS["lr"], ADAM_SETTINGS["betas"], ADAM_SETTINGS["eps"]
    hint = (
        "m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), "
        "p ← p − lr·m̂/(√v̂ + eps); t counts from 1"
    )
    expected = _reference(
        lambda params: optim.Adam(params, **ADAM_SETTINGS), ["exp_avg", "exp_avg_sq"]
    )
    return _check_steps(
        name,
        adam_step,
        lambda p, g, state, t: (p, g, *state, t, lr, b1, b2, eps),
        ("p", "m", "v"),
        expected,
        hint,
        _ADAM_MISTAKES,
    )
