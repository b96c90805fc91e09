"""The stepped backward pass: each step's fields are the chain rule's numbers, the grads between
steps are the sums so far, and after the last step they are exactly what backward() leaves."""

import itertools
import math

import micrograd_examples
import pytest
from strategies import given, requires_torch, st, torch

import autograd
import nn
from autograd import Step, Value, backward_steps, topological_order
from autograd.stepping import CURRENT, FINAL, PARTIAL, UNREACHED


def lecture_graph() -> dict[str, Value]:
    """micrograd's lecture example, L = (a*b + c) * f, before any backward: nodes by label."""
    return {node.label: node for node in topological_order(micrograd_examples.lecture_graph())}


def same(x: float, y: float) -> bool:
    """Equal to the last bit (or both NaN): stepping must give backward's very numbers."""
    return x == y or (math.isnan(x) and math.isnan(y))


# --- random graphs with shared nodes --------------------------------------------------------

OPS = {
    "a + b": (2, lambda a, b: a + b),
    "a * b": (2, lambda a, b: a * b),
    "a - b": (2, lambda a, b: a - b),
    "a / (b*b + 1)": (2, lambda a, b: a / (b * b + 1)),
    "a ** 2": (1, lambda a: a**2),
    "tanh": (1, lambda a: a.tanh()),
    "relu": (1, lambda a: a.relu()),
    "exp(tanh)": (1, lambda a: a.tanh().exp()),
    "sum of 3": (3, lambda *xs: autograd.sum(xs)),
}


@st.composite
def programs(draw):
    """Leaves, then steps (op, indices of earlier nodes): indices repeat, so nodes are shared."""
    leaves = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4))
    steps = []
    for size in range(len(leaves), len(leaves) + draw(st.integers(1, 12))):
        name = draw(st.sampled_from(sorted(OPS)))
        steps.append((name, tuple(draw(st.integers(0, size - 1)) for _ in range(OPS[name][0]))))
    return leaves, steps


def build(program) -> list[Value]:
    leaves, steps = program
    values = [Value(x) for x in leaves]
    for name, operands in steps:
        value = OPS[name][1](*(values[i] for i in operands))
        values.append(value.tanh() if abs(value.data) > 10 else value)  # keep numbers moderate
    return values


def every_node(values: list[Value]) -> list[Value]:
    """The graph's nodes, including those a step made without naming (b*b + 1)."""
    return topological_order(values[-1])


@given(programs())
def test_random_graph_steps_end_with_backwards_grads(program):
    stepped, backed = every_node(build(program)), every_node(build(program))
    steps = list(backward_steps(stepped[-1]))
    backed[-1].backward()
    assert len(steps) == len(stepped)
    assert all(same(x.grad, y.grad) for x, y in zip(stepped, backed))


@given(programs(), st.lists(st.floats(-5.0, 5.0), min_size=1, max_size=10))
def test_grads_there_before_are_kept_as_backward_keeps_them(program, earlier):
    stepped, backed = every_node(build(program)), every_node(build(program))
    for node, other, grad in zip(stepped, backed, itertools.cycle(earlier)):
        node.grad = other.grad = grad
    for _ in range(2):  # and a second pass on top of the first, as backward twice
        for _ in backward_steps(stepped[-1]):
            pass
        backed[-1].backward()
        assert all(same(x.grad, y.grad) for x, y in zip(stepped, backed))


@given(programs())
def test_between_steps_every_grad_is_the_sum_so_far(program):
    nodes = every_node(build(program))
    root = nodes[-1]
    earlier = {node: float(i % 3) for i, node in enumerate(nodes)}  # grads left by earlier passes
    backed = every_node(build(program))
    for node, other in zip(nodes, backed):
        node.grad = other.grad = earlier[node]
    backed[-1].backward()  # the final grads, to compare those of the nodes already stepped
    final = {node: other.grad for node, other in zip(nodes, backed)}
    position = {node: i for i, node in enumerate(reversed(nodes))}  # the steps' order
    sums: dict[Value, list[float]] = {root: []}  # what each node received, from the steps' fields
    for step in backward_steps(root):
        assert step.node is nodes[len(nodes) - 1 - step.index]  # backward()'s order
        for c in step.contributions:
            sums.setdefault(c.operand, []).append(c.contribution)
        for node in nodes:
            got = step.grad(node)
            if node not in sums:
                assert step.state(node) == UNREACHED
                assert got is None
                assert node.grad == earlier[node]  # untouched so far
                continue
            expected = 1.0 if node is root else 0.0
            for amount in sums[node]:
                expected += amount  # in the order backward() adds them
            assert same(got, expected)
            assert same(node.grad, earlier[node] + expected)
            assert step.received(node) == sums[node]
            if position[node] <= step.index:  # its own step has run: its grad is complete
                assert step.state(node) == (CURRENT if node is step.node else FINAL)
                assert same(node.grad, final[node])
            else:
                assert step.state(node) == PARTIAL


def test_an_mlp_steps_to_backwards_grads():
    def loss_of(model):
        X, y = nn.data.make_moons(6, noise=0.1, seed=3)
        scores = [model(x) for x in X]
        return autograd.sum([(1 + -yi * si).relu() for yi, si in zip(y, scores)]) * (1 / 6)

    stepped, backed = nn.MLP(2, [4, 4, 1], seed=0), nn.MLP(2, [4, 4, 1], seed=0)
    steps = list(backward_steps(loss_of(stepped)))
    loss_of(backed).backward()
    assert len(steps) > 100
    grads = [p.grad for p in stepped.parameters()]
    assert grads == [p.grad for p in backed.parameters()]
    assert any(g != 0.0 for g in grads)


# --- stepping a layer at a time -------------------------------------------------------------


def every_user_first(visits: list[Value]) -> bool:
    """Is every node after all of its users (so its grad is complete at its turn)?"""
    position = {node: i for i, node in enumerate(visits)}
    return all(position[x] > position[node] for node in visits for x in node._prev)


@given(programs())
def test_by_layers_every_node_comes_after_all_its_users_and_grads_are_backwards(program):
    stepped, backed = every_node(build(program)), every_node(build(program))
    steps = list(backward_steps(stepped[-1], order="layers"))
    backed[-1].backward()
    visits = [step.node for step in steps]
    assert sorted(map(id, visits)) == sorted(map(id, stepped))  # each node once
    assert every_user_first(visits)
    # The same sums, their terms perhaps added in another order: equal to the last few bits.
    assert all(
        math.isclose(x.grad, y.grad, rel_tol=1e-12, abs_tol=1e-12) for x, y in zip(stepped, backed)
    )
    names = [step.name(node) for step in steps[:1] for node in stepped]
    assert names == [f"#{i}" for i in range(len(stepped))]  # as draw_text names them


def network_layer(node: Value) -> int:
    """The deepest layer of the network whose parameters (labelled L1..., L2...) are behind
    node: 1 for the first layer's ops, 3 for the output neuron's and the loss's."""
    layers = [int(n.label[1]) for n in topological_order(node) if n.label.startswith("L")]
    return max(layers, default=0)


@pytest.mark.parametrize("points", [1, 3])
def test_by_layers_a_network_is_stepped_one_layer_at_a_time(points):
    def loss_of(model):
        X = [[0.5 * i, -1.0 + i] for i in range(points)]
        return autograd.sum([(model(x) - 1.0) ** 2 for x in X])

    stepped, backed = nn.MLP(2, [4, 4, 1], seed=0), nn.MLP(2, [4, 4, 1], seed=0)
    loss = loss_of(stepped)
    default = [
        network_layer(step.node) for step in backward_steps(loss_of(backed)) if step.node._op
    ]
    backed.zero_grad()
    loss_of(backed).backward()
    steps = list(backward_steps(loss, order="layers"))
    assert every_user_first([step.node for step in steps])
    assert [p.grad for p in stepped.parameters()] == [p.grad for p in backed.parameters()]
    layers = [network_layer(step.node) for step in steps if step.node._op]
    assert layers == sorted(layers, reverse=True)  # never back up to a layer already left
    assert sorted(layers) == sorted(default)  # the same ops, every one of them
    if points > 1:  # backward()'s order goes down the layers once per point
        assert default != sorted(default, reverse=True)
    # The leaves of a layer are stepped together: each run of leaf steps is one layer's.
    kinds = [bool(step.contributions) for step in steps]
    runs = sum(1 for a, b in zip([True, *kinds], kinds) if a and not b)
    assert runs <= 5  # L3's weights, its constants, L2's, L1's, the inputs
    # Each point: 2 inputs, the constant -1, 19 ops; the 37 parameters; the sum of the losses.
    assert len(steps) == points * 22 + 37 + 1
    assert sum(kinds) == points * 19 + 1  # the steps that pass something on


def test_an_unknown_order_is_a_value_error():
    with pytest.raises(ValueError, match="order must be 'backward'.*or 'layers'.*got 'depth'"):
        backward_steps(Value(1.0), order="depth")


# --- the fields of a step -------------------------------------------------------------------


def test_lecture_steps_by_hand():
    v = lecture_graph()
    steps = list(backward_steps(v["L"]))
    assert [step.node for step in steps] == [v[n] for n in "Lfdceba"]
    assert [(s.number, s.total) for s in steps] == [(i, 7) for i in range(1, 8)]
    assert [s.upstream for s in steps] == [1.0, 4.0, -2.0, -2.0, -2.0, -4.0, 6.0]
    fields = {
        s.node.label: [(c.operand.label, c.local, c.contribution) for c in s.contributions]
        for s in steps
    }
    assert fields == {
        "L": [("d", -2.0, -2.0), ("f", 4.0, 4.0)],  # dL/dd = f, dL/df = d
        "f": [],
        "d": [("e", 1.0, -2.0), ("c", 1.0, -2.0)],
        "c": [],
        "e": [("a", -3.0, 6.0), ("b", 2.0, -4.0)],  # de/da = b, de/db = a
        "b": [],
        "a": [],
    }
    assert [v[n].grad for n in "abcdefL"] == [6.0, -4.0, -2.0, -2.0, -2.0, 4.0, 1.0]


@requires_torch
def test_steps_match_torch_on_a_graph_with_shared_nodes():
    torch_ops = {"*": torch.mul, "+": torch.add, "tanh": torch.tanh, "exp": torch.exp}
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    s = x * y
    t = s.tanh() + s * x  # s and x both feed two ops
    out = t * t + y.exp() * s  # and t feeds one op twice
    # The same graph in torch, node for node, keeping every node's grad.
    tensor: dict[Value, torch.Tensor] = {}
    for node in topological_order(out):
        if node._op:
            tensor[node] = torch_ops[node._op](*(tensor[operand] for operand in node._prev))
        else:
            tensor[node] = torch.tensor(node.data, dtype=torch.float64, requires_grad=True)
        tensor[node].retain_grad()
    tensor[out].backward()
    d_out = {node: t.grad.item() for node, t in tensor.items()}

    for step in backward_steps(out):
        assert math.isclose(step.upstream, d_out[step.node], rel_tol=1e-12)
        # The locals on the edges to one operand add up to torch's partial derivative of the
        # op: the op applied to fresh leaves, one per distinct operand (x*x: the same twice).
        partial: dict[Value, float] = {}
        for c in step.contributions:
            partial[c.operand] = partial.get(c.operand, 0.0) + c.local
            assert c.contribution == c.local * step.upstream
        if step.node._op:
            fresh = {
                o: torch.tensor(o.data, dtype=torch.float64, requires_grad=True) for o in partial
            }
            result = torch_ops[step.node._op](*(fresh[o] for o in step.node._prev))
            expected = torch.autograd.grad(result, list(fresh.values()))
            for local, d in zip(partial.values(), expected):
                assert math.isclose(local, d.item(), rel_tol=1e-12)
    assert len(partial) == 0  # the last step is a leaf's


@pytest.mark.parametrize("make", [lambda a: a * a, lambda a: a + a], ids=["a*a", "a+a"])
def test_a_node_used_twice_by_one_op_gets_two_contributions(make):
    a = Value(3.0, label="a")
    y = make(a)
    first, last = backward_steps(y)
    assert [c.operand for c in first.contributions] == [a, a]
    amounts = [c.contribution for c in first.contributions]
    assert amounts == ([3.0, 3.0] if y._op == "*" else [1.0, 1.0])
    assert first.received(a) == amounts
    assert last.node is a
    assert last.upstream == a.grad == sum(amounts)


def test_stopping_early_leaves_the_sums_so_far_and_earlier_grads():
    v = lecture_graph()
    for node in v.values():
        node.grad = 10.0  # left by an earlier pass
    steps = backward_steps(v["L"])
    for _ in range(3):  # L, f, d
        step = next(steps)
    assert step.node is v["d"]
    got = {n: node.grad for n, node in v.items()}
    assert got == {"L": 11.0, "f": 14.0, "d": 8.0, "e": 8.0, "c": 8.0, "a": 10.0, "b": 10.0}


def test_nothing_happens_before_the_first_step():
    v = lecture_graph()
    steps = backward_steps(v["L"])
    assert all(node.grad == 0.0 for node in v.values())
    v["a"].grad = 1.0  # grads as they are at the first step are the ones kept
    for _ in steps:
        pass
    assert v["a"].grad == 7.0


def test_earlier_steps_still_tell_their_own_state():
    v = lecture_graph()
    steps = list(backward_steps(v["L"]))
    first, third, last = steps[0], steps[2], steps[-1]
    assert first.grad(v["e"]) is None and first.state(v["e"]) == UNREACHED
    assert third.grad(v["e"]) == -2.0 and third.state(v["e"]) == PARTIAL
    assert third.state(v["d"]) == CURRENT and third.state(v["L"]) == FINAL
    assert last.state(v["e"]) == FINAL and last.grad(v["a"]) == 6.0
    assert first.grad(v["L"]) == 1.0 and first.received(v["a"]) == []


def test_a_leaf_step_passes_nothing_on():
    a = Value(1.5, label="a")
    (step,) = backward_steps(a)
    assert step.contributions == () and step.upstream == 1.0 and a.grad == 1.0


def test_under_detect_anomaly_a_nan_contribution_stops_the_pass():
    x = Value(0.0, label="x")
    y = x.sqrt() * 0.0  # d sqrt/dx at 0 is inf; inf * 0 is nan
    with autograd.detect_anomaly(), pytest.raises(autograd.AnomalyError, match="sqrt"):
        for _ in backward_steps(y):
            pass


# --- the step as text and as HTML -----------------------------------------------------------


def test_str_reads_the_chain_rule():
    v = lecture_graph()
    lines = [str(step) for step in backward_steps(v["L"])]
    assert lines == [
        "step 1/7: L = d * f, grad 1: d += -2 × 1 = -2, f += 4 × 1 = 4",
        "step 2/7: f (leaf), grad 4: nothing to pass on",
        "step 3/7: d = e + c, grad -2: e += 1 × -2 = -2, c += 1 × -2 = -2",
        "step 4/7: c (leaf), grad -2: nothing to pass on",
        "step 5/7: e = a * b, grad -2: a += -3 × -2 = 6, b += 2 × -2 = -4",
        "step 6/7: b (leaf), grad -4: nothing to pass on",
        "step 7/7: a (leaf), grad 6: nothing to pass on",
    ]


def test_unlabelled_nodes_are_named_as_draw_text_names_them():
    x = Value(-0.0, label="x")
    y = x * -1.0  # the constant is an unlabelled leaf; its local derivative -0.0 reads 0
    (first, *_) = backward_steps(y)
    names = {line.split()[0] for line in autograd.draw_text(y).splitlines()}
    assert str(first) == "step 1/3: #2 = x * #1, grad 1: x += -1 × 1 = -1, #1 += 0 × 1 = 0"
    assert {"#1", "#2", "x"} == names


def test_html_table_has_the_numbers_and_escapes_labels():
    a, b = Value(2.0, label="<a&>"), Value(-3.0, label='"b"')
    y = a * b
    y.label = "<script>"
    first, *rest = backward_steps(y)
    page = first._repr_html_()
    assert page.startswith("<table><caption>step 1/3: &lt;script&gt; = &lt;a&amp;&gt; * ")
    assert "<td>&lt;a&amp;&gt;</td><td>-3</td><td>1</td><td>-3</td><td>-3</td>" in page
    assert "<td>&quot;b&quot;</td><td>2</td><td>1</td><td>2</td><td>2</td>" in page
    assert "<script>" not in page
    assert rest[-1]._repr_html_().endswith("grad -3: nothing to pass on</p>")


def test_title_is_one_line_saying_what_the_step_passes():
    v = lecture_graph()
    steps = list(backward_steps(v["L"]))
    assert steps[2].title() == "step 3/7: d (grad -2) passes -2 to e, -2 to c"
    assert steps[-1].title() == "step 7/7: a has its final grad 6 (a leaf: nothing to pass on)"
    many = autograd.sum([Value(float(i), label=f"x{i}") for i in range(6)])
    assert (
        next(backward_steps(many)).title().endswith("passes 1 to x0, 1 to x1, 1 to x2, and 3 more")
    )


# --- bad arguments --------------------------------------------------------------------------


@pytest.mark.parametrize("root", [2.0, None, [Value(1.0)]])
def test_root_must_be_a_value(root):
    with pytest.raises(TypeError, match=r"backward_steps\(\) takes a Value.*got"):
        backward_steps(root)  # at once, not at the first next()


def test_asking_a_step_about_a_node_of_another_graph_is_a_value_error():
    v = lecture_graph()
    step = next(backward_steps(v["L"]))
    stranger = Value(1.0, label="stranger")
    for ask in (step.grad, step.state, step.received, step.name):
        with pytest.raises(ValueError, match=r"not in the graph behind this step's root \(L\)"):
            ask(stranger)


def test_step_is_exported_and_immutable():
    step = next(backward_steps(Value(1.0)))
    assert isinstance(step, Step)
    with pytest.raises(AttributeError):
        step.upstream = 2.0


def test_a_long_chain_steps_without_recursion():
    x = leaf = Value(0.5)
    for _ in range(5000):
        x = x * 1.0 + 0.0
    count = sum(1 for _ in backward_steps(x))
    assert count == len(topological_order(x))
    assert leaf.grad == 1.0
