"""Whole graphs, compared with the same expression built in PyTorch float64: random graphs in
which nodes feed several later nodes (shared sub-expressions), micrograd's own two tests, and
shapes whose path count explodes."""

from micrograd_examples import readme_expression
from strategies import close, given, programs, requires_torch, run, torch_leaf, torch_leaves

import autograd
from autograd import Value

BOUND = 10.0  # a step's result beyond this is squashed with tanh, so nothing overflows


@requires_torch
@given(programs(bound=BOUND))
def test_random_graph_with_shared_nodes_matches_torch(program):
    leaves, steps = program
    values = run(steps, [Value(x) for x in leaves])
    tensors = run(steps, torch_leaves(leaves))
    for tensor in tensors:
        tensor.retain_grad()  # keep interior gradients to compare them too
    values[-1].backward()
    tensors[-1].backward()
    assert close(values[-1].data, tensors[-1].item())
    for i, (value, tensor) in enumerate(zip(values, tensors)):
        expected = 0.0 if tensor.grad is None else tensor.grad.item()  # None: not on a path
        assert close(value.grad, expected), (i, value.grad, expected)


@given(programs(bound=BOUND))
def test_random_graph_nodes_are_sorted_after_their_operands(program):
    leaves, steps = program
    values = run(steps, [Value(x) for x in leaves])
    order = autograd.topological_order(values[-1])
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)  # each node once, however many paths reach it
    assert order[-1] is values[-1]
    for node in order:
        assert all(position[operand] < position[node] for operand in node._prev)


def test_diamond_ladder_visits_each_node_once_not_each_path():
    # x = x + x sixty times: 2**60 paths from the output to the leaf, 61 nodes
    leaf = Value(1.0)
    x = leaf
    for _ in range(60):
        x = x + x
    x.backward()
    assert x.data == 2.0**60
    assert leaf.grad == 2.0**60
    assert len(autograd.topological_order(x)) == 61


def test_a_node_feeding_many_nodes_collects_each_contribution():
    x = Value(0.5)
    terms = [x * k for k in range(1, 101)]  # x feeds 100 products
    out = autograd.sum(terms) + terms[0] * terms[1]
    out.backward()
    # d/dx (x * (1 + ... + 100) + 2x**2) = 5050 + 4x
    assert x.grad == 5050.0 + 4.0 * 0.5
    assert all(t.grad == 1.0 for t in terms[2:])
    assert terms[0].grad == 1.0 + terms[1].data and terms[1].grad == 1.0 + terms[0].data


# --- micrograd's own tests, rewritten here -----------------------------------------------


@requires_torch
def test_micrograd_sanity_check_matches_torch():
    def f(x):
        z = 2 * x + 2 + x
        q = z.relu() + z * x
        h = (z * z).relu()
        return h + q + q * x

    x = Value(-4.0)
    y = f(x)
    y.backward()
    tx = torch_leaf(-4.0)
    ty = f(tx)
    ty.backward()
    assert close(y.data, ty.item())
    assert close(x.grad, tx.grad.item())


@requires_torch
def test_micrograd_more_ops_matches_torch():
    a, b = Value(-4.0), Value(2.0)
    g = readme_expression(a, b)
    g.backward()
    ta, tb = torch_leaf(-4.0), torch_leaf(2.0)
    tg = readme_expression(ta, tb)
    tg.backward()
    assert close(g.data, tg.item())
    assert close(a.grad, ta.grad.item())
    assert close(b.grad, tb.grad.item())
