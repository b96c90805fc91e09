"""pickle and copy.deepcopy of graphs of any depth: the copy is the same graph, and its
backward pass gives the same gradients."""

import copy
import pickle

import pytest

import autograd
from autograd import Value


def deep_graph(depth):
    x, a = Value(0.5, label="x"), Value(1.0001, label="a")
    y = x
    for _ in range(depth):
        y = (y * a + 0.001).tanh() if depth < 50 else y * a + 0.001
    y.label = "y"
    return y


@pytest.mark.parametrize("copier", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy])
@pytest.mark.parametrize("depth", [10, 1_000, 100_000])
def test_a_deep_graph_copies_whole(copier, depth):
    y = deep_graph(depth)
    twin = copier(y)
    assert twin is not y and twin.data == y.data and twin.label == "y"
    original, copied = autograd.topological_order(y), autograd.topological_order(twin)
    assert len(original) == len(copied)
    assert [n._op for n in original] == [n._op for n in copied]
    assert [n._local for n in original] == [n._local for n in copied]
    assert not set(map(id, original)) & set(map(id, copied))  # nothing shared
    y.backward()
    twin.backward()
    assert [n.grad for n in original] == [n.grad for n in copied]


def test_a_copy_keeps_labels_attributes_and_what_a_node_shares():
    a = Value(2.0, label="a")
    a.m = 0.5  # a user's attribute
    b = a * a + a  # a used three times
    twin = copy.deepcopy(b)
    product, leaf = twin._prev
    assert product._prev[0] is product._prev[1] is leaf
    assert leaf.label == "a" and leaf.m == 0.5


def test_a_copy_of_a_no_grad_result_still_refuses_backward():
    with autograd.no_grad():
        y = Value(2.0) * 3.0
    with pytest.raises(RuntimeError, match="under no_grad"):
        pickle.loads(pickle.dumps(y)).backward()
