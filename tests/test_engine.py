"""The engine around the ops: deep graphs, accumulation over several backward passes, no_grad,
numerical stability at extreme inputs, errors on bad input, and the Python protocols a Value
follows (numbers on either side, hashing, repr, format)."""

import gc
import math
import subprocess
import sys

import pytest
from strategies import F, np, requires_numpy, requires_torch, torch, torch_leaf

import autograd
from autograd import Value


def live_values():
    gc.collect()
    return [o for o in gc.get_objects() if type(o) is Value]


def nodes_using(operands):
    gc.collect()  # an abandoned node may sit in a reference cycle with a traceback
    edges = [r for r in gc.get_referrers(*operands) if type(r) is tuple]  # candidate _prev
    return [r for r in gc.get_referrers(*edges) if type(r) is Value]


# --- deep graphs --------------------------------------------------------------------------

N = 1_000_000


def test_a_million_op_chain_backpropagates_and_is_freed():
    # A recursive topological sort (micrograd's) raises RecursionError past ~1000 levels.
    alive_before = len(live_values())  # other tests' Values may still be alive
    x0, c = Value(1.0), Value(1.0000001)
    x = x0
    for _ in range(N):
        x = x * c  # x0 * c**N, one node per step, all sharing c
    x.backward()
    assert math.isclose(x.data, 1.0000001**N, rel_tol=1e-9)
    assert math.isclose(x0.grad, 1.0000001**N, rel_tol=1e-9)  # d/dx0 = c**N
    assert math.isclose(c.grad, N * 1.0000001 ** (N - 1), rel_tol=1e-9)  # d/dc = N c**(N-1)
    del x
    assert len(live_values()) <= alive_before + 2  # freed, not kept by a cycle: x0, c remain


def test_dropping_a_million_node_graph_does_not_crash():
    # Freeing the root frees its operand, which frees its operand...: if that recursed in C it
    # would overflow the C stack and kill the interpreter, so it runs in a process of its own.
    script = f"import autograd\nx = autograd.Value(0.5)\nfor _ in range({N}):\n    x = x.tanh()\n"
    script += "del x\nprint('freed')\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "freed\n"


# --- gradient accumulation ----------------------------------------------------------------


def test_backward_k_times_adds_exactly_k_gradients_on_every_node():
    x, y = Value(0.7), Value(-1.3)
    s = x * y
    t = s.tanh() + s * x
    out = t * t + s.sigmoid() + autograd.sum([t, x, s])  # interior nodes used several times
    nodes = autograd.topological_order(out)
    out.backward()
    once = {node: node.grad for node in nodes}
    assert all(g != 0.0 for g in once.values())  # every node takes part, so the check bites
    for node in nodes:
        node.grad = 0.0
    k = 3
    for _ in range(k):
        out.backward()  # no zero_grad in between: gradients accumulate, as in PyTorch
    # micrograd re-sends each interior node's accumulated grad, over-counting from pass 2 on
    for node in nodes:
        assert node.grad == k * once[node], (node, once[node])


# --- no_grad ------------------------------------------------------------------------------


def test_grad_mode_is_on_by_default():
    assert autograd.is_grad_enabled() is True
    assert (Value(1.0) * 2)._op == "*"


def test_no_grad_records_no_graph():
    a = Value(2.0)
    with autograd.no_grad():
        assert autograd.is_grad_enabled() is False
        out = (a * a + 1).tanh()
    assert out.data == math.tanh(5.0)
    assert out._prev == () and out._op == "" and out._local == ()
    with pytest.raises(RuntimeError, match="under no_grad"):  # as PyTorch, not a silent 0
        out.backward()
    assert a.grad == 0.0  # nothing links out back to a
    assert autograd.is_grad_enabled() is True


def test_no_grad_restores_recording_after_an_exception():
    with pytest.raises(ValueError):
        with autograd.no_grad():
            Value(-1.0).log()
    assert autograd.is_grad_enabled() is True
    assert (Value(1.0) + 1)._op == "+"


def test_no_grad_nests():
    with autograd.no_grad():
        with autograd.no_grad():
            pass
        assert autograd.is_grad_enabled() is False  # leaving the inner block restores off
        assert (Value(1.0) + 1)._prev == ()
    assert autograd.is_grad_enabled() is True


def test_no_grad_works_as_a_decorator():
    @autograd.no_grad()
    def evaluate(x):
        assert autograd.is_grad_enabled() is False
        return x * 3

    for _ in range(2):  # entered afresh on every call
        out = evaluate(Value(2.0))
        assert out.data == 6.0 and out._prev == () and out._op == ""
        assert autograd.is_grad_enabled() is True


# --- numerical stability --------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, x, data, grad",
    [
        (Value.tanh, 1000.0, 1.0, 0.0),
        (Value.tanh, -1000.0, -1.0, 0.0),
        (Value.sigmoid, 1000.0, 1.0, 0.0),
        (Value.sigmoid, -1000.0, 0.0, 0.0),
        (Value.softplus, 1000.0, 1000.0, 1.0),
        (Value.softplus, -1000.0, 0.0, 0.0),
    ],
)
def test_saturating_ops_at_extreme_inputs_give_exact_limits(op, x, data, grad):
    # naive forms overflow here: e**1000 in sigmoid, log(1 + e**1000) in softplus
    value = Value(x)
    out = op(value)
    out.backward()
    assert out.data == data
    assert value.grad == grad


@requires_torch
@pytest.mark.parametrize(
    "op, reference",
    [
        (Value.tanh, lambda t: torch.tanh(t)),  # lambdas: torch is looked up only if installed
        (Value.sigmoid, lambda t: torch.sigmoid(t)),
        (Value.softplus, lambda t: F.softplus(t)),
    ],
)
@pytest.mark.parametrize("x", [-1000.0, 1000.0])
def test_saturating_ops_at_extreme_inputs_agree_with_torch(op, reference, x):
    value, tensor = Value(x), torch_leaf(x)
    out, expected = op(value), reference(tensor)
    out.backward()
    expected.backward()
    assert out.data == expected.item() and value.grad == tensor.grad.item()


@requires_torch
def test_exp_overflows_to_inf_as_in_torch():
    value, tensor = Value(1000.0), torch_leaf(1000.0)
    out, expected = value.exp(), tensor.exp()
    out.backward()
    expected.backward()
    assert out.data == math.inf == expected.item()
    assert value.grad == math.inf == tensor.grad.item()


OVERFLOWING_POWERS = {
    "1e200 ** 2": (lambda a: a**2, [1e200]),
    "(-1e200) ** 3": (lambda a: a**3, [-1e200]),  # -inf: an odd power keeps the sign
    "1e300 ** 1.5": (lambda a: a**1.5, [1e300]),
    "10 ** Value(400)": (lambda a, b: a**b, [10.0, 400.0]),
    "1 / 1e-300": (lambda a: 1 / a, [1e-300]),  # finite, but its derivative -1/a**2 overflows
}


@requires_torch
@pytest.mark.parametrize("name", OVERFLOWING_POWERS)
def test_overflowing_powers_give_inf_as_in_torch(name):
    # exp(1000) is inf, and so is Value(1e200) * Value(1e200); x ** 2 should not differ
    f, inputs = OVERFLOWING_POWERS[name]
    values, tensors = [Value(x) for x in inputs], [torch_leaf(x) for x in inputs]
    out, expected = f(*values), f(*tensors)
    out.backward()
    expected.backward()
    assert math.isclose(out.data, expected.item(), rel_tol=1e-9)  # inf is close to inf
    for value, tensor in zip(values, tensors):
        assert math.isclose(value.grad, tensor.grad.item(), rel_tol=1e-9)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad, kind", [("abc", "str"), (None, "NoneType"), ([1], "list")])
def test_value_of_a_non_number_raises_type_error_naming_the_type(bad, kind):
    with pytest.raises(TypeError, match=kind):
        Value(bad)


# (operands, the failing op on them, the exception, words its message must hold)
FAILURES = {
    "Value + str": ([1.0], lambda a: a + "x", TypeError, "str"),
    "str + Value": ([1.0], lambda a: "x" + a, TypeError, "str"),
    "Value * None": ([1.0], lambda a: a * None, TypeError, "NoneType"),
    "Value ** str": ([1.0], lambda a: a ** "a", TypeError, "str"),
    "log(-1)": ([-1.0], Value.log, ValueError, "positive"),
    "log(0)": ([0.0], Value.log, ValueError, "positive"),
    "sqrt(-1)": ([-1.0], Value.sqrt, ValueError, "sqrt"),
    "(-8) ** (1/3)": ([-8.0], lambda a: a ** (1 / 3), ValueError, "real"),  # Python: complex
    "(-8) ** Value(1/3)": ([-8.0, 1 / 3], lambda a, b: a**b, ValueError, "real"),
    "0 ** -1": ([0.0], lambda a: a**-1, ZeroDivisionError, "negative power"),
    "0 ** Value(-1)": ([0.0, -1.0], lambda a, b: a**b, ZeroDivisionError, "negative power"),
    "1 / Value(0)": ([0.0], lambda a: 1 / a, ZeroDivisionError, "division by zero"),
    "Value / Value(0)": ([1.0, 0.0], lambda a, b: a / b, ZeroDivisionError, "division by zero"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_failed_op_raises_and_leaves_no_half_built_node(name):
    inputs, op, error, words = FAILURES[name]
    operands = [Value(x) for x in inputs]
    for operand in operands:
        operand.grad = 0.25  # a grad left from earlier, which must survive untouched
    state = [(v.data, v.grad, v._prev, v._op, v._local) for v in operands]
    with pytest.raises(error, match=words):
        op(*operands)
    assert [(v.data, v.grad, v._prev, v._op, v._local) for v in operands] == state
    assert nodes_using(operands) == []  # no node was left holding an operand


def test_autograd_sum_of_nothing_raises_value_error():
    with pytest.raises(ValueError):
        autograd.sum([])


def test_autograd_sum_of_a_non_number_raises_type_error():
    with pytest.raises(TypeError, match="str"):
        autograd.sum([Value(1.0), "a"])


# --- Python protocols -----------------------------------------------------------------------


@requires_numpy
@pytest.mark.parametrize(
    "f, data, grad",
    [
        (lambda v: np.float64(2) * v, 6.0, 2.0),
        (lambda v: v * np.int64(3), 9.0, 3.0),
        (lambda v: np.int64(3) * v, 9.0, 3.0),
        (lambda v: np.float64(1) + v, 4.0, 1.0),
        (lambda v: np.float32(1) - v, -2.0, -1.0),
        (lambda v: np.float64(6) / v, 2.0, -6.0 / 9.0),
        (lambda v: v ** np.int64(2), 9.0, 6.0),
        (lambda v: np.float64(2) ** v, 8.0, 8.0 * math.log(2.0)),
    ],
)
def test_numpy_scalars_on_either_side_give_a_value(f, data, grad):
    v = Value(3.0)
    out = f(v)
    assert type(out) is Value and type(out.data) is float  # not a numpy array or scalar
    out.backward()
    assert math.isclose(out.data, data, rel_tol=1e-12)
    assert math.isclose(v.grad, grad, rel_tol=1e-12)


@requires_numpy
def test_value_of_a_numpy_scalar_holds_a_python_float():
    assert type(Value(np.float64(2.5)).data) is float
    assert type(Value(np.int64(2)).data) is float


def test_values_hash_by_identity_and_define_no_equality():
    assert Value.__eq__ is object.__eq__ and Value.__hash__ is object.__hash__
    a, b = Value(1.0), Value(1.0)
    grads = {a: "a", b: "b"}  # equal data, two nodes, two keys
    assert len(grads) == 2 and grads[a] == "a" and grads[b] == "b"
    assert (a == b) is False and (a == a) is True


def test_backward_step_by_hand_as_in_the_lecture():
    a, b, c = Value(2.0), Value(-3.0), Value(10.0)
    e = a * b
    d = e + c
    d.grad = 1.0
    d._backward()  # through +: the gradient passes unchanged
    assert e.grad == 1.0 and c.grad == 1.0
    e._backward()  # through *: each operand gets the other's data times e.grad
    assert a.grad == -3.0 and b.grad == 2.0


def test_repr_is_micrograds():
    x = Value(3.0)
    (x * x).backward()
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(x) == "Value(data=3.0, grad=6.0)"


def test_format_spec_formats_the_data():
    v = Value(3.14159)
    assert format(v, ".2f") == "3.14"
    assert f"loss {v:.3f}" == "loss 3.142"


@requires_torch
@pytest.mark.parametrize("op", [Value.relu, Value.leaky_relu, Value.abs, Value.tanh])
def test_nan_goes_through_as_in_torch(op):
    out = op(Value(float("nan")))
    expected = getattr(torch.nn.functional, op.__name__, getattr(torch, op.__name__, None))
    assert math.isnan(out.data) and math.isnan(expected(torch.tensor(float("nan"))).item())


def test_star_import_does_not_shadow_pythons_builtins():
    namespace: dict = {}
    exec("from autograd import *", namespace)
    exec("total = sum([1, 2, 3]); code = compile('1 + 1', '<test>', 'eval')", namespace)
    assert namespace["total"] == 6 and type(namespace["total"]) is int
    assert eval(namespace["code"]) == 2
    assert "Value" in namespace and "backward_steps" in namespace
    assert autograd.sum([Value(1.0), 2]).data == 3.0 and callable(autograd.compile)


@pytest.mark.parametrize(
    "use",
    [
        float,
        round,
        lambda v: round(v, 2),
        math.tanh,
        math.exp,
        lambda v: v > 0,
        lambda v: v <= 1.0,
        lambda v: 0 < v,
        lambda v: sorted([v, Value(1.0)]),
    ],
    ids=["float", "round", "round 2", "math.tanh", "math.exp", ">", "<=", "0 <", "sorted"],
)
def test_using_a_value_as_a_python_number_says_what_to_write(use):
    with pytest.raises(TypeError, match=r"v\.data|compare their numbers"):
        use(Value(0.5))


def test_a_label_that_is_not_text_is_refused_where_it_is_set():
    v = Value(1.0)
    with pytest.raises(TypeError, match="label must be a str.*got int: 3"):
        v.label = 3
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=None)
    v.label = "w"
    assert v.label == "w" and (v * 2).label == ""


def test_dividing_by_zero_says_so():
    for divide in (lambda: 1 / Value(0.0), lambda: Value(1.0) / 0, lambda: Value(1.0) / Value(0)):
        with pytest.raises(ZeroDivisionError, match="division by zero"):
            divide()
    with pytest.raises(ZeroDivisionError, match="negative power"):
        Value(0.0) ** -1  # a power written as a power is still spoken of as one
