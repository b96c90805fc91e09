"""detect_anomaly: the first NaN or infinity, in an op or in a backward step, raises AnomalyError
naming the op, its operands (label and data) and the line of this file that created the node.
Outside the context the engine computes inf and nan as PyTorch does, and says nothing.
"""

import inspect
import math
from collections.abc import Callable
from typing import NamedTuple

import pytest
from strategies import requires_torch, torch, torch_leaf

import autograd
from autograd import AnomalyError, Value, detect_anomaly

INF = math.inf
HERE = "test_anomaly.py"


def next_line():
    return inspect.currentframe().f_back.f_lineno + 1  # the line after the caller's


def at(line):
    return f"{HERE}:{line}"


def anomaly_checking_is_on():
    try:
        Value(0.0) * Value(INF)
    except AnomalyError:
        return True
    return False


# --- the forward pass ----------------------------------------------------------------------------


class Forward(NamedTuple):
    build: Callable[[], Value]  # on one line: the line that made the node is its first line
    op: str
    result: str
    operands: list[str]  # as the message shows them: label (data ...)


FORWARD = {
    "0 * inf": Forward(
        lambda: Value(0.0, label="zero") * Value(INF, label="big"),
        "*",
        "nan",
        ["zero (data 0.0)", "big (data inf)"],
    ),
    "inf + -inf": Forward(
        lambda: Value(INF, label="a") + Value(-INF, label="b"),
        "+",
        "nan",
        ["a (data inf)", "b (data -inf)"],
    ),
    "sum of inf and -inf": Forward(
        lambda: autograd.sum([Value(1.0, label="one"), Value(INF, label="a"), Value(-INF)]),
        "sum",
        "nan",
        ["one (data 1.0)", "a (data inf)", "unlabelled (data -inf)"],
    ),
    "exp overflows": Forward(
        lambda: Value(1000.0, label="x").exp(), "exp", "inf", ["x (data 1000.0)"]
    ),
    "x ** 400 overflows": Forward(
        lambda: Value(10.0, label="x") ** 400, "**", "inf", ["x (data 10.0)"]
    ),
    "x * y overflows": Forward(
        lambda: Value(1e200, label="x") * Value(1e200, label="y"),
        "*",
        "inf",
        ["x (data 1e+200)", "y (data 1e+200)"],
    ),
}


@pytest.mark.parametrize("name", FORWARD)
def test_an_op_giving_nan_or_inf_raises_naming_op_operands_and_line(name):
    build, op, result, operands = FORWARD[name]
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        build()
    message = str(info.value)
    assert f"{op} gave {result}" in message, message
    for operand in operands:
        assert operand in message, message
    assert at(build.__code__.co_firstlineno) in message, message


def test_the_forward_message_names_the_line_and_the_code():
    a, b = Value(0.0, label="a"), Value(INF, label="b")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        line = next_line()
        c = a * b  # noqa: F841  (the line the message points to)
    message = str(info.value)
    assert at(line) in message and "c = a * b" in message
    assert "test_the_forward_message_names_the_line_and_the_code" in message


@requires_torch
def test_outside_the_context_the_forward_gives_inf_and_nan_like_torch():
    for name, (build, _, result, _) in FORWARD.items():
        out = build()  # no error
        assert repr(out.data) == result, name
    t = torch.tensor([0.0, INF, -INF, 1000.0], dtype=torch.float64)
    assert math.isnan((t[0] * t[1]).item()) and math.isnan((t[1] + t[2]).item())
    assert (t[3].exp()).item() == INF


# --- the backward pass ---------------------------------------------------------------------------


def test_an_infinite_gradient_names_the_op_the_operand_and_where_the_node_was_made():
    x = Value(0.0, label="x")
    with detect_anomaly():
        created = next_line()
        y = x.sqrt()  # fine forward (0.0); its local derivative 0.5 / sqrt(0) is inf
        backward = next_line()
        with pytest.raises(AnomalyError) as info:
            y.backward()
    message = str(info.value)
    assert "backward through sqrt gave inf" in message, message
    assert "x (data 0.0)" in message
    assert at(created) in message and "y = x.sqrt()" in message
    assert at(backward) not in message  # where the node was made, not where backward ran


def test_a_nan_gradient_deep_in_the_graph_names_that_node():
    x = Value(0.0, label="x")
    with detect_anomaly():
        created = next_line()
        r = x.sqrt()
        r.label = "r"
        y = (r * 0.0).tanh()  # d y / d r = 0, and 0 * sqrt'(0) = 0 * inf = nan
        with pytest.raises(AnomalyError) as info:
            y.backward()
    message = str(info.value)
    assert "backward through sqrt gave nan" in message, message
    assert "x (data 0.0)" in message and at(created) in message
    assert x.grad == 0.0  # the error came before anything reached x


def test_a_node_made_before_the_context_says_so():
    x = Value(0.0, label="x")
    y = x.sqrt()
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        y.backward()
    message = str(info.value)
    assert "backward through sqrt" in message and "before detect_anomaly" in message


@requires_torch
def test_outside_the_context_the_backward_gives_inf_and_nan_like_torch():
    x, z = Value(0.0), Value(0.0)
    x.sqrt().backward()
    (z.sqrt() * 0.0).tanh().backward()
    tx, tz = torch_leaf(0.0), torch_leaf(0.0)
    tx.sqrt().backward()
    (tz.sqrt() * 0.0).tanh().backward()
    assert x.grad == tx.grad.item() == INF
    assert math.isnan(z.grad) and math.isnan(tz.grad.item())


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize(
    "build, op, data",
    [
        (lambda x: x.sqrt(), "sqrt", 0.0),  # sqrt'(0) = inf
        (lambda x: x.log(), "log", 1e-320),  # log'(x) = 1/x overflows to inf
    ],
    ids=["sqrt at 0", "log at 1e-320"],
)
def test_grad_inside_the_context_checks_too(build, op, data, create_graph):
    x = Value(data, label="x")
    with detect_anomaly():
        y = build(x)  # the node is made on build's line, in the list above
        with pytest.raises(AnomalyError) as info:
            autograd.grad(y, [x], create_graph=create_graph)
    message = str(info.value)
    assert f"backward through {op} gave inf" in message, message
    assert f"x (data {data!r})" in message
    assert at(build.__code__.co_firstlineno) in message, message


def test_detect_anomaly_changes_no_number():
    def f(x, y):
        return (x * y).tanh() + (x * x + 1).log() * y.sigmoid()

    xs = [Value(0.8), Value(-0.3)]
    f(*xs).backward()
    plain = [x.grad for x in xs]
    with detect_anomaly():
        ys = [Value(0.8), Value(-0.3)]
        f(*ys).backward()
        gs = autograd.grad(f(*ys), ys, create_graph=True)
    assert [y.grad for y in ys] == plain
    assert [g.data for g in gs] == plain


# --- the flag ------------------------------------------------------------------------------------


def test_the_check_is_off_by_default_and_after_the_context():
    assert not anomaly_checking_is_on()
    with detect_anomaly():
        assert anomaly_checking_is_on()
    assert not anomaly_checking_is_on()


def test_the_flag_is_restored_after_an_anomaly_or_another_exception():
    with pytest.raises(AnomalyError), detect_anomaly():
        Value(0.0) * Value(INF)
    assert not anomaly_checking_is_on()
    with pytest.raises(KeyError), detect_anomaly():
        raise KeyError("not an anomaly")
    assert not anomaly_checking_is_on()
    assert not autograd.anomaly.is_enabled()


def test_nested_contexts_keep_checking_until_the_outer_one_ends():
    with detect_anomaly():
        with detect_anomaly():
            pass
        assert anomaly_checking_is_on()
        with pytest.raises(AnomalyError), detect_anomaly():
            Value(INF) * 0.0
        assert anomaly_checking_is_on()
    assert not anomaly_checking_is_on()


def test_a_node_made_inside_the_context_is_not_checked_after_it():
    x = Value(0.0, label="x")
    with detect_anomaly():
        y = x.sqrt()
    y.backward()  # no error: checking ended with the context
    assert x.grad == INF


def test_anomaly_error_is_a_runtime_error():
    assert issubclass(AnomalyError, RuntimeError)


def test_a_file_beside_the_package_whose_name_starts_like_it_is_the_users():
    # autograd/ lives at .../autograd; a user's .../autograd_notes.py is not inside it.
    beside = autograd.anomaly._PACKAGE.rstrip("/\\") + "_notes.py"
    code = compile("a * b\n", beside, "exec")
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        exec(code, {"a": Value(0.0, label="a"), "b": Value(INF, label="b")})
    assert f"{beside}:1" in str(info.value)
